"""Writes to opportunities and follow-ups: each one atomic, each one bumps what it must."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .assignment import assignment_check, may_assign_others
from .models import FollowUp, Note, Opportunity, OpportunityQuerySet
from .reminders.webhook_events import stage_changed_emit
from .tallies.adjust import tallies_adjusted
from .tallies.models import FollowUpTally

if TYPE_CHECKING:
    from django.contrib.auth.models import User


Versioned = TypeVar("Versioned", Opportunity, FollowUp)


class StaleVersion(Exception):
    """The record changed since the caller read it."""


def _stored_for_update(record: Versioned, expected_version: int | None, *fields: str) -> Versioned:
    """The stored row of `record` (its version and `fields`), locked until the transaction
    ends; StaleVersion if someone saved it after `expected_version`."""
    current = type(record).objects.select_for_update().only("version", *fields).get(pk=record.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(
            f"Changed by someone else since you opened it (version {current.version})."
        )
    return current


def opportunity_save(*, opportunity: Opportunity, expected_version: int | None) -> Opportunity:
    """Save an edit made from `expected_version`; refuse it if someone saved in between."""
    previous = None
    with transaction.atomic():
        if opportunity.pk:
            current = _stored_for_update(opportunity, expected_version, "stage")
            previous = current.stage
            if current.stage != opportunity.stage:
                stage_stamp(opportunity)
            opportunity.version = current.version + 1
        opportunity.full_clean()
        # What it counted for before and after, whatever changed (its team too). A caller
        # that saves its links after it (the admin form, the API) adjusts again for those.
        with tallies_adjusted([opportunity]):
            opportunity.save()
        if previous is not None and previous != opportunity.stage:
            stage_changed_emit(opportunity=opportunity, previous=previous)
    return opportunity


def stage_stamp(opportunity: Opportunity, *, now: datetime | None = None) -> None:
    """Mark a stage change: when it happened, and when the opportunity closed (None if open)."""
    now = now or timezone.now()
    opportunity.stage_changed_at = now
    opportunity.closed_at = now if opportunity.is_closed else None


def opportunity_move(*, opportunities: QuerySet[Opportunity], stage: str, reason: str = "") -> int:
    """Move each opportunity to `stage`; won and lost need a reason. Returns how many moved."""
    if stage not in Opportunity.Stage.values:
        raise ValidationError(f"Unknown stage {stage!r}.")
    if stage in Opportunity.CLOSED_STAGES and not reason.strip():
        raise ValidationError("A move to won or lost needs a reason.")
    with transaction.atomic():
        moving = list(opportunities.select_for_update(of=("self",)).exclude(stage=stage))
        with tallies_adjusted(moving):
            for opportunity in moving:
                previous = opportunity.stage
                opportunity.stage = stage
                if reason.strip():
                    opportunity.close_reason = reason.strip()
                stage_stamp(opportunity)
                opportunity.version += 1
                opportunity.save()
                stage_changed_emit(opportunity=opportunity, previous=previous)
    return len(moving)


def opportunity_stage_set(
    *, opportunity: Opportunity, stage: str, reason: str = "", expected_version: int
) -> Opportunity:
    """Move one opportunity as an edit made from `expected_version` (the board's card): the
    API's PATCH of `stage`, through the same save, so the version check, the stamps, the
    history record and the stage-change webhook are the same. Won and lost need a reason."""
    if stage not in Opportunity.Stage.values:
        raise ValidationError(f"Unknown stage {stage!r}.")
    opportunity.stage = stage
    if reason.strip():
        opportunity.close_reason = reason.strip()
    return opportunity_save(opportunity=opportunity, expected_version=expected_version)


def note_add(*, opportunity: Opportunity, author: User, body: str) -> Note:
    if not body.strip():
        raise ValidationError("A note needs some text.")
    return Note.objects.create(opportunity=opportunity, author=author, body=body.strip())


def opportunity_assign(*, opportunities: OpportunityQuerySet, owner: User, by: User) -> int:
    """Give each opportunity a new owner; only team leads (or see-all) may assign."""
    if not may_assign_others(by):
        raise PermissionDenied("Only team leads may assign opportunities.")
    assigned = 0
    with transaction.atomic():
        for opportunity in opportunities.visible_to(by).select_for_update(of=("self",)):
            assignment_check(by=by, owner=owner, team=opportunity.team)
            opportunity.owner = owner
            opportunity.version += 1
            opportunity.save()
            assigned += 1
    return assigned


def follow_up_save(*, follow_up: FollowUp, expected_version: int | None = None) -> FollowUp:
    """Save a new follow-up, or an edit made from `expected_version` (refused if someone saved
    in between). An edit counts from the stored row, not from the instance: a form restored
    from history carries old counters, and winding the version back would make a stale
    export current again."""
    under = {follow_up.opportunity_id}
    with transaction.atomic():
        if follow_up.pk:
            current = _stored_for_update(follow_up, expected_version, "sequence", "opportunity")
            under.add(current.opportunity_id)  # moved to another team's opportunity, perhaps
            follow_up.version, follow_up.sequence = current.version, current.sequence
            follow_up.count_change()
        follow_up.stamp_completion()
        with tallies_adjusted(under, only=(FollowUpTally,)):
            follow_up.save()
    return follow_up


def follow_ups_complete(*, follow_ups: QuerySet[FollowUp]) -> int:
    """Mark open follow-ups done, one history record each."""
    now = timezone.now()
    with transaction.atomic():
        open_follow_ups = list(
            follow_ups.select_for_update(of=("self",)).filter(status=FollowUp.Status.OPEN)
        )
        under = {follow_up.opportunity_id for follow_up in open_follow_ups}
        with tallies_adjusted(under, only=(FollowUpTally,)):
            for follow_up in open_follow_ups:
                follow_up.status = FollowUp.Status.DONE
                follow_up.stamp_completion(now)
                follow_up.count_change()
                follow_up.save()
    return len(open_follow_ups)
