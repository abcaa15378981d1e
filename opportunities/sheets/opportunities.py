"""Bulk upsert of opportunities from spreadsheet rows, keyed by external id.

Only the columns a sheet has are compared and written; a row that matches what is stored
changes nothing (so re-sending a file is a no-op); a row whose `version` is older than the
stored one is refused rather than written over someone else's edit; each bad row is reported
with its number and field errors. `dry_run` reports without writing; `atomic` writes nothing
unless every row is good.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import get_m2m_field_name

from lib.rows import rows_update
from partners.models import Country, Firm, InvestmentArea

from ..assignment import may_assign_others
from ..models import Opportunity, Team
from ..reminders.webhooks import stage_changes_emit
from ..services import stage_stamp
from ..visibility import visible_teams
from .cells import Lookups, RowInvalid, clean_row

CHUNK = 2000
MANY = ("countries", "areas", "firms")
REPORT_LIMIT = 1000

Row = dict[str, str | None]


@dataclass
class UpsertReport:
    dry_run: bool
    atomic: bool
    applied: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def change(self, number: int, key: str, action: str, fields: list[str]) -> None:
        if len(self.changes) < REPORT_LIMIT:
            self.changes.append(
                {"row": number, "external_id": key, "action": action, "fields": fields}
            )

    def error(self, number: int, key: str | None, errors: dict[str, list[str]]) -> None:
        self.errors.append({"row": number, "external_id": key, "errors": errors})


def _lookups(user) -> Lookups:
    User = get_user_model()
    teams = visible_teams(user)
    members: dict[int, set[int]] = {}
    for team_id, user_id in Team.members.through.objects.values_list("team_id", "user_id"):
        members.setdefault(user_id, set()).add(team_id)
    return Lookups(
        teams={team.name.casefold(): team.pk for team in teams} | {str(t.pk): t.pk for t in teams},
        users={
            name.casefold(): pk
            for pk, name in User.objects.filter(is_active=True).values_list("pk", "username")
        },
        memberships=members,
        countries={code: pk for pk, code in Country.objects.values_list("pk", "code")},
        areas={
            slug.casefold(): pk for pk, slug in InvestmentArea.objects.values_list("pk", "slug")
        },
        firms={
            f"{name} ({code})".casefold(): pk
            for pk, name, code in Firm.objects.values_list("pk", "name", "country__code")
        },
        user=user,
        may_assign=may_assign_others(user),
    )


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _existing(keys: list[str]) -> dict[str, Opportunity]:
    found = (
        Opportunity.objects.select_for_update(of=("self",))
        .filter(external_id__in=keys)
        .order_by("pk")
    )
    by_key = {opportunity.external_id: opportunity for opportunity in found}
    through = {name: getattr(Opportunity, name).through for name in MANY}
    ids = [opportunity.pk for opportunity in by_key.values()]
    for opportunity in by_key.values():
        opportunity._many = {name: set() for name in MANY}
        # target id -> through row id, so a removed link is deleted by id with the others
        opportunity._rows = {name: {} for name in MANY}
    by_pk = {opportunity.pk: opportunity for opportunity in by_key.values()}
    for name, model in through.items():
        target = Opportunity._meta.get_field(name).m2m_reverse_field_name()
        for row_id, owner_id, target_id in model.objects.filter(opportunity_id__in=ids).values_list(
            "id", "opportunity_id", f"{target}_id"
        ):
            by_pk[owner_id]._many[name].add(target_id)
            by_pk[owner_id]._rows[name][target_id] = row_id
    return by_key


def opportunities_upsert(
    *, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False, atomic: bool = False
) -> UpsertReport:
    report = UpsertReport(dry_run=dry_run, atomic=atomic)
    lookups = _lookups(user)
    visible = None if lookups.see_all(user) else set(lookups.teams.values())
    seen: set[str] = set()
    with transaction.atomic():
        for chunk in _chunks(rows, CHUNK):
            keys = [row.get("external_id") or "" for _, row in chunk]
            existing = _existing([key for key in keys if key])
            creates: list[tuple[Opportunity, dict[str, set[int]]]] = []
            updates: list[tuple[Opportunity, dict[str, set[int]], list[str]]] = []
            for number, row in chunk:
                key = (row.get("external_id") or "").strip()
                try:
                    if not key:
                        raise RowInvalid({"external_id": ["Every row needs an external id."]})
                    if key in seen:
                        raise RowInvalid(
                            {"external_id": ["This external id is on an earlier row."]}
                        )
                    seen.add(key)
                    current = existing.get(key)
                    if (
                        current is not None
                        and visible is not None
                        and current.team_id not in visible
                    ):
                        raise RowInvalid({"external_id": ["Used by another team's opportunity."]})
                    values, many = clean_row(row, current, lookups)
                except RowInvalid as invalid:
                    report.error(number, key or None, invalid.errors)
                    continue
                if current is None:
                    opportunity = Opportunity(external_id=key, **values)
                    creates.append((opportunity, many))
                    report.created += 1
                    report.change(number, key, "create", sorted([*values, *many]))
                    continue
                changed = [
                    name for name, value in values.items() if getattr(current, name) != value
                ]
                changed += [name for name, ids in many.items() if current._many[name] != ids]
                if not changed:
                    report.unchanged += 1
                    continue
                version = row.get("version")
                if version not in (None, "") and str(current.version) != version.strip():
                    report.error(
                        number,
                        key,
                        {
                            "version": [
                                f"Changed by someone else since your export (now version "
                                f"{current.version}, your row has {version}); export again."
                            ]
                        },
                    )
                    continue
                current._stage_before = current.stage
                for name in changed:
                    if name in values:
                        setattr(current, name, values[name])
                updates.append((current, many, changed))
                report.updated += 1
                report.change(number, key, "update", sorted(changed))
            if not dry_run and not (atomic and report.errors):
                _write(creates, updates, user)
        report.applied = not dry_run and not (atomic and report.errors)
        if not report.applied:
            transaction.set_rollback(True)
    return report


def _write(creates, updates, user) -> None:
    now = timezone.now()
    history = Opportunity.history
    records = []
    if creates:
        made = Opportunity.objects.bulk_create(
            [opportunity for opportunity, _ in creates], batch_size=500
        )
        _add_many(
            [(opportunity, many) for opportunity, (_, many) in zip(made, creates, strict=True)]
        )
        records += (
            history.bulk_history_create(made, batch_size=500, default_user=user, default_date=now)
            or []
        )
    if updates:
        fields = {"version", "updated_at"}
        for opportunity, _, changed in updates:
            if "stage" in changed:
                stage_stamp(opportunity, now=now)
                fields |= {"stage_changed_at", "closed_at"}
            opportunity.version += 1
            opportunity.updated_at = now
            fields |= {name for name in changed if name not in MANY}
        changed_rows = [opportunity for opportunity, _, _ in updates]
        _update(changed_rows, sorted(fields))
        # The same webhook a stage change over the API or in the admin sends.
        stage_changes_emit(
            changes=[
                (opportunity, opportunity._stage_before)
                for opportunity, _, changed in updates
                if "stage" in changed
            ]
        )
        _replace_many([(opportunity, many) for opportunity, many, _ in updates])
        records += (
            history.bulk_history_create(
                changed_rows, batch_size=500, update=True, default_user=user, default_date=now
            )
            or []
        )
    _record_many([record.history_id for record in records])


def _update(opportunities: list[Opportunity], names: list[str]) -> None:
    """`bulk_update` of `names`, as one prepared UPDATE per row: bulk_update's CASE per field,
    built in Python, took longer than the database's writing."""
    fields = [Opportunity._meta.get_field(name) for name in names]
    rows_update(
        Opportunity,
        names,
        (
            (
                *(
                    field.get_db_prep_save(getattr(row, field.attname), connection)
                    for field in fields
                ),
                row.pk,
            )
            for row in opportunities
        ),
    )


