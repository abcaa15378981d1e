"""Who may make whom the owner of a team's work: one rule for the admin, the API, the bulk
upsert and the dashboards' menus.

Anyone may take work for themselves; only holders of the assign permission (team leads) name
someone else; and the owner must be an active member of the work's team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .visibility import visible_team_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import Team
    from .visibility import AnyUser

ASSIGN_PERMISSION = "opportunities.assign_opportunity"


def may_assign_others(user: AnyUser) -> bool:
    return user.has_perm(ASSIGN_PERMISSION)


def assignment_refusal(
    *,
    by_id: int,
    may_assign: bool,
    owner_id: int,
    owner_name: str,
    owner_team_ids: set[int],
    team_id: int | None,
    team_name: str = "",
) -> str | None:
    """Why the user `by_id` may not make `owner_id` the owner of work of team `team_id`, or
    None when they may. Takes ids and names, so the bulk upsert can ask it for thousands of
    rows from what it loaded once."""
    if owner_id != by_id and not may_assign:
        return "Only team leads may assign others."
    if team_id is not None and team_id not in owner_team_ids:
        if not team_name:
            return "Not a member of the opportunity's team."
        return f"{owner_name} is not a member of team {team_name}."
    return None


def assignment_check(*, by: User, owner: User, team: Team | None) -> None:
    """Raise ValidationError when `by` may not make `owner` the owner of `team`'s work."""
    if not owner.is_active:
        raise ValidationError(f"{owner} is not an active user.")
    refusal = assignment_refusal(
        by_id=by.pk,
        may_assign=may_assign_others(by),
        owner_id=owner.pk,
        owner_name=str(owner),
        owner_team_ids=set(owner.teams.values_list("pk", flat=True)),
        team_id=team.pk if team is not None else None,
        team_name=str(team) if team is not None else "",
    )
    if refusal:
        raise ValidationError(refusal)


def assignable_owners(user: AnyUser) -> QuerySet[Any]:
    """Active members of the teams `user` sees: whom a menu offers as an owner."""
    users = get_user_model().objects.filter(is_active=True)
    teams = visible_team_ids(user)
    if teams is not None:
        users = users.filter(teams__in=teams).distinct()
    return users.order_by("username")
