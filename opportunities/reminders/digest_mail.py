"""Sending the daily digests: each person's digest is claimed (a DigestLog row under a unique
constraint) before it is sent, so a second run on the same day, even a concurrent one, sends
nothing twice; a mail that fails releases its claim for the next run.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import DigestLog
from .digests import Digest, Links, digests_collect

log = logging.getLogger(__name__)


def digest_message(*, digest: Digest, user, day: datetime.date) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "day": day,
        "digest": digest,
        "all_url": Links().follow_ups + "?mine=open",
        "lead_days": settings.REMINDERS_LEAD_OVERDUE_DAYS,
    }
    subject = (
        f"Your follow-ups for {day:%a %d %b %Y}: {len(digest.overdue.items)} overdue, "
        f"{len(digest.due_today.items)} due today"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("opportunities/email/digest.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Tracker-Digest": f"{user.pk}/{day}"},
    )
    message.attach_alternative(
        render_to_string("opportunities/email/digest.html", context), "text/html"
    )
    return message


def digests_send(*, day: datetime.date | None = None) -> dict[str, int]:
    """Send `day`'s digests (default today) to everyone not yet sent one for that day."""
    now = timezone.now()
    day = day or timezone.localdate(now)
    return digests_deliver(digests=digests_collect(day=day, now=now), day=day)


def digests_deliver(*, digests: dict[int, Digest], day: datetime.date) -> dict[str, int]:
    """Claim each person's digest for `day`, then send the ones this call claimed."""
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=digests.keys(), is_active=True)
        .exclude(email="")
    }
    run = uuid.uuid4()
    with transaction.atomic():
        DigestLog.objects.bulk_create(
            [
                DigestLog(user_id=pk, day=day, run=run, item_count=digests[pk].item_count)
                for pk in users
            ],
            ignore_conflicts=True,
        )
    # Only the rows this run inserted are ours; the rest were sent (or are being sent) already.
    claimed = set(DigestLog.objects.filter(run=run).values_list("user_id", flat=True))
    sent, failed = _send_all(claimed, digests, users, day)
    DigestLog.objects.filter(run=run, user_id__in=sent).update(
        status=DigestLog.Status.SENT, sent_at=timezone.now()
    )
    # Released, so the next run tries these people again.
    DigestLog.objects.filter(run=run, user_id__in=failed).delete()
    return {
        "due": len(users),
        "sent": len(sent),
        "failed": len(failed),
        "skipped": len(users) - len(claimed),
    }


def _send_all(claimed: set[int], digests, users, day: datetime.date) -> tuple[list, list]:
    sent: list[int] = []
    try:
        connection = get_connection()
        connection.open()
    except Exception:  # the mail server is down: nobody's digest went, all may be tried again
        log.exception("Could not reach the mail server for the %s digests", day)
        return sent, sorted(claimed)
    failed: list[int] = []
    try:
        for pk in sorted(claimed):
            message = digest_message(digest=digests[pk], user=users[pk], day=day)
            message.connection = connection
            try:
                message.send()
            except Exception:  # one refused recipient must not stop the others
                log.exception("Digest for user %s on %s could not be sent", pk, day)
                failed.append(pk)
            else:
                sent.append(pk)
    finally:
        connection.close()
    return sent, failed
