"""The partnership page of two countries: one timeline of the statements in which both act, the
commitments in them and the follow-ups that took them up, the opportunities between them, and
the policy steps of either side; counted per year as a chart.

A fixed number of queries whatever the history's length: every list is limited and every figure
is grouped by the database (tests/tracker/dashboards/test_partnerships.py pins the count)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.http import Http404

from opportunities.models import CommitmentCandidate, FollowUp, Opportunity
from opportunities.money.rates import rates_on
from opportunities.tallies.models import PairTally
from partners.models import Country, PolicyOpening
from partners.policy_steps import step_changes
from statements.models import Commitment, Mention, Statement

from .charts import BLUE, GREEN, ORANGE, PURPLE, Column, ColumnChart, Group
from .filters import Scope
from .links import opportunity_link

LIMIT = 25
YEARS = 12  # bars for at most the last twelve years with anything in them
SERIES = [
    ("Statements", BLUE),
    ("Commitments", PURPLE),
    ("Opportunities", ORANGE),
    ("Policy steps", GREEN),
]


def pair_codes(first: str, second: str) -> tuple[str, str]:
    """The pair's codes in page order: the home country first, then by code."""
    home = settings.TRACKER_HOME_COUNTRY
    return tuple(sorted((first.upper(), second.upper()), key=lambda code: (code != home, code)))


def pair_countries(first: str, second: str) -> tuple[Country, Country]:
    codes = pair_codes(first, second)
    if codes[0] == codes[1]:
        raise Http404("A partnership is between two countries.")
    found = Country.objects.in_bulk(codes, field_name="code")
    if len(found) != 2:
        raise Http404("No such country.")
    return found[codes[0]], found[codes[1]]


@dataclass
class Event:
    """One entry of the timeline."""

    kind: str  # statement, opportunity or policy
    date: datetime.date | None
    item: object
    commitments: list[tuple[Commitment, FollowUp | None]] = field(default_factory=list)
    changes: list = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        return (self.date or datetime.date.min, self.kind, self.item.pk)


