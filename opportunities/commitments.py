"""Commitments found in statements, proposed as follow-ups for staff to accept or dismiss."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.commitments import find_commitments
from statements.models import Statement

from .models import CommitmentCandidate, FollowUp, Opportunity, Suggestion
from .suggestions import opportunity_visible

DEFAULT_DUE_DAYS = 14
TITLE_LIMIT = 250


def commitments_propose(*, statement_id: int) -> int:
    """Store the statement's commitment sentences as candidates on its suggestion or, failing
    that, on an opportunity that cites it. Re-running adds nothing twice. Returns how many new."""
    with transaction.atomic():
        statement = Statement.objects.get(pk=statement_id)
        suggestion = statement.suggestions.order_by("pk").first()
        opportunity = (
            suggestion.opportunity
            if suggestion is not None
            else statement.opportunities.order_by("pk").first()
        )
        if suggestion is None and opportunity is None:
            return 0
        known = set(statement.commitment_candidates.values_list("start", flat=True))
        fresh = [
            CommitmentCandidate(
                statement=statement,
                suggestion=suggestion,
                opportunity=opportunity,
                phrase=found.phrase,
                sentence=found.sentence,
                start=found.start,
            )
            for found in find_commitments(statement.text)
            if found.start not in known
        ]
        CommitmentCandidate.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def _target(candidate: CommitmentCandidate) -> Opportunity | None:
    if candidate.opportunity is not None:
        return candidate.opportunity
    suggestion: Suggestion | None = candidate.suggestion
    return suggestion.opportunity if suggestion is not None else None


def commitment_accept(
    *, candidate_id: int, by, owner=None, due_date: datetime.date | None = None
) -> FollowUp:
    """Make the commitment a follow-up on its opportunity, owned by `owner` (default: the
    opportunity's owner, else `by`) and due on `due_date` (default: two weeks from today)."""
    with transaction.atomic():
        candidate = (
            CommitmentCandidate.objects.select_for_update(of=("self",))
            .select_related("statement", "suggestion__opportunity", "opportunity")
            .get(pk=candidate_id)
        )
        if candidate.status != CommitmentCandidate.Status.OPEN:
            raise ValidationError(f"“{candidate}” was already {candidate.status}.")
        opportunity = _target(candidate)
        if opportunity is None:
            raise ValidationError(
                f"“{candidate}”: accept its suggestion first; a follow-up needs an opportunity."
            )
        if not opportunity_visible(opportunity, by):
            raise ValidationError(f"“{candidate}” belongs to another team's opportunity.")
        owner = owner or opportunity.owner or by
        if not owner.is_active:
            raise ValidationError(f"{owner} is not an active user.")
        statement = candidate.statement
        source = statement.title + (
            f" ({statement.published_on:%d %b %Y})" if statement.published_on else ""
        )
        follow_up = FollowUp.objects.create(
            opportunity=opportunity,
            owner=owner,
            title=f"Commitment: {candidate.sentence}"[:TITLE_LIMIT],
            due_date=due_date or timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS),
            notes="\n".join(
                filter(None, [f"“{candidate.sentence}”", f"From: {source}", statement.url])
            ),
        )
        candidate.status = CommitmentCandidate.Status.ACCEPTED
        candidate.follow_up, candidate.opportunity = follow_up, opportunity
        candidate.decided_by, candidate.decided_at = by, timezone.now()
        candidate.save()
    return follow_up


def commitment_dismiss(*, candidate_id: int, by) -> CommitmentCandidate:
    with transaction.atomic():
        candidate = CommitmentCandidate.objects.select_for_update().get(pk=candidate_id)
        if candidate.status != CommitmentCandidate.Status.OPEN:
            raise ValidationError(f"“{candidate}” was already {candidate.status}.")
        candidate.status = CommitmentCandidate.Status.DISMISSED
        candidate.decided_by, candidate.decided_at = by, timezone.now()
        candidate.save()
    return candidate
