"""Adjusting the tallies by one write's change: what the written opportunities counted for
before it is taken away, what they count for after it is added, so a single save costs the
same whatever the size of its team (`keep.tallies_kept` recounts the whole team).

Exact for any write, without knowing what the write was: both sides are read with the grouped
queries the recount uses (`keep.tallies_grouped`), filtered to these opportunities, and every
tally row is a sum over opportunities, so the difference is what the recount would find. A
stage, a team, a currency, a link added or removed, a follow-up opened, moved or done, a delete:
each is only a different "after"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When

from ..models import Opportunity, Team
from . import keep
from .keep import ADJUSTING, P, home_country_id, tallies_grouped
from .models import PairTally

Counts = dict[type, dict[tuple, tuple[int, Decimal]]]

# Past this many opportunities (an admin action on a whole selection) their teams are
# recounted instead: as cheap by then, and SQLite caps a statement's parameters (32,766),
# which the grouped reads' `pk IN (...)` would pass.
RECOUNT_ABOVE = 2_000


@contextmanager
def tallies_adjusted(
    opportunities: Iterable[Opportunity | int], *, only: tuple | None = None
) -> Iterator[list]:
    """Adjust the tallies (`only` these tables; None: all) by what the block writes to
    `opportunities` (instances or ids) and to their links and follow-ups, in one transaction
    with it. An instance the block deletes may be given (its pk is gone after); one it creates
    may be given unsaved, or appended to the list this yields (`as written`): either way it
    counted for nothing before. Nothing else may change another opportunity's counts."""
    if ADJUSTING.get():
        raise RuntimeError("tallies_adjusted inside another: the change would count twice")
    given = list(opportunities)
    token = ADJUSTING.set(True)
    try:
        with transaction.atomic():
            ids = _ids(given)
            # The teams the given instances are set to (a team move, a new opportunity): they
            # are locked now with the teams the rows are in, in one statement in team order.
            coming = _teams_set(given)
            if len(ids) > RECOUNT_ABOVE:
                yield from _recounted(given, ids, coming, only)
                return
            teams = Opportunity.objects.filter(pk__in=ids).values("team_id")
            locked = _teams_locked(teams, coming) if ids or coming else set()
            home = _Home(only)
            before = _counted(ids, only, home)
            yield given
            ids |= _ids(given)
            _apply(_difference(_counted(ids, only, home), before), locked, only)
    finally:
        ADJUSTING.reset(token)


def _recounted(given: list, ids: set[int], coming: set[int], only: tuple | None) -> Iterator[list]:
    """The block, then a recount of the teams its opportunities were in before or are in
    after, their rows locked first as an adjustment locks them."""
    teams = _teams_of(ids) | coming
    _teams_locked(sorted(teams))
    yield given
    teams |= _teams_of(ids | _ids(given))
    token = ADJUSTING.set(False)  # this recount replaces the adjustment
    try:
        keep.tallies_kept(team_ids=teams, only=only)
    finally:
        ADJUSTING.reset(token)


def _teams_of(ids: set[int]) -> set[int]:
    ordered, teams = sorted(ids), set()
    for start in range(0, len(ordered), RECOUNT_ABOVE):
        chunk = Opportunity.objects.filter(pk__in=ordered[start : start + RECOUNT_ABOVE])
        teams |= set(chunk.values_list("team_id", flat=True).distinct())
    return teams


def _ids(given: list) -> set[int]:
    return {pk for pk in (item if isinstance(item, int) else item.pk for item in given) if pk}


def _teams_set(given: list) -> set[int]:
    """The teams the given instances name (ids given name none: their rows tell)."""
    return {item.team_id for item in given if not isinstance(item, int) and item.team_id}


def _teams_locked(teams, also: Iterable[int] = ()) -> set[int]:
    """Lock these team rows (`teams`: ids or a subquery of them, and `also`) until the
    transaction ends, as a recount does (`keep`), so that a recount and an adjustment of one
    team never interleave; and two adjustments of one opportunity neither: the second reads
    its "before" once the first has committed.

    Always in team id order, in one statement (PostgreSQL locks the rows as the sort returns
    them): two moves A -> B and B -> A both lock A, then B, so the second waits for the
    first instead of each holding one team the other needs (a deadlock). Every tally row is
    written under its team's lock, so the teams' order is the only one that matters."""
    wanted = Q(pk__in=teams) | Q(pk__in=sorted(also)) if also else Q(pk__in=teams)
    rows = Team.objects.select_for_update().filter(wanted).order_by("pk")
    return set(rows.values_list("pk", flat=True))


class _Home:
    """The home country's id, looked up once and only for the pairs' tally."""

    def __init__(self, only: tuple | None) -> None:
        self.wanted, self.looked_up, self.pk = only is None or PairTally in only, False, None

    def __call__(self) -> int | None:
        if self.wanted and not self.looked_up:
            self.pk, self.looked_up = home_country_id(), True
        return self.pk


