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

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import FollowUp, Opportunity
from .opportunities import Row, UpsertReport

FIELDS = ("title", "due_date", "kind", "status", "notes", "owner_id")


def _clean(row: Row, errors: dict, users: dict[str, int]) -> dict:
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


def follow_ups_upsert(
    *, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False, atomic: bool = False
) -> UpsertReport:
    report = UpsertReport(dry_run=dry_run, atomic=atomic)
    visible = Opportunity.objects.visible_to(user)
    users = {
        name.casefold(): pk
        for pk, name in get_user_model()
        .objects.filter(is_active=True)
        .values_list("pk", "username")
    }
    with transaction.atomic():
        for number, row in rows:
            errors: dict[str, list[str]] = {}
            key = (row.get("opportunity") or "").strip()
            opportunity = (
                visible.filter(external_id=key).first()
                or (
                    visible.filter(pk=int(key)).first() if key.isdigit() and len(key) < 18 else None
                )
                if key
                else None
            )
            if opportunity is None:
                errors["opportunity"] = ["No opportunity of your teams has this external id."]
            values = _clean(row, errors, users)
            follow_up = None
            raw_id = (row.get("id") or "").strip()
            if opportunity is not None and raw_id:
                if not raw_id.isdigit() or len(raw_id) > 18:
                    errors["id"] = ["Not an id."]
                else:
                    follow_up = opportunity.follow_ups.select_for_update().filter(pk=raw_id).first()
                    if follow_up is None:
                        errors["id"] = ["No such follow-up on this opportunity."]
            elif opportunity is not None and values.get("title"):
                follow_up = (
                    opportunity.follow_ups.select_for_update()
                    .filter(title__iexact=values["title"])
                    .order_by("pk")
                    .first()
                )
            if follow_up is None and not errors and "due_date" not in values:
                errors["due_date"] = ["A new follow-up needs a due date."]
            if errors:
                report.error(number, key or None, errors)
                continue
            if follow_up is None:
                follow_up = FollowUp(opportunity=opportunity, **values)
                action, changed = "create", sorted(values)
            else:
                changed = [
                    name
                    for name in FIELDS
                    if name in values and getattr(follow_up, name) != values[name]
                ]
                if not changed:
                    report.unchanged += 1
                    continue
                stale = _stale(row, follow_up)
                if stale:
                    report.error(number, key, {"version": [stale]})
                    continue
                for name in changed:
                    setattr(follow_up, name, values[name])
                follow_up.count_change()
                action = "update"
            follow_up.stamp_completion()
            if not dry_run:
                follow_up.save()
            if action == "create":
                report.created += 1
            else:
                report.updated += 1
            report.change(number, key, action, changed)
        report.applied = not dry_run and not (atomic and report.errors)
        if not report.applied:
            transaction.set_rollback(True)
    return report
