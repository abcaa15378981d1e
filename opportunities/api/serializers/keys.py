"""Natural keys a request may name records by, and the teams it may write to."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from lib.api.fields import KeyRelatedField

from ...models import SEE_ALL_PERMISSION, Team


def username_key(value: str) -> Q:
    return Q(username__iexact=value)


def owner_field() -> KeyRelatedField:
    """An owner written as a user id or username (an active user), or null."""
    return KeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        natural=username_key,
        allow_null=True,
        required=False,
        help_text="User id or username",
    )


def team_key(value: str) -> Q:
    return Q(name__iexact=value)


def external_id_key(value: str) -> Q:
    return Q(external_id=value)


def visible_teams(user):
    """The teams `user` may work in, as a lazy queryset (no query until it is used)."""
    if not user.is_active:
        return Team.objects.none()
    if user.is_superuser or user.has_perm(SEE_ALL_PERMISSION):
        return Team.objects.all()
    return Team.objects.filter(members=user)
