"""Natural keys a request may name records by, and the teams it may write to."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from lib.api.fields import KeyRelatedField


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