def _counted(ids: set[int], only: tuple | None, home: _Home) -> Counts:
    """What the opportunities `ids` count for in each tally (`only`), by its KEY."""
    if not ids:
        return {}
    counts: Counts = {}
    for model, grouped in tallies_grouped(where={"pk__in": ids}, only=only, home_id=home()):
        rows = counts.setdefault(model, {})
        for row in grouped:
            key = tuple(row[P + name] for name in model.KEY)
            n, value = rows.get(key, (0, Decimal(0)))
            rows[key] = (n + row[P + "n"], value + row.get(P + "value", 0))
    return counts


def _difference(after: Counts, before: Counts) -> Counts:
    change: Counts = {}
    for model in {*after, *before}:
        rows = dict(after.get(model, {}))
        for key, (n, value) in before.get(model, {}).items():
            now_n, now_value = rows.get(key, (0, Decimal(0)))
            rows[key] = (now_n - n, now_value - value)
        change[model] = {key: sums for key, sums in rows.items() if any(sums)}
    return change


def _apply(change: Counts, locked: set[int], only: tuple | None) -> None:
    """Decrements first, each table in one UPDATE, then the increments, each table in one
    upsert (an upsert cannot take away: the row it would insert fails `n >= 0` before the
    conflict is seen). A row taken to 0 is deleted, as a recount would not have it. A
    decrement that finds no row, or more to take than the row holds, means the tallies had
    drifted (a write that bypassed the services): then those teams are recounted instead."""
    models = [model for model in keep.TALLIES if change.get(model)]
    teams = {key[0] for model in models for key in change[model]}  # every KEY starts: team
    if not teams:
        return
    if teams - locked:
        # A team only the write itself named (an instance appended after it was made, a
        # follow-up moved to another team's opportunity): locked now, in order again. Any
        # write that knows its teams beforehand gives them, so this stays the rare case.
        _teams_locked(sorted(teams - locked))
    try:
        for model in models:
            _decremented(model, change[model])
    except _Drifted:
        token = ADJUSTING.set(False)  # this recount replaces the adjustment
        try:
            keep.tallies_kept(team_ids=teams, only=only)
        finally:
            ADJUSTING.reset(token)
        return
    for model in models:
        _upserted(model, {key: sums for key, sums in change[model].items() if sums[0] >= 0})


class _Drifted(Exception):
    pass


def _key_q(model, key: tuple) -> Q:
    return Q(
        **{
            model._meta.get_field(name).attname: value
            for name, value in zip(model.KEY, key, strict=True)
        }
    )


def _decremented(model, rows: dict) -> None:
    down = {key: sums for key, sums in rows.items() if sums[0] < 0}
    if not down:
        return
    by_key = [(_key_q(model, key), sums) for key, sums in down.items()]
    keys, where = Q(), Q()
    for q, (n, _) in by_key:
        keys |= q
        where |= q & Q(n__gte=-n)  # so n never goes below 0: a row it skips has drifted
    changes = {"n": F("n") + Case(*(When(q, then=Value(n)) for q, (n, _) in by_key))}
    if _summed(model):
        changes["value"] = F("value") + Case(*(When(q, then=Value(v)) for q, (_, v) in by_key))
    if model.objects.filter(where).update(**changes) != len(down):
        raise _Drifted
    emptied = model.objects.filter(keys, n=0)
    emptied._raw_delete(emptied.db)  # no cascades or signals: nothing points at a tally


def _summed(model) -> bool:
    return any(field.name == "value" for field in model._meta.concrete_fields)


def _upserted(model, rows: dict) -> None:
    """INSERT ... ON CONFLICT (its KEY) DO UPDATE: add to the row, or make it. Atomic in the
    database, so two adjustments of one row never lose either's change."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in model.KEY]
    sums = ["n", "value"] if _summed(model) else ["n"]
    # The target names the unique constraint's expressions (`models.key_unique`).
    target = ", ".join(
        f"COALESCE({quote(field.column)}, 0)" if field.null else quote(field.column)
        for field in fields
    )
    columns = ", ".join(quote(name) for name in [field.column for field in fields] + sums)
    row = "(" + ", ".join(["%s"] * (len(fields) + len(sums))) + ")"
    added = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + EXCLUDED.{quote(name)}" for name in sums
    )
    params: list = []
    for key, (n, value) in sorted(rows.items(), key=lambda item: repr(item[0])):
        params += [
            field.get_db_prep_value(part, connection)
            for field, part in zip(fields, key, strict=True)
        ]
        params += [n, value][: len(sums)]
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(rows))}"
        f" ON CONFLICT ({target}) DO UPDATE SET {added}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
