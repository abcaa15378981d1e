"""Private iCalendar (RFC 5545) feeds of a user's follow-ups, for calendar apps to subscribe to.

Each follow-up is one all-day event with a UID that never changes; its SEQUENCE is the
follow-up's change counter, so a client replaces its copy when the follow-up is edited, and a
cancelled follow-up stays in the feed as STATUS:CANCELLED so clients remove it.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from ..models import CalendarFeed, FollowUp

# Done and cancelled follow-ups older than this drop out of the feed.
HISTORY_DAYS = 90
PRODID = "-//Partnership tracker//Follow-ups//EN"
_STATUS = {
    FollowUp.Status.OPEN: "CONFIRMED",
    FollowUp.Status.DONE: "CONFIRMED",
    FollowUp.Status.CANCELLED: "CANCELLED",
}


def calendar_feed_create(*, user) -> CalendarFeed:
    """A new feed URL for `user`; the one they had stops working."""
    with transaction.atomic():
        live = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True)
        live.update(revoked_at=timezone.now())
        return CalendarFeed.objects.create(user=user)


def calendar_feed_revoke(*, feeds) -> int:
    with transaction.atomic():
        return feeds.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_url(feed: CalendarFeed) -> str:
    return settings.TRACKER_SITE_URL + reverse("calendar-feed", args=[feed.key])


def live_feed(key: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def follow_up_uid(follow_up_id: int) -> str:
    host = urlsplit(settings.TRACKER_SITE_URL).hostname or "tracker"
    return f"follow-up-{follow_up_id}@{host}"


def calendar_render(*, user, today: datetime.date | None = None) -> bytes:
    """The iCalendar text of `user`'s follow-ups among the teams they may still see."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=HISTORY_DAYS)
    follow_ups = (
        FollowUp.objects.visible_to(user)
        .filter(owner=user)
        .filter(Q(status=FollowUp.Status.OPEN) | Q(due_date__gte=since))
        .select_related("opportunity")
        .order_by("due_date", "pk")
    )
    link = settings.TRACKER_SITE_URL + reverse("admin:opportunities_followup_changelist")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Follow-ups of {user.get_username()}")
    calendar.add("x-published-ttl", datetime.timedelta(hours=1))
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for follow_up in follow_ups:
        calendar.add_component(_event(follow_up, f"{link}{follow_up.pk}/change/"))
    return calendar.to_ical()


def _event(follow_up: FollowUp, url: str) -> Event:
    event = Event()
    event.add("uid", follow_up_uid(follow_up.pk))
    event.add("sequence", follow_up.sequence)
    event.add("dtstamp", follow_up.updated_at)
    event.add("last-modified", follow_up.updated_at)
    event.add("created", follow_up.created_at)
    event.add("dtstart", follow_up.due_date)
    event.add("dtend", follow_up.due_date + datetime.timedelta(days=1))
    done = "Done: " if follow_up.status == FollowUp.Status.DONE else ""
    event.add("summary", f"{done}{follow_up.title} ({follow_up.opportunity.title})")
    event.add("description", "\n\n".join(filter(None, [follow_up.notes, url])))
    event.add("status", _STATUS[follow_up.status])
    event.add("transp", "TRANSPARENT")
    event.add("categories", [follow_up.get_kind_display()])
    event.add("url", url)
    return event
