"""Counting the tallies from the live tables: `tallies_grouped` is the one definition of what
each tally row counts, as grouped querysets over any set of opportunities; `tallies_kept`
recounts whole teams with it (the demo data, a drifted adjustment, `tallies_rebuild`), and
`adjust.tallies_adjusted` reads the same groups for just the opportunities a write changes.

A recount is exact whatever the write was and costs one team's opportunities, not the whole
table: a fixed number of INSERT ... SELECT statements, grouped by the database."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from partners.models import Country
from statements.sensitivity import Sensitivity

from ..models import FollowUp, Opportunity, Team
from .models import (
    TALLIES,
    AreaTally,
    ClosedTally,
    CountryAreaTally,
    CountryTally,
    FollowUpTally,
    PairTally,
    StageTally,
)

# Grouped columns are named with this prefix, so they never clash with the models' fields.
P = "t_"

# True while `adjust.tallies_adjusted` is open: a recount inside it would be adjusted again.
ADJUSTING: ContextVar[bool] = ContextVar("tallies_adjusting", default=False)


def tallies_rebuild() -> None:
    """Every team's tallies from scratch (`manage.py tallies_rebuild`)."""
    tallies_kept(team_ids=None)


def tallies_kept(
    *, team_ids: Iterable[int | None] | QuerySet | None, only: tuple | None = None
) -> None:
    """Recount the tallies of `team_ids` (None: every team; a queryset of team ids is used as
    a subquery) from the live tables, in the caller's transaction, so that a reader sees the
    counts and the change they count at once. `only`: just these tables (a follow-up's write
    changes no opportunity count)."""
    if ADJUSTING.get():
        raise RuntimeError("tallies_kept inside tallies_adjusted: the change would count twice")
    if team_ids is None or isinstance(team_ids, QuerySet):
        ids = team_ids
    else:
        ids = sorted({pk for pk in team_ids if pk is not None})
        if not ids:
            return
    with transaction.atomic():
        # Two recounts of one team at once would both delete, then both insert: the lock on
        # the team rows makes the second wait, then read what the first committed. An
        # adjustment (`adjust.tallies_adjusted`) takes the same lock.
        teams = Team.objects.select_for_update().order_by("pk")
        locked = list((teams if ids is None else teams.filter(pk__in=ids)).values_list("pk"))
        if ids is not None:
            ids = [pk for (pk,) in locked]  # a queryset of ids, evaluated by the lock
            if not ids:  # nothing written after all (every row refused)
                return
        for model in only or TALLIES:
            rows = model.objects.all() if ids is None else model.objects.filter(team_id__in=ids)
            rows._raw_delete(rows.db)  # no cascades or signals: nothing points at a tally
        where = {} if ids is None else {"team_id__in": ids}
        for model, grouped in tallies_grouped(where=where, only=only, home_id=home_country_id()):
            _insert(model, grouped)


def home_country_id() -> int | None:
    home = Country.objects.filter(code=settings.TRACKER_HOME_COUNTRY).values_list("pk", flat=True)
    return next(iter(home), None)


def tallies_grouped(
    *, where: dict, only: tuple | None = None, home_id: int | None
) -> list[tuple[type, QuerySet]]:
    """(tally, the grouped queryset of its rows) for each tally in `only` (None: all), in the
    order of TALLIES, counting the opportunities that match `where` (lookups on Opportunity:
    `team_id__in` for a recount, `pk__in` for an adjustment's few)."""
    of = {f"opportunity__{lookup}": value for lookup, value in where.items()}
    opportunities = Opportunity.objects.order_by().filter(**where)
    links = Opportunity.countries.through.objects.order_by().filter(**of)
    areas = Opportunity.areas.through.objects.order_by().filter(**of)
    grouped = _grouped(opportunities, links, areas, home_id)
    grouped.append((FollowUpTally, _follow_ups_grouped(FollowUp.objects.order_by().filter(**of))))
    return [(model, qs) for model, qs in grouped if only is None or model in only]


