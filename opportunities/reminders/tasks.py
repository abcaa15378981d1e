"""Celery jobs of the reminders: thin wrappers that call the services.

Each keeps the name it had in `opportunities.tasks`: beat's schedules in the database and
messages already queued name them so.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from .digests import digests_send
from .webhooks import overdue_emit


@shared_task(
    name="opportunities.tasks.send_daily_digests",
    acks_late=True,
    max_retries=3,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_jitter=True,
)
def send_daily_digests(day: str | None = None) -> dict:
    """Beat runs this each morning; running it again the same day sends nothing twice."""
    return digests_send(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(
    name="opportunities.tasks.emit_overdue_webhooks",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def emit_overdue_webhooks(day: str | None = None) -> dict:
    return {"queued": overdue_emit(today=datetime.date.fromisoformat(day) if day else None)}
