"""Calendar feeds: parsed with a real iCalendar library, stable UIDs, SEQUENCE, revocation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from opportunities.models import CalendarFeed, FollowUp
from opportunities.reminders.calendar import calendar_feed_create, calendar_feed_url, follow_up_uid
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def feed_path(feed: CalendarFeed) -> str:
    return reverse("calendar-feed", args=[feed.key])


def events(client, feed: CalendarFeed) -> dict[str, object]:
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def work(team, desk_staff, team_lead):
    opportunity = OpportunityFactory(title="Radar co-development", team=team)
    mine = FollowUpFactory(
        opportunity=opportunity,
        owner=desk_staff,
        title="Call ATLA, about the radar; soon",
        due_date=days(3),
        notes="Ask about the export licence.",
    )
    theirs = FollowUpFactory(opportunity=opportunity, owner=team_lead, title="Lead's own")
    return {"mine": mine, "theirs": theirs}


def test_feed_parses_and_round_trips_uids(client, work, desk_staff, settings) -> None:
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    feed = calendar_feed_create(user=desk_staff)

    found = events(client, feed)

    mine = work["mine"]
    uid = f"follow-up-{mine.pk}@tracker.example.org"
    assert list(found) == [uid] == [follow_up_uid(mine.pk)]
    event = found[uid]
    assert str(event["SUMMARY"]) == "Call ATLA, about the radar; soon (Radar co-development)"
    assert event.decoded("DTSTART") == days(3)
    assert event.decoded("DTEND") == days(4)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Ask about the export licence." in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/admin/opportunities/followup/{mine.pk}/change/")
    assert calendar_feed_url(feed).startswith("https://tracker.example.org/calendar/")


def test_changes_bump_sequence_and_cancelling_cancels(client, work, desk_staff, session_for):
    feed = calendar_feed_create(user=desk_staff)
    mine = work["mine"]
    uid = follow_up_uid(mine.pk)
    admin = session_for(desk_staff)
    change = reverse("admin:opportunities_followup_change", args=[mine.pk])
    form = {
        "opportunity": mine.opportunity_id,
        "title": mine.title,
        "owner": desk_staff.pk,
        "due_date": str(days(10)),
        "kind": "call",
        "status": "open",
        "notes": "",
        "sensitivity": "internal",
    }

    assert admin.post(change, form).status_code == 302
    moved = events(client, feed)[uid]
    assert moved.decoded("DTSTART") == days(10)
    assert int(moved["SEQUENCE"]) == 1

    assert admin.post(change, {**form, "status": "cancelled"}).status_code == 302
    cancelled = events(client, feed)[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 2


def test_revoked_key_is_a_404_and_a_new_key_works(client, work, desk_staff) -> None:
    old = calendar_feed_create(user=desk_staff)
    new = calendar_feed_create(user=desk_staff)

    assert client.get(feed_path(old)).status_code == 404
    assert list(events(client, new)) == [follow_up_uid(work["mine"].pk)]
    old.refresh_from_db()
    assert old.revoked_at is not None


@pytest.mark.parametrize("key", ["x" * 43, "short", "a" * 65, "abc%00defghijklmnopqrstuvwxyz"])
def test_unknown_or_malformed_keys_are_404(client, work, key) -> None:
    assert client.get(f"/calendar/{key}.ics").status_code == 404


def test_another_users_key_never_shows_your_items(client, work, team_lead, outsider) -> None:
    lead_feed = calendar_feed_create(user=team_lead)
    outsider_feed = calendar_feed_create(user=outsider)

    assert list(events(client, lead_feed)) == [follow_up_uid(work["theirs"].pk)]
    assert events(client, outsider_feed) == {}


def test_feed_leaves_out_teams_the_owner_left_and_inactive_users(
    client, work, desk_staff, team
) -> None:
    feed = calendar_feed_create(user=desk_staff)
    team.members.remove(desk_staff)
    assert events(client, feed) == {}

    desk_staff.is_active = False
    desk_staff.save()
    assert client.get(feed_path(feed)).status_code == 404


def test_old_closed_follow_ups_drop_out(client, work, desk_staff) -> None:
    FollowUpFactory(
        opportunity=work["mine"].opportunity,
        owner=desk_staff,
        due_date=days(-200),
        status="done",
        completed_at=timezone.now(),
    )
    overdue_open = FollowUpFactory(
        opportunity=work["mine"].opportunity, owner=desk_staff, due_date=days(-200)
    )
    feed = calendar_feed_create(user=desk_staff)
    assert set(events(client, feed)) == {
        follow_up_uid(work["mine"].pk),
        follow_up_uid(overdue_open.pk),
    }


@pytest.mark.parametrize("count", [5, 50])
def test_feed_query_count_does_not_grow(
    client, work, desk_staff, count, django_assert_max_num_queries
) -> None:
    FollowUp.objects.bulk_create(
        FollowUp(
            opportunity=work["mine"].opportunity, owner=desk_staff, title=f"n{n}", due_date=TODAY
        )
        for n in range(count)
    )
    feed = calendar_feed_create(user=desk_staff)
    with django_assert_max_num_queries(6):
        assert len(events(client, feed)) == count + 1


def test_admin_makes_and_revokes_your_own_feed(session_for, desk_staff, outsider) -> None:
    admin = session_for(desk_staff)
    add = reverse("admin:opportunities_calendarfeed_add")
    assert admin.post(add, {}).status_code == 302
    feed = CalendarFeed.objects.get(user=desk_staff, revoked_at__isnull=True)
    changelist = reverse("admin:opportunities_calendarfeed_changelist")
    assert feed.key in admin.get(changelist).content.decode()
    # The outsider sees none of it and cannot open it.
    assert feed.key not in session_for(outsider).get(changelist).content.decode()
    change = reverse("admin:opportunities_calendarfeed_change", args=[feed.pk])
    assert session_for(outsider).get(change).status_code in (302, 403, 404)

    admin.post(changelist, {"action": "revoke", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert feed.revoked_at is not None
