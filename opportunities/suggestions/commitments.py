"""Commitments found in statements, proposed as follow-ups for staff to accept or dismiss."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from lib.rows import rows_insert
from statements.models import Commitment

from ..models import CommitmentCandidate, FollowUp, Opportunity, Suggestion
from ..tallies.adjust import tallies_adjusted
from ..tallies.models import FollowUpTally
from .triage import opportunity_visible

DEFAULT_DUE_DAYS = 14
# The columns of a new candidate, in the order commitments_propose builds its rows.
COLUMNS = [
    "statement",
    "suggestion",
    "opportunity",
    "phrase",
    "sentence",
    "start",
    "status",
    "created_at",
]
TITLE_LIMIT = 250


def commitments_propose(*, statement_ids: Iterable[int]) -> int:
    """Store the statements' commitments (found at extraction) as candidates on each one's
    suggestion or, failing that, on an opportunity that cites it. Re-running adds nothing
    twice. The queries are the same in number for one statement or a batch. Returns how many
    are new."""
    statement_ids = list(statement_ids)
    with transaction.atomic():
        targets: dict[int, tuple[int | None, int | None]] = {}
        for statement_id, suggestion_id, opportunity_id in (
            Suggestion.objects.filter(statement_id__in=statement_ids)
            .order_by("-statement_id", "-pk")
            .values_list("statement_id", "pk", "opportunity_id")
        ):
            targets[statement_id] = (suggestion_id, opportunity_id)  # the first one wins
        citing = Opportunity.statements.through.objects.filter(statement_id__in=statement_ids)
        for statement_id, opportunity_id in citing.order_by(
            "-statement_id", "-opportunity_id"
        ).values_list("statement_id", "opportunity_id"):
            if statement_id not in targets or targets[statement_id][0] is None:
                targets[statement_id] = (None, opportunity_id)
        if not targets:
            return 0
        known = set(
            CommitmentCandidate.objects.filter(statement_id__in=targets).values_list(
                "statement_id", "start"
            )
        )
        # Plain rows: a batch of statements carries thousands of these sentences.
        created_at = connection.ops.adapt_datetimefield_value(timezone.now())
        # Found and kept on the statement at extraction, whether or not anything follows.
        fresh = [
            (
                statement_id,
                *targets[statement_id],
                phrase,
                sentence,
                start,
                str(CommitmentCandidate.Status.OPEN),
                created_at,
            )
            for statement_id, phrase, sentence, start in Commitment.objects.filter(
                statement_id__in=targets
            )
            .order_by("statement_id", "start")
            .values_list("statement_id", "phrase", "sentence", "start")
            if (statement_id, start) not in known
        ]
        rows_insert(
            CommitmentCandidate,
            COLUMNS,
            fresh,
            ignore_conflicts=True,
        )
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
            # As for a record that does not exist: nothing of another team's work is told.
            raise ValidationError(f"“{candidate}”: not found.")
        owner = owner or opportunity.owner or by
        if not owner.is_active:
            raise ValidationError(f"{owner} is not an active user.")
        statement = candidate.statement
        source = statement.title + (
            f" ({statement.published_on:%d %b %Y})" if statement.published_on else ""
        )
        with tallies_adjusted([opportunity], only=(FollowUpTally,)):
            follow_up = FollowUp.objects.create(
                opportunity=opportunity,
                owner=owner,
                title=f"Commitment: {candidate.sentence}"[:TITLE_LIMIT],
                due_date=due_date
                or timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS),
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
