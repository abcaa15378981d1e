"""Celery jobs of the opportunities app: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.db import IntegrityError, OperationalError

from .suggestions.commitments import commitments_propose
from .suggestions.proposals import suggestions_propose


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    # A locked or unreachable database is worth waiting out, and a batch that raced another
    # one proposing from the same statement finds its rows next time; proposing is idempotent.
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
)
def propose_suggestions(self, statement_ids: list[int]) -> dict:
    # Statements deleted since their extraction are skipped: nothing is left to propose from.
    suggestions = suggestions_propose(statement_ids=statement_ids)
    commitments = commitments_propose(statement_ids=statement_ids)
    return {
        "statements": len(statement_ids),
        "suggestions": sorted(suggestion.pk for suggestion in suggestions.values()),
        "commitments": commitments,
    }
