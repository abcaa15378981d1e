"""Celery jobs of the opportunities app: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from statements.models import Statement

from .suggestions import suggestion_propose


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    # A locked or unreachable database is worth waiting out; proposing again is idempotent.
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
)
def propose_suggestions(self, statement_id: int) -> dict:
    try:
        suggestion = suggestion_propose(statement_id=statement_id)
    except Statement.DoesNotExist:
        # Deleted between extraction and this job: there is nothing left to propose from.
        return {"statement": statement_id, "suggestion": None, "status": "gone"}
    return {"statement": statement_id, "suggestion": suggestion.pk if suggestion else None}
