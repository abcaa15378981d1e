"""Deleting users: the one path that keeps what is counted by owner exact.

A deleted user's follow-ups stay, owner-less (`FollowUp.owner` is SET_NULL), but the open
follow-ups' tally rows keyed by that owner would simply go with the user (CASCADE): the
overview would count those follow-ups nowhere. So the follow-ups are first handed to no one
inside `tallies_adjusted` (their counts move from the user's rows to the owner-less ones, at
a cost that follows the user's follow-ups, not their teams), and only then is the user
deleted, with nothing left under them to cascade.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from .follow_ups import FollowUp
from .tallies.adjust import tallies_adjusted
from .tallies.models import FollowUpTally


def users_delete(*, users: Iterable) -> int:
    """Delete `users` (instances or a queryset) and move their open follow-ups' tallies to
    no owner. Returns how many users were deleted."""
    ids = [user.pk for user in users]
    with transaction.atomic():
        theirs = FollowUp.objects.filter(owner_id__in=ids)
        under = sorted(
            set(theirs.filter(status=FollowUp.Status.OPEN).values_list("opportunity_id", flat=True))
        )
        with tallies_adjusted(under, only=(FollowUpTally,)):
            # A follow-up whose owner changed is a changed follow-up (calendars, ETags).
            theirs.update(owner=None, version=F("version") + 1, sequence=F("sequence") + 1)
        model = get_user_model()
        _, deleted = model.objects.filter(pk__in=ids).delete()
    return deleted.get(model._meta.label, 0)
