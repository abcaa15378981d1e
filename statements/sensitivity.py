"""Who may see a record labelled restricted: the one rule, for every read path.

Statements, opportunities, follow-ups and notes carry a sensitivity label: public, internal
(the default) or restricted. A restricted record is seen only by an active user holding
RESTRICTED_PERMISSION (team leads by the role setup; superusers hold every permission), and
never through a key in a URL (`?key=` pulls): such a key ends up in logs, browser history and
third-party spreadsheet services, so `key_pull_limit` marks the user of that request as not
cleared, whatever their permissions.

This module lives in `statements`, the lowest app with a labelled record, so statements
can apply it without importing `opportunities`; `opportunities.visibility.TeamScopedQuerySet`
applies it together with the team rule, so every team-scoped read path gets both from one
`visible_to(user)` call.

A record is restricted when its own label is, or when the record it belongs to is (a note or
follow-up of a restricted opportunity would tell that opportunity's title): `sensitivity_paths`
lists the labels a model's rows answer to.
"""

from __future__ import annotations

from typing import Self

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, Q, QuerySet

APP_LABEL, CODENAME = "statements", "view_restricted"
RESTRICTED_PERMISSION = f"{APP_LABEL}.{CODENAME}"

# Set on the user of a `?key=` request: never cleared for restricted records in that request.
_KEY_PULL_ATTRIBUTE = "_sensitivity_key_pull"


class Sensitivity(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    RESTRICTED = "restricted", "Restricted"


def sensitivity_field() -> models.CharField:
    return models.CharField(
        max_length=10,
        choices=Sensitivity.choices,
        default=Sensitivity.INTERNAL,
        help_text="Restricted: seen only by people cleared for it, never in a ?key= pull",
    )


def key_pull_limit(user) -> None:
    """Mark `user` (the request's own instance) as reading through a key in the URL."""
    setattr(user, _KEY_PULL_ATTRIBUTE, True)


def sees_restricted(user) -> bool:
    if user is None or not user.is_active or getattr(user, _KEY_PULL_ATTRIBUTE, False):
        return False
    return user.is_superuser or user.has_perm(RESTRICTED_PERMISSION)


def users_seeing_restricted() -> QuerySet:
    """The active users cleared for restricted records, as a lazy queryset: for jobs that
    serve many people at once (digests) and cannot ask each one's permissions."""
    permission = Permission.objects.filter(content_type__app_label=APP_LABEL, codename=CODENAME)
    return get_user_model().objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=permission)
        | Q(user_permissions__in=permission),
        is_active=True,
    )


class SensitivityQuerySet(models.QuerySet):
    """Rows whose labels (`sensitivity_paths`) a user may see."""

    sensitivity_paths: tuple[str, ...] = ("sensitivity",)

    def restricted_q(self) -> Q:
        """Rows restricted by any of their labels."""
        found = Q()
        for path in self.sensitivity_paths:
            found |= Q(**{path: Sensitivity.RESTRICTED})
        return found

    def restricted(self) -> Self:
        return self.filter(self.restricted_q()) if self.sensitivity_paths else self.none()

    def unrestricted(self) -> Self:
        """What an audience that is not cleared (a webhook, a key pull) may be sent."""
        return self.exclude(self.restricted_q()) if self.sensitivity_paths else self

    def readable_by(self, user) -> Self:
        return self if sees_restricted(user) else self.unrestricted()

    def readable_by_their(self, user_path: str) -> Self:
        """Rows the user each row names (`user_path`, e.g. "owner") may see: for a job that
        sends every person their own rows at once. One subquery, no query per person."""
        if not self.sensitivity_paths:
            return self
        cleared = Q(**{f"{user_path}__in": users_seeing_restricted().values("pk")})
        return self.filter(~self.restricted_q() | cleared)

    def with_restricted_flag(self) -> Self:
        """Each row with `is_restricted`, for a job that hands one row to several people and
        leaves it out for those not cleared (`cleared_user_ids`)."""
        flag = ExpressionWrapper(self.restricted_q(), output_field=models.BooleanField())
        return self.annotate(is_restricted=flag)


def cleared_user_ids() -> set[int]:
    return set(users_seeing_restricted().values_list("pk", flat=True))


def sensitivity_check(*, user, label: str) -> None:
    """Only someone cleared for restricted records may label one restricted: anyone else would
    lose sight of the record the moment it was saved."""
    if label == Sensitivity.RESTRICTED and not sees_restricted(user):
        raise ValidationError(
            "Only people cleared for restricted records may label one restricted.",
            code="restricted",
        )
