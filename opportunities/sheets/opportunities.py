"""Bulk upsert of opportunities from spreadsheet rows, keyed by external id.

Only the columns a sheet has are compared and written; a row that matches what is stored
changes nothing (so re-sending a file is a no-op); a row whose `version` is older than the
stored one is refused rather than written over someone else's edit; each bad row is reported
with its number and field errors. `dry_run` reports without writing; `atomic` writes nothing
unless every row is good.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from partners.models import Country, Firm, InvestmentArea
from statements.sensitivity import Sensitivity, sees_restricted

from ..assignment import may_assign_others
from ..models import Opportunity, Team
from ..visibility import visible_teams
from .cells import Lookups, RowInvalid, clean_row
from .opportunity_writes import MANY, opportunities_write
from .upsert import ChunkedUpsert, Row, UpsertReport


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
        sees_restricted=sees_restricted(user),
    )


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


@dataclass
class _Plan:
    """What a chunk's rows will write, and the report they add to."""

    report: UpsertReport
    seen: set[str]
    visible: set[int] | None
    creates: list[tuple[Opportunity, dict[str, set[int]]]] = field(default_factory=list)
    updates: list[tuple[Opportunity, dict[str, set[int]], list[str]]] = field(default_factory=list)


def _plan_row(number: int, row: Row, existing: dict, lookups: Lookups, plan: _Plan) -> None:
    """Check one row and add it to the plan as a create or an update, or report why not."""
    key = (row.get("external_id") or "").strip()
    try:
        if not key:
            raise RowInvalid({"external_id": ["Every row needs an external id."]})
        if key in plan.seen:
            raise RowInvalid({"external_id": ["This external id is on an earlier row."]})
        plan.seen.add(key)
        current = existing.get(key)
        if current is not None and plan.visible is not None and current.team_id not in plan.visible:
            # Said as for a record that does not exist: the row learns nothing of other teams.
            raise RowInvalid({"external_id": ["Not found."]})
        if (
            current is not None
            and current.sensitivity == Sensitivity.RESTRICTED
            and not lookups.sees_restricted
        ):
            raise RowInvalid({"external_id": ["Not found."]})
        values, many = clean_row(row, current, lookups)
    except RowInvalid as invalid:
        plan.report.error(number, key or None, invalid.errors)
        return
    if current is None:
        opportunity = Opportunity(external_id=key, **values)
        plan.creates.append((opportunity, many))
        plan.report.created += 1
        plan.report.change(number, key, "create", sorted([*values, *many]))
        return
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    changed += [name for name, ids in many.items() if current._many[name] != ids]
    if not changed:
        plan.report.unchanged += 1
        return
    version = row.get("version")
    if version not in (None, "") and str(current.version) != version.strip():
        plan.report.error(
            number,
            key,
            {
                "version": [
                    f"Changed by someone else since your export (now version "
                    f"{current.version}, your row has {version}); export again."
                ]
            },
        )
        return
    current._stage_before = current.stage
    for name in changed:
        if name in values:
            setattr(current, name, values[name])
    plan.updates.append((current, many, changed))
    plan.report.updated += 1
    plan.report.change(number, key, "update", sorted(changed))


class OpportunityUpsert(ChunkedUpsert):
    def __init__(self, *, user: Any, dry_run: bool = False, atomic: bool = False) -> None:
        super().__init__(user=user, dry_run=dry_run, atomic=atomic)
        self.lookups = _lookups(user)
        self.visible = None if self.lookups.see_all(user) else set(self.lookups.teams.values())
        self.seen: set[str] = set()

    def chunk(self, rows: list[tuple[int, Row]], report: UpsertReport) -> None:
        keys = [row.get("external_id") or "" for _, row in rows]
        existing = _existing([key for key in keys if key])
        plan = _Plan(report=report, seen=self.seen, visible=self.visible)
        for number, row in rows:
            _plan_row(number, row, existing, self.lookups, plan)
        if self.writes(report):
            opportunities_write(creates=plan.creates, updates=plan.updates, user=self.user)

    def skip(self, rows: list[tuple[int, Row]]) -> None:
        # A later row repeating one of these external ids is still "on an earlier row".
        self.seen.update(key for _, row in rows if (key := (row.get("external_id") or "").strip()))


def opportunities_upsert(
    *, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False, atomic: bool = False
) -> UpsertReport:
    return OpportunityUpsert(user=user, dry_run=dry_run, atomic=atomic).run(rows)
