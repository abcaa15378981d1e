"""Merging two opportunities that two desks opened for the same thing, and undoing it.

The rules every merge follows are in `partners/merging.py` (links moved, loser logged and
deleted, undo from the log); here are the opportunities' own: both must be work the user may
see (a desk cannot merge another team's opportunity, or into one), versions move on so an old
ETag or exported row is stale, and the stage, team and owner stay the survivor's (a stage or
an owner changes through its own service, with its own checks).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from lib.merging import row_from_snapshot
from partners.merge_log import MergeLog
from partners.merging import merge_undo, records_merge

from .models import FollowUp, Opportunity
from .tallies.adjust import tallies_adjusted
from .visibility import visible_team_ids

OPPORTUNITY_FIELDS = (
    "title",
    "description",
    "value",
    "currency",
    "probability",
    "expected_close",
    "external_id",
)
LABEL = "opportunities.opportunity"


def _refuse_unseen(by, team_ids: Iterable[int]) -> None:
    visible = visible_team_ids(by)
    if visible is not None and not set(team_ids) <= visible:
        raise PermissionDenied("You may only merge your own teams' opportunities.")


def _bump(survivor: Opportunity, loser: Opportunity) -> None:
    survivor.version += 1


def opportunity_merge(
    *, survivor: Opportunity, loser: Opportunity, by, take: Iterable[str] = ()
) -> MergeLog:
    """Merge `loser` into `survivor`: follow-ups, notes, suggestions, commitment candidates,
    partner countries, firms, areas, policy openings and statements all move."""
    _refuse_unseen(by, {survivor.team_id, loser.team_id})
    # The two opportunities count for what the survivor alone counts for after: the loser's
    # links and follow-ups moved to it, the loser deleted.
    with transaction.atomic(), tallies_adjusted([survivor.pk, loser.pk]):
        moved = list(FollowUp.objects.filter(opportunity=loser).values_list("pk", flat=True))
        log = records_merge(
            survivor=survivor,
            loser=loser,
            by=by,
            take=take,
            choosable=OPPORTUNITY_FIELDS,
            before_save=_bump,
        )
        # A follow-up now under another opportunity is a changed follow-up (calendars, ETags).
        FollowUp.objects.filter(pk__in=moved).update(
            version=F("version") + 1, sequence=F("sequence") + 1
        )
    return log


def opportunity_merge_undo(*, log: MergeLog, by) -> Opportunity:
    """Undo an opportunity merge, if the user may see both teams' work."""
    if log.model != LABEL:
        raise ValidationError("This is not an opportunity merge.")
    loser_team = log.record["loser"]["fields"]["team"]
    survivor_team = Opportunity.objects.filter(pk=log.survivor_id).values_list("team", flat=True)
    _refuse_unseen(by, {loser_team, *survivor_team})

    def after(survivor: Opportunity, loser: Opportunity) -> None:
        # Versions only move on: both rows changed again, whatever version they had before.
        Opportunity.objects.filter(pk__in=[survivor.pk, loser.pk]).update(version=F("version") + 1)
        back = [
            pk
            for entry in log.record["links"]
            if entry["model"] == "opportunities.followup"
            for pk in entry["moved"]
        ]
        FollowUp.objects.filter(pk__in=back).update(
            version=F("version") + 1, sequence=F("sequence") + 1
        )

    # The loser comes back with its own id, so both ids are adjusted: it counted for nothing
    # before.
    loser_pk = row_from_snapshot(log.record["loser"]).pk
    with transaction.atomic(), tallies_adjusted([log.survivor_id, loser_pk]):
        survivor = merge_undo(log=log, by=by, after=after)
    return survivor