def _record_many(history_ids: list[int]) -> None:
    """What simple-history does after each save, for a whole batch: a copy of each record's
    many-to-many rows as they now stand (the history page diffs these). One INSERT ... SELECT
    per field, so the rows never travel through Python."""
    if not history_ids:
        return
    history = Opportunity.history.model
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(history_ids))
    key = quote(history._meta.pk.column)
    with connection.cursor() as cursor:
        for m2m in history._history_m2m_fields:
            through = getattr(Opportunity, m2m.name).through
            copy = getattr(history, m2m.name).model
            columns = [quote(field.column) for field in through._meta.fields]
            owner = quote(through._meta.get_field(get_m2m_field_name(m2m)).column)
            record_of = quote(history._meta.get_field("id").column)
            cursor.execute(
                f"INSERT INTO {quote(copy._meta.db_table)} "
                f"({', '.join(columns)}, {quote(copy._meta.get_field('history').column)}) "
                f"SELECT {', '.join(f'link.{column}' for column in columns)}, record.{key} "
                f"FROM {quote(through._meta.db_table)} link "
                f"JOIN {quote(history._meta.db_table)} record ON record.{record_of} = link.{owner} "
                f"WHERE record.{key} IN ({marks})",
                history_ids,
            )


def _through(name: str):
    model = getattr(Opportunity, name).through
    target = Opportunity._meta.get_field(name).m2m_reverse_field_name()
    return model, f"{target}_id"


def _add_many(pairs: list[tuple[Opportunity, dict[str, set[int]]]]) -> None:
    for name in MANY:
        model, column = _through(name)
        model.objects.bulk_create(
            [
                model(opportunity_id=opportunity.pk, **{column: target})
                for opportunity, many in pairs
                for target in many.get(name, ())
            ],
            batch_size=2000,
        )


def _replace_many(pairs: list[tuple[Opportunity, dict[str, set[int]]]]) -> None:
    for name in MANY:
        model, column = _through(name)
        changed = [
            (o, many[name]) for o, many in pairs if name in many and o._many[name] != many[name]
        ]
        gone = [o._rows[name][target] for o, wanted in changed for target in o._many[name] - wanted]
        if gone:
            model.objects.filter(id__in=gone).delete()
        model.objects.bulk_create(
            [
                model(opportunity_id=o.pk, **{column: target})
                for o, wanted in changed
                for target in wanted - o._many[name]
            ],
            batch_size=2000,
        )
