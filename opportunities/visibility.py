"""Who sees which team's work: one rule for the admin, the API, the sheets, the dashboards and
the feeds. A user sees the work of the teams they belong to; a superuser or a holder of the
see-all permission sees every team's. `visible_to` applies the sensitivity rule too
(`statements.sensitivity`): a restricted record only for those cleared for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import QuerySet

from statements.sensitivity import SensitivityQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser

SEE_ALL_PERMISSION = "opportunities.view_all_teams"


def _teams_of(user: AnyUser) -> QuerySet[Any]:
    # Looked up by name: the models that scope by team import this module. Asked only for an
    # active (so signed-in) user, whose pk is set.
    return apps.get_model("opportunities", "Team").objects.filter(members=user)  # type: ignore[misc]


def sees_every_team(user: AnyUser) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(SEE_ALL_PERMISSION))


def visible_teams(user: AnyUser) -> QuerySet[Any]:
    """The teams `user` may see and work in, as a lazy queryset (no query until it is used)."""
    Team = apps.get_model("opportunities", "Team")
    if not user.is_active:
        return Team.objects.none()
    return Team.objects.all() if sees_every_team(user) else _teams_of(user)


def visible_team_ids(user: AnyUser) -> set[int] | None:
    """The teams whose work `user` may see; None means every team."""
    if not user.is_active:
        return set()
    if sees_every_team(user):
        return None
    return set(_teams_of(user).values_list("pk", flat=True))


class TeamScopedQuerySet(SensitivityQuerySet):
    """Rows a user may see: their teams' work, or everything with the see-all permission; of
    those, the restricted ones only if the user is cleared for them. A model with a label
    names the labels its rows answer to in `sensitivity_paths`."""

    team_path = "team"
    sensitivity_paths: tuple[str, ...] = ()

    def visible_to(self, user: AnyUser) -> TeamScopedQuerySet:
        if not user.is_active:
            return self.none()
        readable = self.readable_by(user)
        if sees_every_team(user):
            return readable
        return readable.filter(**{f"{self.team_path}__in": _teams_of(user)})
