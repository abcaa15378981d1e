"""Reads of the opportunities and follow-ups for the dashboards (statements and sources are in
`statement_feeds`). Every figure is aggregated by the database, from the tallies where the
filters allow; Python only reshapes the few grouped rows that come back (one per stage, month,
country, area or owner)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from opportunities.models import Opportunity
from opportunities.money.rates import Rates
from opportunities.tallies.models import (
    AreaTally,
    ClosedTally,
    CountryAreaTally,
    CountryTally,
    FollowUpTally,
    StageTally,
)
from partners.models import Country, InvestmentArea

from .filters import Scope, day_start

User = get_user_model()
WEEK = datetime.timedelta(days=7)


@dataclass
class StageRow:
    stage: str
    label: str
    count: int = 0
    values: dict[str, Decimal] = field(default_factory=dict)
    href: str = ""
    value_links: list[tuple[str, Decimal, str]] = field(default_factory=list)
    reported: Decimal = Decimal(0)  # the values with a rate, in the reporting currency
    unconverted: list[str] = field(default_factory=list)  # currencies without a rate


def pipeline_by_stage(*, scope: Scope) -> list[StageRow]:
    """Count and value per stage; value is summed per currency, never across currencies."""
    rows = {stage: StageRow(stage, label) for stage, label in Opportunity.Stage.choices}
    if scope.tallied:
        grouped = (
            scope.tallies(StageTally)
            .values("stage", "currency")
            .annotate(n=Sum("n"), total=Sum("value"))
        )
    else:
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


def stages_report(rows: list[StageRow], rates: Rates) -> None:
    """Each stage's per-currency totals summed in the reporting currency. Exact: every value of
    a currency converts at the same rate, so converting its total is converting each value."""
    for row in rows:
        row.reported, row.unconverted = rates.total(row.values)


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
    if scope.tallied:
        return _months_tallied(scope.tallies(ClosedTally), first, last)
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


def _months_tallied(tallied: QuerySet, first: datetime.date, last: datetime.date) -> list[MonthRow]:
    """Won and lost per month from the tallies, which count whole months: the default range
    is whole months up to today, and nothing closes in the future (stage_stamp says now)."""
    in_range = (Q(year__gt=first.year) | Q(year=first.year, month__gte=first.month)) & (
        Q(year__lt=last.year) | Q(year=last.year, month__lte=last.month)
    )
    by_month = {
        datetime.date(year, month, 1): (won, lost)
        for year, month, won, lost in tallied.filter(in_range)
        .values_list("year", "month")
        .annotate(
            won=Sum("n", filter=Q(stage=Opportunity.Stage.WON)),
            lost=Sum("n", filter=Q(stage=Opportunity.Stage.LOST)),
        )
    }
    return [
        MonthRow(month, *(n or 0 for n in by_month.get(month, (0, 0))))
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
    """Opportunities per partner country, per area, and per pair, for the busiest of each.

    Read from the tallies when the filters are ones they cover (a few rows per team, country
    and area, whatever the number of opportunities); a scope narrowed by owner or dates counts
    live, starting from its opportunities and reaching the link tables by their unique index.
    Names are fetched for the few shown.
    """
    if scope.tallied:
        country_counts = scope.tallies(CountryTally).values(key=F("country")).annotate(n=Sum("n"))
        area_counts = scope.tallies(AreaTally).values(key=F("area")).annotate(n=Sum("n"))
    else:
        narrowed = scope.opportunities().order_by()
        # Selecting only the related id lets Django stop at the link table.
        country_counts = (
            narrowed.filter(countries__isnull=False)
            .values(key=F("countries"))
            .annotate(n=Count("*"))
        )
        area_counts = (
            narrowed.filter(areas__isnull=False).values(key=F("areas")).annotate(n=Count("*"))
        )
    top_countries = list(country_counts.order_by("-n", "key")[:countries])
    top_areas = list(area_counts.order_by("-n", "key")[:areas])
    country_rows = Country.objects.in_bulk([row["key"] for row in top_countries])
    area_rows = InvestmentArea.objects.in_bulk([row["key"] for row in top_areas])
    by_country = [
        {
            "code": country_rows[row["key"]].code,
            "name": country_rows[row["key"]].name,
            "n": row["n"],
        }
        for row in top_countries
    ]
    by_area = [
        {
            "slug": area_rows[row["key"]].slug,
            "name": area_rows[row["key"]].name,
            "n": row["n"],
        }
        for row in top_areas
    ]
    cells = {}
    if by_country and by_area:
        pairs = _cells(scope, list(country_rows), list(area_rows))
        cells = {
            (country_rows[country].code, area_rows[area].slug): n for country, area, n in pairs
        }
    by_country.sort(key=lambda row: (-row["n"], row["name"]))
    by_area.sort(key=lambda row: (-row["n"], row["name"]))
    return Matrix(by_country, by_area, cells)


def _cells(scope: Scope, country_ids: list[int], area_ids: list[int]) -> QuerySet:
    """(country id, area id, opportunities) for the matrix's countries and areas."""
    if scope.tallied:
        return (
            scope.tallies(CountryAreaTally)
            .filter(country__in=country_ids, area__in=area_ids)
            .values_list("country", "area")
            .annotate(n=Sum("n"))
        )
    return (
        scope.opportunities()
        .order_by()
        .filter(countries__in=country_ids, areas__in=area_ids)
        .values_list(F("countries"), F("areas"))
        .annotate(n=Count("*"))
    )


def follow_ups_by_owner(*, scope: Scope, today: datetime.date) -> list[dict]:
    """Open follow-ups overdue and due in the next 7 days, per owner (None: unassigned): from
    the tallies of open follow-ups per team, owner and due date, which cover every filter the
    follow-ups answer to (team and owner; due dates ignore the date range)."""
    tallied = scope.tallies(FollowUpTally)
    if scope.owner is not None:
        tallied = tallied.filter(owner=scope.owner)
    rows = list(
        tallied.filter(due_date__lte=today + WEEK)
        .values("owner")
        .annotate(
            overdue=Coalesce(Sum("n", filter=Q(due_date__lt=today)), 0),
            this_week=Coalesce(Sum("n", filter=Q(due_date__gte=today)), 0),
        )
    )
    owners = User.objects.in_bulk([row["owner"] for row in rows if row["owner"]])
    for row in rows:
        owner = owners.get(row["owner"])
        row["name"] = (owner.get_full_name() or owner.username) if owner else "Unassigned"
    return sorted(rows, key=lambda row: (-row["overdue"], -row["this_week"], row["name"]))
