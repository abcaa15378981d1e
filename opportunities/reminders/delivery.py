"""Posting one webhook delivery: the signed request, its outcome, and the task that retries it.

The address is vetted by `lib.http` at every attempt, so an endpoint whose name comes to point
at a private address is refused then, not only when it was saved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from celery import shared_task
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lib.http import BlockedURL, FetchError, post

from ..models import WebhookDelivery

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what receivers recompute to verify."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "key": delivery.key,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, sort_keys=True).encode()


def webhook_attempt(*, delivery_id: int) -> str:
    """Post one delivery once. Returns "delivered", "retry" (try again later), "failed" (given
    up: out of attempts, or the URL is refused) or the status it already had."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "gone"
        if delivery.status != WebhookDelivery.Status.PENDING:
            return delivery.status
        WebhookDelivery.objects.filter(pk=delivery_id).update(attempts=F("attempts") + 1)
    endpoint = delivery.endpoint
    attempts = delivery.attempts + 1
    body = webhook_body(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Tracker-Event": delivery.event,
        "X-Tracker-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    status, error, give_up = None, "", not endpoint.is_active
    if give_up:
        error = "The endpoint was switched off."
    else:
        try:
            result = post(
                endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT
            )
        except BlockedURL as exc:
            error, give_up = str(exc), True
        except FetchError as exc:
            error = str(exc)
        else:
            status = result.status
            if not 200 <= status < 300:
                answer = result.body.decode("utf-8", "replace")[:500]
                error = f"HTTP {status}" + (f": {answer}" if answer else "")
    delivered = status is not None and 200 <= status < 300
    out_of_attempts = attempts > settings.WEBHOOKS_MAX_RETRIES
    outcome = "delivered" if delivered else "failed" if give_up or out_of_attempts else "retry"
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        response_status=status,
        last_error=error,
        status={
            "delivered": WebhookDelivery.Status.DELIVERED,
            "failed": WebhookDelivery.Status.FAILED,
            "retry": WebhookDelivery.Status.PENDING,
        }[outcome],
        delivered_at=timezone.now() if delivered else None,
    )
    return outcome


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: doubling from the configured base, at most 6 h."""
    return min(settings.WEBHOOKS_RETRY_BACKOFF * 2 ** max(0, attempts - 1), 6 * 3600)


# Named as it was when it lived in opportunities.tasks: queued messages name it.
@shared_task(
    name="opportunities.tasks.deliver_webhook", bind=True, acks_late=True, max_retries=None
)
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
            raise self.retry(countdown=retry_delay(attempts))
        # In-process there is no worker to come back later: try again now.
