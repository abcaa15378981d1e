"""Writing a chunk of the opportunity upsert: rows, links and history in bulk, stage changes
stamped and announced as the services do."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone
from simple_history.utils import get_m2m_field_name

from lib.rows import rows_update

from ..models import Opportunity
from ..reminders.webhook_events import stage_changes_emit
from ..services import stage_stamp
from ..tallies.adjust import tallies_adjusted
from . import SHEET_UPLOAD

MANY = ("countries", "areas", "firms")


def opportunities_write(*, creates: list, updates: list, user: Any) -> None:
    """Write a planned chunk: creates and updates in bulk, their links, history and stamps,
    and the stage-change webhooks, at a fixed number of queries per chunk. The tallies are
    adjusted by the chunk's opportunities (bulk_create gives the new ones their ids), so a
    short sheet costs what its rows cost, not what their teams hold."""
    written = [opportunity for opportunity, _ in creates]
    written += [opportunity for opportunity, _, _ in updates]
    with tallies_adjusted(written):
        _written(creates, updates, user)


def _written(creates: list, updates: list, user: Any) -> None:
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
            history.bulk_history_create(
                made,
                batch_size=500,
                default_user=user,
                default_date=now,
                default_change_reason=SHEET_UPLOAD,
            )
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
                changed_rows,
                batch_size=500,
                update=True,
                default_user=user,
                default_date=now,
                default_change_reason=SHEET_UPLOAD,
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
