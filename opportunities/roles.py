"""The three roles staff hold, as auth groups. Setting them up only adds permissions, so a
permission an administrator granted a group by hand stays."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

DESK_STAFF = "Desk staff"
TEAM_LEAD = "Team lead"
ANALYST = "Analyst"

APPS = ("partners", "statements", "opportunities")

# model -> actions beyond "view", per role
DESK_STAFF_WRITES = {
    "firm": ("add", "change"),
    "contact": ("add", "change"),
    "policyopening": ("add", "change"),
    "statement": ("add", "change"),
    "opportunity": ("add", "change"),
    "followup": ("add", "change", "delete"),
    "note": ("add", "change", "delete"),
    "suggestion": ("change",),
    "commitmentcandidate": ("change",),
    # Triage of new names, and teaching extraction a phrase (switched off, never deleted).
    "namecandidate": ("change",),
    "term": ("add", "change"),
}
TEAM_LEAD_WRITES = {
    **DESK_STAFF_WRITES,
    # A merge deletes the merged-away record, so it needs delete as well as change.
    "firm": ("add", "change", "delete"),
    "contact": ("add", "change", "delete"),
    "opportunity": ("add", "change", "delete"),
    "investmentarea": ("add", "change"),
    "source": ("add", "change"),
    "suggestion": ("change", "delete"),
    "webhookendpoint": ("add", "change", "delete"),
}
TEAM_LEAD_EXTRA = ("assign_opportunity", "view_restricted")
# Beyond the three apps: team leads read the export and upload log (tracker.SheetLog).
TEAM_LEAD_TRACKER = ("view_sheetlog",)
# "view_" permissions that are clearances, not views of a model: given by role, never to all.
CLEARANCES = ("view_all_teams", "view_restricted")


def _codenames(writes: dict[str, tuple[str, ...]]) -> list[str]:
    return [f"{action}_{model}" for model, actions in writes.items() for action in actions]


def _permissions(codenames: list[str], tracker: tuple[str, ...] = ()) -> list[Permission]:
    view_all = Q(codename__startswith="view_") & ~Q(codename__in=CLEARANCES)
    in_apps = Q(content_type__app_label__in=APPS) & (view_all | Q(codename__in=codenames))
    in_tracker = Q(content_type__app_label="tracker", codename__in=tracker)
    return list(Permission.objects.filter(in_apps | in_tracker))


def roles_setup() -> dict[str, int]:
    """Create the groups and add their permissions. Returns permissions per group."""
    plan = {
        ANALYST: _permissions([]),
        DESK_STAFF: _permissions(_codenames(DESK_STAFF_WRITES)),
        TEAM_LEAD: _permissions(
            [*_codenames(TEAM_LEAD_WRITES), *TEAM_LEAD_EXTRA], tracker=TEAM_LEAD_TRACKER
        ),
    }
    with transaction.atomic():
        for name, permissions in plan.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(*permissions)
    return {name: len(permissions) for name, permissions in plan.items()}
