"""Bulk upsert of follow-ups from spreadsheet rows.

A row with an `id` (as exported) updates that follow-up; a row without one is matched to a
follow-up of the same opportunity with the same title, or creates one, so re-sending a sheet
never duplicates. `opportunity` is the opportunity's external id (or id). A row that would
change a follow-up but carries an older `version` than the stored one is refused, so a
re-import never overwrites an edit made since the export; a row that changes nothing is left
alone whatever its version.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from statements.sensitivity import sees_restricted

from ..models import FollowUp, Opportunity
from ..tallies.adjust import tallies_adjusted
from ..tallies.models import FollowUpTally
from . import SHEET_UPLOAD
from .cells import clean_sensitivity
from .upsert import ChunkedUpsert, Row, UpsertReport

FIELDS = ("title", "due_date", "kind", "status", "notes", "owner_id", "sensitivity")
WRITTEN = (*FIELDS, "completed_at", "sequence", "version")


def _clean(row: Row, errors: dict, users: dict[str, int], cleared: bool) -> dict:
    values: dict = {}
    if "title" in row:
        title = (row["title"] or "").strip()
        if not title or len(title) > 250 or "\x00" in title:
            errors["title"] = ["A title of 1 to 250 characters."]
        values["title"] = title
    if "due_date" in row:
        try:
            values["due_date"] = datetime.date.fromisoformat((row["due_date"] or "")[:10])
        except ValueError:
            errors["due_date"] = ["A date as YYYY-MM-DD."]
    for name, choices in (("kind", FollowUp.Kind.values), ("status", FollowUp.Status.values)):
        if name in row:
            value = (row[name] or "").strip().lower()
            if value not in choices:
                errors[name] = [f"One of {', '.join(choices)}."]
            values[name] = value
    if "notes" in row:
        if "\x00" in (row["notes"] or ""):
            errors["notes"] = ["NUL characters are not allowed."]
        values["notes"] = row["notes"] or ""
    if "owner" in row:
        name = (row["owner"] or "").strip()
        values["owner_id"] = users.get(name.casefold()) if name else None
        if name and values["owner_id"] is None:
            errors["owner"] = [f"No active user {name!r}."]
    if "sensitivity" in row:
        values["sensitivity"] = clean_sensitivity(row["sensitivity"], errors, cleared=cleared)
    return values


def _stale(row: Row, follow_up: FollowUp) -> str | None:
    """Why the row's `version` (if it has one) does not let it write over `follow_up`."""
    version = (row.get("version") or "").strip()
    if not version or version == str(follow_up.version):
        return None
    return (
        f"Changed since you exported it (now version {follow_up.version}, your row has "
        f"{version[:20]}); export again."
    )


@dataclass
class _Chunk:
    """What a chunk of rows refers to, loaded with one query each, and what it will write."""

    opportunities: dict[str, Opportunity]
    by_id: dict[int, FollowUp]
    by_title: dict[tuple[int, str], FollowUp]
    cleared: bool = False
    creates: list[FollowUp] = field(default_factory=list)
    updates: dict[int, FollowUp] = field(default_factory=dict)


def _chunk_load(chunk: list[tuple[int, Row]], visible: QuerySet, user) -> _Chunk:
    keys = {(row.get("opportunity") or "").strip() for _, row in chunk} - {""}
    pks = [int(key) for key in keys if key.isdigit() and len(key) < 18]
    found = list(visible.filter(Q(external_id__in=keys) | Q(pk__in=pks)))
    # An external id wins over an id that happens to read the same, as it did row by row.
    opportunities = {str(o.pk): o for o in found} | {
        o.external_id: o for o in found if o.external_id
    }
    # A restricted follow-up the user may not see is not theirs to match or overwrite.
    stored = (
        FollowUp.objects.readable_by(user)
        .select_for_update(of=("self",))
        .filter(opportunity__in=found)
        .order_by("pk")
    )
    by_id: dict[int, FollowUp] = {}
    by_title: dict[tuple[int, str], FollowUp] = {}
    for follow_up in stored:
        by_id[follow_up.pk] = follow_up
        by_title.setdefault((follow_up.opportunity_id, follow_up.title.casefold()), follow_up)
    return _Chunk(opportunities, by_id, by_title, cleared=sees_restricted(user))


