"""Celery jobs of the reminders: thin wrappers that call the services.

Each keeps the name it had in `opportunities.tasks`: beat's schedules in the database and
messages already queued name them so.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .digest_mail import digests_send
from .watching import watches_match
from .webhook_events import overdue_emit
from .webhooks import webhooks_requeue_stalled

# Beat's routine jobs: a locked database is worth waiting out a little. Longer countdowns than
# CELERY_MAX_COUNTDOWN would be redelivered by Redis before they are due (see settings).
ROUTINE = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_backoff_max": settings.CELERY_MAX_COUNTDOWN,
    "max_retries": 3,
}


@shared_task(name="opportunities.tasks.send_daily_digests", retry_jitter=True, **ROUTINE)
def send_daily_digests(day: str | None = None) -> dict:
    """Beat runs this each morning; running it again the same day sends nothing twice."""
    return digests_send(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(name="opportunities.tasks.emit_overdue_webhooks", **ROUTINE)
def emit_overdue_webhooks(day: str | None = None) -> dict:
    return {"queued": overdue_emit(today=datetime.date.fromisoformat(day) if day else None)}


@shared_task(name="opportunities.tasks.requeue_stalled_webhooks", **ROUTINE)
def requeue_stalled_webhooks() -> dict:
    """Beat runs this every 5 minutes: deliveries left pending by a broker outage go out."""
    return {"requeued": len(webhooks_requeue_stalled())}


@shared_task(name="opportunities.tasks.match_watches", **ROUTINE)
def match_watches(statement_ids: list[int]) -> dict:
    """After each extraction batch: the batch's statements against everyone's watches."""
    return {"matches": len(watches_match(statement_ids=statement_ids))}
