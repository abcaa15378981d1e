"""Reads for the dashboards. Every figure is aggregated by the database; Python only reshapes the
few grouped rows that come back (one per stage, month, country, area or owner)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from opportunities.models import Opportunity, Suggestion
from statements.models import ImportRun, Source, Statement

from .filters import Scope, day_start

WEEK = datetime.timedelta(days=7)


@dataclass
class StageRow:
    stage: str
    label: str
    count: int = 0
    values: dict[str, Decimal] = field(default_factory=dict)
    href: str = ""


def pipeline_by_stage(*, scope: Scope) -> list[StageRow]:
    """Count and value per stage; value is summed per currency, never across currencies."""
    rows = {stage: StageRow(stage, label) for stage, label in Opportunity.Stage.choices}
    grouped = (
        scope.opportunities()
        .order_by()
        .values("stage", "currency")
        .annotate(n=Count("pk"), total=Sum("value"))
    )
    for group in grouped:
        row = rows[group["stage"]]
        row.count += group["n"]
        if group["total"]:
            row.values[group["currency"]] = group["total"]
    for row in rows.values():
        row.values = dict(sorted(row.values.items(), key=lambda item: -item[1]))
    return list(rows.values())


def main_currency(rows: list[StageRow]) -> str | None:
    """The currency carrying most of the pipeline's value entries, for the value chart."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        for currency in row.values:
            totals[currency] += 1
    return max(sorted(totals), key=totals.__getitem__) if totals else None


@dataclass
class MonthRow:
    month: datetime.date
    won: int
    lost: int
    won_href: str = ""
    lost_href: str = ""


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def won_lost_by_month(*, scope: Scope, today: datetime.date) -> list[MonthRow]:
    """Won and lost per month of closing, over the date range (default: the last 12 months)."""
    last = scope.until or today
    first = scope.since or (last.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    first = max(first, last - datetime.timedelta(days=366 * 3))  # at most three years of bars
    grouped = (
        scope.opportunities(dated=False)
        .filter(
            stage__in=Opportunity.CLOSED_STAGES,
            closed_at__gte=day_start(first),
            closed_at__lt=day_start(last + datetime.timedelta(days=1)),
        )
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values("month")
        .annotate(
            won=Count("pk", filter=Q(stage=Opportunity.Stage.WON)),
            lost=Count("pk", filter=Q(stage=Opportunity.Stage.LOST)),
        )
    )
    by_month = {}
    for group in grouped:
        month = group["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        by_month[month] = group
    return [
        MonthRow(
            month, by_month.get(month, {}).get("won", 0), by_month.get(month, {}).get("lost", 0)
        )
        for month in month_starts(first, last)
    ]


@dataclass
class Matrix:
    countries: list[dict]  # code, name, n
    areas: list[dict]  # slug, name, n
    cells: dict[tuple[str, str], int]

    @property
    def rows(self) -> list[tuple[dict, list[tuple[dict, int]]]]:
        return [
            (
                country,
                [(area, self.cells.get((country["code"], area["slug"]), 0)) for area in self.areas],
            )
            for country in self.countries
        ]

    @property
    def peak(self) -> int:
        return max(self.cells.values(), default=0)


def country_area_matrix(*, scope: Scope, countries: int = 12, areas: int = 10) -> Matrix:
    """Opportunities per partner country, per area, and per pair, for the busiest of each."""
    base = scope.opportunities().order_by()
    by_country = list(
        base.filter(countries__isnull=False)
        .values(code=F("countries__code"), name=F("countries__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "name")[:countries]
    )
    by_area = list(
        base.filter(areas__isnull=False)
        .values(slug=F("areas__slug"), name=F("areas__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "name")[:areas]
    )
    cells = {}
    if by_country and by_area:
        pairs = (
            base.filter(
                countries__code__in=[c["code"] for c in by_country],
                areas__slug__in=[a["slug"] for a in by_area],
            )
            .values(code=F("countries__code"), slug=F("areas__slug"))
            .annotate(n=Count("pk"))
        )
        cells = {(pair["code"], pair["slug"]): pair["n"] for pair in pairs}
    return Matrix(by_country, by_area, cells)


def follow_ups_by_owner(*, scope: Scope, today: datetime.date) -> list[dict]:
    """Open follow-ups overdue and due in the next 7 days, per owner (None: unassigned)."""
    return list(
        scope.follow_ups()
        .open()
        .filter(due_date__lte=today + WEEK)
        .order_by()
        .values("owner", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            this_week=Count("pk", filter=Q(due_date__gte=today)),
        )
        .order_by("-overdue", "-this_week", "owner__username")
    )


def newest_statements(*, scope: Scope, limit: int = 8) -> QuerySet[Statement]:
    qs = Statement.objects.select_related("source").order_by(
        F("published_on").desc(nulls_last=True), "-created_at"
    )
    if scope.since:
        qs = qs.filter(published_on__gte=scope.since)
    if scope.until:
        qs = qs.filter(published_on__lte=scope.until)
    return qs.annotate(mention_count=Count("mentions"))[:limit]


def open_suggestions(*, limit: int = 8) -> tuple[int, list[Suggestion]]:
    qs = Suggestion.objects.filter(status=Suggestion.Status.OPEN)
    return qs.count(), list(qs.select_related("statement").order_by("-created_at")[:limit])


def source_health(*, now: datetime.datetime) -> QuerySet[Source]:
    """Every source with its last run's status and its failed runs over the past 7 days."""
    last_run = ImportRun.objects.filter(source=OuterRef("pk")).order_by("-started_at")
    return Source.objects.annotate(
        last_status=Subquery(last_run.values("status")[:1]),
        last_new=Subquery(last_run.values("new")[:1]),
        failed_runs=Count(
            "runs",
            filter=Q(runs__status=ImportRun.Status.FAILED, runs__started_at__gte=now - WEEK),
        ),
    ).order_by("-failure_count", "name")
