"""Celery jobs of the opportunities app: thin wrappers that take ids and call the services."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, OperationalError

from .commitments import commitments_propose
from .digests import digests_send
from .models import WebhookDelivery
from .proposals import suggestions_propose
from .webhooks import overdue_emit, retry_delay, webhook_attempt, webhooks_requeue_stalled

# Beat's routine jobs: a locked database is worth waiting out a little.
ROUTINE = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_backoff_max": settings.CELERY_MAX_COUNTDOWN,
    "max_retries": 3,
}


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    # A locked or unreachable database is worth waiting out, and a batch that raced another
    # one proposing from the same statement finds its rows next time; proposing is idempotent.
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=30,
    retry_backoff_max=settings.CELERY_MAX_COUNTDOWN,
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


@shared_task(
    acks_late=True,
    max_retries=3,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=settings.CELERY_MAX_COUNTDOWN,
    retry_jitter=True,
)
def send_daily_digests(day: str | None = None) -> dict:
    """Beat runs this each morning; running it again the same day sends nothing twice."""
    return digests_send(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> dict:
    """Post one webhook delivery; on failure come back later, waiting longer each time."""
    while True:
        outcome = webhook_attempt(delivery_id=delivery_id)
        if outcome != "retry":
            return {"delivery": delivery_id, "status": outcome}
        if not self.request.is_eager:
            attempts = WebhookDelivery.objects.values_list("attempts", flat=True).get(
                pk=delivery_id
            )
            delay = retry_delay(attempts)
            if delay > settings.CELERY_MAX_COUNTDOWN:
                # Redis would redeliver a longer countdown before it is due (see settings); the
                # delivery waits, pending, for the sweeper to queue it once its time has come.
                return {"delivery": delivery_id, "status": "waiting"}
            raise self.retry(countdown=delay)
        # In-process there is no worker to come back later: try again now.


@shared_task(**ROUTINE)
def emit_overdue_webhooks(day: str | None = None) -> dict:
    return {"queued": overdue_emit(today=datetime.date.fromisoformat(day) if day else None)}


@shared_task(**ROUTINE)
def requeue_stalled_webhooks() -> dict:
    """Beat runs this every 5 minutes: deliveries left pending by a broker outage go out."""
    return {"requeued": len(webhooks_requeue_stalled())}