def _matched(row: Row, opportunity: Opportunity, values: dict, loaded: _Chunk, errors: dict):
    """The follow-up the row names by id, or one of its opportunity with the same title."""
    raw_id = (row.get("id") or "").strip()
    if raw_id:
        if not raw_id.isdigit() or len(raw_id) > 18:
            errors["id"] = ["Not an id."]
            return None
        follow_up = loaded.by_id.get(int(raw_id))
        if follow_up is None or follow_up.opportunity_id != opportunity.pk:
            errors["id"] = ["No such follow-up on this opportunity."]
            return None
        return follow_up
    if values.get("title"):
        return loaded.by_title.get((opportunity.pk, values["title"].casefold()))
    return None


def _plan_row(number: int, row: Row, users: dict, loaded: _Chunk, report: UpsertReport) -> None:
    errors: dict[str, list[str]] = {}
    key = (row.get("opportunity") or "").strip()
    opportunity = loaded.opportunities.get(key) if key else None
    if opportunity is None:
        errors["opportunity"] = ["No opportunity of your teams has this external id."]
    values = _clean(row, errors, users, loaded.cleared)
    follow_up = _matched(row, opportunity, values, loaded, errors) if opportunity else None
    if follow_up is None and not errors and "due_date" not in values:
        errors["due_date"] = ["A new follow-up needs a due date."]
    if errors:
        report.error(number, key or None, errors)
        return
    if follow_up is None:
        follow_up = FollowUp(opportunity=opportunity, **values)
        follow_up.stamp_completion()
        loaded.creates.append(follow_up)
        # A later row of the same title updates this one, as it would have once saved.
        loaded.by_title[(opportunity.pk, follow_up.title.casefold())] = follow_up
        report.created += 1
        report.change(number, key, "create", sorted(values))
        return
    changed = [n for n in FIELDS if n in values and getattr(follow_up, n) != values[n]]
    if not changed:
        report.unchanged += 1
        return
    stale = _stale(row, follow_up)
    if stale:
        report.error(number, key, {"version": [stale]})
        return
    for name in changed:
        setattr(follow_up, name, values[name])
    if follow_up.pk:  # a stored one; a row editing a create of this chunk just edits it
        follow_up.count_change()
        loaded.updates[follow_up.pk] = follow_up
    follow_up.stamp_completion()
    report.updated += 1
    report.change(number, key, "update", changed)


def _chunk_write(loaded: _Chunk, user) -> None:
    """The chunk's creates and updates in bulk, each with its history record; the open
    follow-ups' tallies adjusted by the opportunities they are under (a row never moves a
    follow-up to another opportunity: `_matched` refuses it)."""
    under = {f.opportunity_id for f in [*loaded.creates, *loaded.updates.values()]}
    with tallies_adjusted(under, only=(FollowUpTally,)):
        _written(loaded, user)


def _written(loaded: _Chunk, user) -> None:
    now = timezone.now()
    history = FollowUp.history
    if loaded.creates:
        for follow_up in loaded.creates:
            follow_up.created_at = follow_up.updated_at = now
        made = FollowUp.objects.bulk_create(loaded.creates, batch_size=500)
        history.bulk_history_create(
            made,
            batch_size=500,
            default_user=user,
            default_date=now,
            default_change_reason=SHEET_UPLOAD,
        )
    if loaded.updates:
        updated = list(loaded.updates.values())
        for follow_up in updated:
            follow_up.updated_at = now
        FollowUp.objects.bulk_update(updated, [*WRITTEN, "updated_at"], batch_size=500)
        history.bulk_history_create(
            updated,
            batch_size=500,
            update=True,
            default_user=user,
            default_date=now,
            default_change_reason=SHEET_UPLOAD,
        )


class FollowUpUpsert(ChunkedUpsert):
    def __init__(self, *, user: Any, dry_run: bool = False, atomic: bool = False) -> None:
        super().__init__(user=user, dry_run=dry_run, atomic=atomic)
        self.visible = Opportunity.objects.visible_to(user)
        self.users = {
            name.casefold(): pk
            for pk, name in get_user_model()
            .objects.filter(is_active=True)
            .values_list("pk", "username")
        }

    def chunk(self, rows: list[tuple[int, Row]], report: UpsertReport) -> None:
        loaded = _chunk_load(rows, self.visible, self.user)
        for number, row in rows:
            _plan_row(number, row, self.users, loaded, report)
        if self.writes(report):
            _chunk_write(loaded, self.user)


def follow_ups_upsert(
    *, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False, atomic: bool = False
) -> UpsertReport:
    """Upsert follow-up rows at a fixed number of queries per chunk of rows."""
    return FollowUpUpsert(user=user, dry_run=dry_run, atomic=atomic).run(rows)