def _follow_ups_grouped(follow_ups: QuerySet) -> QuerySet:
    restricted = Q(sensitivity=Sensitivity.RESTRICTED) | Q(
        opportunity__sensitivity=Sensitivity.RESTRICTED
    )
    label = Case(When(restricted, then=Value(Sensitivity.RESTRICTED)), default=F("sensitivity"))
    return _group(
        follow_ups.filter(status=FollowUp.Status.OPEN),
        {
            "team": F("opportunity__team_id"),
            "owner": F("owner_id"),
            "due_date": F("due_date"),
            "sensitivity": label,
        },
        {"n": Count("pk")},
        sensitivity=None,
    )


def _grouped(opportunities: QuerySet, links: QuerySet, areas: QuerySet, home_id) -> list:
    """(tally, grouped queryset) for every opportunity tally: what `_insert` writes."""
    of = "opportunity__"
    return [
        (
            StageTally,
            _group(
                opportunities,
                {"team": F("team_id"), "stage": F("stage"), "currency": F("currency")},
                {"n": Count("pk"), "value": _sum("value")},
                sensitivity="sensitivity",
            ),
        ),
        (
            CountryTally,
            _group(
                links,
                {"team": F(f"{of}team_id"), "country": F("country_id"), "stage": F(f"{of}stage")},
            ),
        ),
        (
            AreaTally,
            _group(
                areas,
                {
                    "team": F(f"{of}team_id"),
                    "area": F("investmentarea_id"),
                    "stage": F(f"{of}stage"),
                },
            ),
        ),
        (
            CountryAreaTally,
            _group(
                links.filter(opportunity__areas__isnull=False),
                {"team": F(f"{of}team_id"), "country": F("country_id"), "area": F(f"{of}areas")},
            ),
        ),
        (
            ClosedTally,
            _group(
                opportunities.filter(stage__in=Opportunity.CLOSED_STAGES, closed_at__isnull=False),
                {
                    "team": F("team_id"),
                    "year": ExtractYear("closed_at"),
                    "month": ExtractMonth("closed_at"),
                    "stage": F("stage"),
                },
                {"n": Count("pk")},
                sensitivity="sensitivity",
            ),
        ),
        *((PairTally, grouped) for grouped in _pairs_grouped(links, home_id)),
    ]


def _pairs_grouped(links: QuerySet, home_id: int | None) -> list[QuerySet]:
    """The country pairs `OpportunityQuerySet.between` finds: two partners (the lower id
    first), and the home country with each partner."""
    of = "opportunity__"
    partners = links.exclude(country_id=home_id) if home_id is not None else links
    both = partners.filter(
        opportunity__countries__gt=F("country_id"),
        opportunity__countries__in=Country.objects.exclude(pk=home_id).values("pk")
        if home_id is not None
        else Country.objects.values("pk"),
    )
    pair = {
        "stage": F(f"{of}stage"),
        "currency": F(f"{of}currency"),
        "year": ExtractYear(f"{of}created_at"),
        "sensitivity": F(f"{of}sensitivity"),
    }
    sums = {"n": Count("*"), "value": _sum(f"{of}value")}
    second = {"team": F(f"{of}team_id"), "first": F("country_id"), "second": F(f"{of}countries")}
    grouped = [_group(both, second | pair, sums, sensitivity=None)]
    if home_id is not None:
        with_home = {"team": F(f"{of}team_id"), "first": Value(home_id), "second": F("country_id")}
        grouped.append(_group(partners, with_home | pair, sums, sensitivity=None))
    return grouped


def _sum(field: str) -> Coalesce:
    # 0 rather than NULL when no opportunity has a value: an adjustment adds to a number.
    return Coalesce(Sum(field), Value(Decimal(0)))


def _group(
    qs: QuerySet,
    keys: dict,
    sums: dict | None = None,
    *,
    sensitivity: str | None = "opportunity__sensitivity",
) -> QuerySet:
    if sensitivity is not None:
        keys = keys | {"sensitivity": F(sensitivity)}
    sums = sums or {"n": Count("*")}
    return qs.values(**{P + name: expr for name, expr in keys.items()}).annotate(
        **{P + name: expr for name, expr in sums.items()}
    )


def _insert(model, grouped: QuerySet) -> None:
    """INSERT ... SELECT of a grouped queryset: the rows never travel through Python. Its
    columns are all annotations, selected in the order they were added."""
    names = [name.removeprefix(P) for name in grouped.query.annotation_select]
    sql, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)
