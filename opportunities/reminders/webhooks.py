"""Webhooks: teams' endpoints receive signed JSON events, delivered by Celery with retries.

An event (webhook_events.py) becomes one WebhookDelivery row per subscribed endpoint (once per
event key, under a unique constraint) inside the caller's transaction; each row is posted by its
own task after commit, so a slow or dead endpoint delays nothing but its own deliveries. URLs
obey the same rules as statement fetching (lib/http): public addresses only, unless named in
STATEMENTS_FETCH_ALLOWED_HOSTS, checked again at every delivery (`delivery.py`).

Sensitivity: whoever reads a receiving system is outside the tracker's permissions, so the
event of a restricted record (an opportunity, a follow-up of one or a restricted follow-up, a
suggestion from a restricted statement) goes only to endpoints with `sends_restricted`, which
only someone cleared for restricted records may turn on; every other endpoint never hears of it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from lib.tasks import enqueue_each_after_commit
from statements.sensitivity import Sensitivity

from ..models import WebhookDelivery, WebhookEndpoint
from .delivery import deliver_webhook

Event = WebhookDelivery.Event
SUBSCRIPTION = {
    Event.SUGGESTION_CREATED: "on_suggestion_created",
    Event.STAGE_CHANGED: "on_stage_changed",
    Event.FOLLOW_UP_OVERDUE: "on_follow_up_overdue",
    Event.WATCH_MATCHED: "on_watch_matched",
}


def _queue(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    enqueue_each_after_commit(deliver_webhook, ([delivery_id] for delivery_id in delivery_ids))


def webhooks_emit(
    *,
    event: str,
    key: str,
    data: dict,
    team_ids: Iterable[int] | None = None,
    restricted: bool = False,
) -> list[int]:
    """Record `event` for every active endpoint subscribed to it (of `team_ids`, or of every
    team), at most once per endpoint and key, and queue the deliveries after commit. The
    event of a restricted record (`restricted`) goes only to endpoints that send them."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, **{SUBSCRIPTION[event]: True})
    if restricted:
        endpoints = endpoints.filter(sends_restricted=True)
    if team_ids is not None:
        endpoints = endpoints.filter(team__in=list(team_ids))
    created = []
    with transaction.atomic():
        for endpoint_id in endpoints.values_list("pk", flat=True):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                endpoint_id=endpoint_id,
                key=key,
                defaults={
                    "event": event,
                    "payload": payload_jsonable(data),
                    "sensitivity": delivery_label(restricted),
                },
            )
            if is_new:
                created.append(delivery.pk)
    _queue(created)
    return created


def delivery_label(restricted: bool) -> str:
    """A delivery's own label: restricted when it tells of a restricted record."""
    return Sensitivity.RESTRICTED if restricted else Sensitivity.INTERNAL


def payload_jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def deliveries_record(event: str, rows: list[WebhookDelivery]) -> list[int]:
    """Insert the deliveries not yet recorded (same endpoint and key) and queue the new ones."""
    started = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        new_ids = list(
            WebhookDelivery.objects.filter(
                event=event,
                status=WebhookDelivery.Status.PENDING,
                attempts=0,
                created_at__gte=started,
            ).values_list("pk", flat=True)
        )
    _queue(new_ids)
    return new_ids


def webhooks_retry(*, deliveries) -> int:
    """Give failed deliveries a fresh set of attempts (admin action)."""
    with transaction.atomic():
        ids = list(
            deliveries.filter(status=WebhookDelivery.Status.FAILED).values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    _queue(ids)
    return len(ids)


def webhooks_requeue_stalled(*, limit: int = 1000) -> list[int]:
    """Queue again the pending deliveries whose next attempt is more than
    WEBHOOKS_STALLED_AFTER seconds overdue: no task is coming for them (the broker was down
    when they were queued or retried). Each is claimed by moving its next attempt to now, so
    two sweeps never queue it twice, and a queued task that runs late finds it still pending
    and simply delivers it."""
    now = timezone.now()
    stalled_before = now - datetime.timedelta(seconds=settings.WEBHOOKS_STALLED_AFTER)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=stalled_before)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    _queue(ids)
    return ids