def partnership_context(*, scope: Scope, first: Country, second: Country) -> dict[str, object]:
    statements = _dated(Statement.objects.between_parties(first, second), scope, "published_on")
    openings = PolicyOpening.objects.filter(country__in=[first, second]).annotate(
        step_date=Coalesce(
            "effective_date", "announced_on", TruncDate("created_at"), output_field=DateField()
        )
    )
    openings = _dated(openings, scope, "step_date")
    opportunities = scope.opportunities().between(first, second)
    commitments = Commitment.objects.filter(statement__in=statements.values("pk"))

    shown_statements = list(
        statements.select_related("source").order_by(
            F("published_on").desc(nulls_last=True), "-pk"
        )[:LIMIT]
    )
    shown_opportunities = list(
        opportunities.with_next_follow_up()
        .select_related("team", "owner")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    shown_openings = list(
        openings.select_related("country", "previous").order_by(F("step_date").desc(), "-pk")[
            :LIMIT
        ]
    )
    events = (
        _statement_events(scope, shown_statements)
        + [Event("opportunity", o.created_at.date(), o) for o in shown_opportunities]
        + [Event("policy", o.step_date, o, changes=step_changes(o)) for o in shown_openings]
    )
    events.sort(key=lambda event: event.sort_key, reverse=True)
    tallied = _pair_tallies(scope, first, second)
    by_stage = _by_stage(scope, tallied if tallied is not None else opportunities, first, second)
    years = _years(
        {
            "Statements": _per_year(statements, "published_on"),
            "Commitments": _per_year(commitments, "statement__published_on"),
            "Opportunities": _per_year(opportunities, "created_at")
            if tallied is None
            else dict(tallied.values_list("year").annotate(n=Sum("n"))),
            "Policy steps": _per_year(openings, "step_date"),
        }
    )
    return {
        "scope": scope,
        "first": first,
        "second": second,
        "events": events,
        "statement_total": statements.count(),
        "by_stage": by_stage,
        "reporting_currency": settings.TRACKER_REPORTING_CURRENCY,
        "opportunity_total": sum(row["n"] for row in by_stage),
        "opportunities_href": _opportunities_href(scope, first, second),
        "year_chart": _year_chart(scope, years["rows"]),
        "year_rows": years["rows"],
        "series": [name for name, _ in SERIES],
        "limit": LIMIT,
    }


def _dated(qs: QuerySet, scope: Scope, field_name: str) -> QuerySet:
    if scope.since:
        qs = qs.filter(**{f"{field_name}__gte": scope.since})
    if scope.until:
        qs = qs.filter(**{f"{field_name}__lte": scope.until})
    return qs


def _statement_events(scope: Scope, statements: list[Statement]) -> list[Event]:
    """Each statement with its commitments, and the follow-up (one the user may see) that took
    each up: two queries for every statement shown."""
    ids = [statement.pk for statement in statements]
    commitments: dict[int, list[Commitment]] = {}
    for commitment in Commitment.objects.filter(statement_id__in=ids).order_by("start"):
        commitments.setdefault(commitment.statement_id, []).append(commitment)
    # The follow-up a commitment became, if it is one of the user's teams' follow-ups (visibility
    # is FollowUp's own rule): another team's work is not named here.
    taken_up = {
        (candidate.statement_id, candidate.start): candidate.follow_up
        for candidate in CommitmentCandidate.objects.filter(
            statement_id__in=ids, follow_up__in=FollowUp.objects.visible_to(scope.user)
        ).select_related("follow_up__opportunity")
    }
    return [
        Event(
            "statement",
            statement.published_on or statement.created_at.date(),
            statement,
            commitments=[
                (c, taken_up.get((c.statement_id, c.start)))
                for c in commitments.get(statement.pk, [])
            ],
        )
        for statement in statements
    ]


def _pair_tallies(scope: Scope, first: Country, second: Country) -> QuerySet | None:
    """The pair's tally rows (as `PairTally` orders a pair), when the filters are ones the
    tallies cover; None to count the opportunities live."""
    if not scope.tallied:
        return None
    if second.code == settings.TRACKER_HOME_COUNTRY or (
        first.code != settings.TRACKER_HOME_COUNTRY and second.pk < first.pk
    ):
        first, second = second, first
    return scope.tallies(PairTally).filter(first=first, second=second)


def _by_stage(scope: Scope, counted: QuerySet, first: Country, second: Country) -> list[dict]:
    """Count and value per stage: values summed per currency by the database (from the
    opportunities, or their tallies), then shown in the reporting currency with each
    currency's total beside."""
    labels = dict(Opportunity.Stage.choices)
    counts: dict[str, int] = {}
    values: dict[str, dict[str, Decimal]] = {}
    count = Sum("n") if counted.model is PairTally else Count("pk")
    for stage, currency, n, total in (
        counted.order_by().values_list("stage", "currency").annotate(n=count, total=Sum("value"))
    ):
        counts[stage] = counts.get(stage, 0) + n
        if total:
            values.setdefault(stage, {})[currency] = total
    rates = rates_on()
    base = _opportunity_params(first, second)
    rows = []
    for stage, label in labels.items():
        if not counts.get(stage):
            continue
        reported, unconverted = rates.total(values.get(stage, {}))
        rows.append(
            {
                "label": label,
                "n": counts[stage],
                "href": opportunity_link(scope, stage=stage, **base) if base is not None else "",
                "values": sorted(values.get(stage, {}).items()),
                "reported": reported if stage in values else None,
                "unconverted": unconverted,
            }
        )
    return rows


def _opportunity_params(first: Country, second: Country) -> dict[str, str] | None:
    """The opportunity list's filter for the pair, where it has one: the list filters by one
    partner country, which is the whole pair when the other is the home country."""
    partners = [c for c in (first, second) if c.code != settings.TRACKER_HOME_COUNTRY]
    return {"country": partners[0].code} if len(partners) == 1 else None


def _opportunities_href(scope: Scope, first: Country, second: Country) -> str:
    base = _opportunity_params(first, second)
    return opportunity_link(scope, **base) if base is not None else ""


def _per_year(qs: QuerySet, field_name: str) -> dict[int, int]:
    return {
        year: n
        for year, n in qs.annotate(year=ExtractYear(field_name))
        .order_by()
        .values_list("year")
        .annotate(n=Count("pk"))
        if year is not None
    }


def _years(series: dict[str, dict[int, int]]) -> dict[str, list[dict]]:
    years = sorted({year for counts in series.values() for year in counts})
    if years:
        years = list(range(max(years[0], years[-1] - YEARS + 1), years[-1] + 1))
    return {
        "rows": [
            {"year": year, "counts": [series[name].get(year, 0) for name, _ in SERIES]}
            for year in years
        ]
    }


def _year_chart(scope: Scope, rows: list[dict]) -> ColumnChart:
    """Columns per year; each opens this page narrowed to that year."""
    groups = []
    for row in rows:
        year = row["year"]
        href = scope.query(since=f"{year}-01-01", until=f"{year}-12-31")
        groups.append(
            Group(
                str(year),
                [
                    Column(n, href, f"{name} in {year}: {n}")
                    for (name, _), n in zip(SERIES, row["counts"], strict=True)
                ],
            )
        )
    return ColumnChart("Per year", groups, series=SERIES, width=max(480, 60 * len(groups) + 30))


def partners_of(country: Country, *, limit: int = 8) -> list[dict]:
    """The countries that act beside `country` in the most statements, for its page's links:
    one grouped query over the party mentions."""
    return list(
        Mention.objects.parties()
        .filter(statement__in=Mention.objects.parties().filter(country=country).values("statement"))
        .exclude(country=country)
        .order_by()
        .values(code=F("country__code"), name=F("country__name"))
        .annotate(n=Count("statement", distinct=True))
        .order_by("-n", "name")[:limit]
    )
