"""The three staff roles: what `setup_roles` creates, that it can run again without undoing an
administrator's grants, and what each role may do."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from opportunities.roles import ANALYST, DESK_STAFF, TEAM_LEAD

pytestmark = pytest.mark.django_db

ROLES = {DESK_STAFF, TEAM_LEAD, ANALYST}


def setup_roles() -> str:
    out = StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_setup_roles_creates_the_three_groups() -> None:
    output = setup_roles()

    assert set(Group.objects.values_list("name", flat=True)) == ROLES
    assert "Roles are set up." in output
    for name in ROLES:
        assert codenames(name), f"{name} has no permissions"


def test_setup_roles_can_run_twice() -> None:
    setup_roles()
    before = {name: codenames(name) for name in ROLES}

    setup_roles()

    assert Group.objects.count() == 3
    assert {name: codenames(name) for name in ROLES} == before


def test_permission_granted_by_hand_survives_a_rerun() -> None:
    setup_roles()
    desk = Group.objects.get(name=DESK_STAFF)
    desk.permissions.add(Permission.objects.get(codename="delete_firm"))

    setup_roles()

    assert "delete_firm" in codenames(DESK_STAFF)


def test_analyst_may_only_view(analyst) -> None:
    permissions = codenames(ANALYST)

    assert permissions
    assert all(codename.startswith("view_") for codename in permissions), permissions
    assert analyst.has_perm("opportunities.view_opportunity")
    assert analyst.has_perm("statements.view_statement")
    assert not analyst.has_perm("opportunities.change_opportunity")
    assert not analyst.has_perm("opportunities.add_note")


def test_desk_staff_may_change_but_not_delete_or_assign_opportunities(desk_staff) -> None:
    assert desk_staff.has_perm("opportunities.add_opportunity")
    assert desk_staff.has_perm("opportunities.change_opportunity")
    assert desk_staff.has_perm("opportunities.delete_followup")
    assert not desk_staff.has_perm("opportunities.delete_opportunity")
    assert not desk_staff.has_perm("opportunities.assign_opportunity")


def test_team_lead_may_delete_and_assign_opportunities(team_lead) -> None:
    assert team_lead.has_perm("opportunities.change_opportunity")
    assert team_lead.has_perm("opportunities.delete_opportunity")
    assert team_lead.has_perm("opportunities.assign_opportunity")
    assert team_lead.has_perm("partners.change_investmentarea")


def test_only_the_superuser_sees_every_team(roles, superuser, team_lead, desk_staff, analyst):
    for user in (team_lead, desk_staff, analyst):
        assert not user.has_perm("opportunities.view_all_teams"), user.username
    assert not Group.objects.filter(permissions__codename="view_all_teams").exists()
    assert superuser.has_perm("opportunities.view_all_teams")
