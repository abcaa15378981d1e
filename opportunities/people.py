"""Deleting users: the one path that keeps what is counted by owner exact.

A deleted user's follow-ups stay, owner-less (`FollowUp.owner` is SET_NULL), but the open
follow-ups' tally rows keyed by that owner would simply go with the user (CASCADE): the
overview would count those follow-ups nowhere. So the follow-ups are first handed to no one
inside `tallies_adjusted` (their counts move from the user's rows to the owner-less ones, at
a cost that follows the user's follow-ups, not their teams), and only then is the user
deleted, with nothing left under them to cascade.

`users_delete` does this for a batch (the admin's delete and bulk action call it). A user
deleted any other way (`user.delete()`, a queryset's `delete()`, a third-party app) reaches
`user_deleting`, a `pre_delete` receiver connected in `apps.py`, which hands that user's
follow-ups to no one with the same `follow_ups_released`: Django sends it inside the delete's
transaction, before the cascade, so the tallies are moved before they could be dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from .follow_ups import FollowUp
from .tallies.adjust import tallies_adjusted
from .tallies.models import FollowUpTally

# The users `users_delete` has already released: its delete need not release them one by one.
RELEASED: ContextVar[frozenset] = ContextVar("users_released", default=frozenset())


def follow_ups_released(*, user_ids: list[int]) -> None:
    """Hand the users' follow-ups to no one, moving their open ones' tallies to no owner, in
    the caller's transaction (the service's, or the one Django opens for a delete)."""
    theirs = FollowUp.objects.filter(owner_id__in=user_ids)
    under = sorted(
        set(theirs.filter(status=FollowUp.Status.OPEN).values_list("opportunity_id", flat=True))
    )
    with tallies_adjusted(under, only=(FollowUpTally,)):
        # A follow-up whose owner changed is a changed follow-up (calendars, ETags).
        theirs.update(owner=None, version=F("version") + 1, sequence=F("sequence") + 1)


def users_delete(*, users: Iterable) -> int:
    """Delete `users` (instances or a queryset) and move their open follow-ups' tallies to
    no owner. Returns how many users were deleted."""
    ids = [user.pk for user in users]
    with transaction.atomic():
        follow_ups_released(user_ids=ids)
        model = get_user_model()
        released = RELEASED.set(frozenset(ids))
        try:
            _, deleted = model.objects.filter(pk__in=ids).delete()
        finally:
            RELEASED.reset(released)
    return deleted.get(model._meta.label, 0)


def user_deleting(sender, *, instance, **kwargs) -> None:
    """`pre_delete` receiver for the user model: a delete that bypassed `users_delete`."""
    if instance.pk not in RELEASED.get():
        follow_ups_released(user_ids=[instance.pk])
