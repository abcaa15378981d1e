"""Digests, calendar feeds and webhooks: a restricted record reaches only a cleared audience.

The webhook rule: whoever reads a receiving system is outside the tracker's permissions, so an
event of a restricted record goes only to an endpoint marked `sends_restricted` (which only the
cleared may set), and its delivery row is labelled restricted for the admin."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from opportunities.models import FollowUp, Note, Opportunity, WebhookDelivery, WebhookEndpoint
from opportunities.reminders.calendar import calendar_feed_create
from opportunities.reminders.digests import digests_collect
from opportunities.reminders.webhook_events import (
    overdue_emit,
    stage_changes_emit,
    suggestions_created_emit,
)
from tests.opportunities.factories import FollowUpFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def titles(section) -> set[str]:
    return {item.title for item in section.items}


@pytest.fixture
def owned(restricted, desk_staff, team_lead):
    """Each person owns a restricted and an internal follow-up, all overdue by a week."""
    r = restricted
    for follow_up in (r.follow_up, r.own_follow_up, r.open_follow_up):
        follow_up.due_date = days(-7)
        follow_up.owner = desk_staff
        follow_up.save()
    FollowUpFactory(
        opportunity=r.open_opportunity,
        owner=team_lead,
        title="Lead's restricted",
        due_date=days(-7),
        sensitivity="restricted",
    )
    return r


def test_a_digest_never_lists_a_restricted_follow_up_to_someone_not_cleared(
    owned, desk_staff, team_lead, settings
) -> None:
    settings.REMINDERS_LEAD_OVERDUE_DAYS = 3
    digests = digests_collect(day=TODAY, now=timezone.now())
    # Desk staff own three, of which only the open one may reach them.
    assert titles(digests[desk_staff.pk].overdue) == {"Open call"}
    lead = digests[team_lead.pk]
    assert titles(lead.overdue) == {"Lead's restricted"}
    # The lead's team section lists the team's restricted work too: a lead is cleared.
    (team_section,) = lead.team_overdue
    assert titles(team_section) >= {"Restricted call", "Call on the secret", "Open call"}


def test_a_lead_not_cleared_gets_a_team_section_without_restricted_items(
    owned, team_lead, settings
) -> None:
    settings.REMINDERS_LEAD_OVERDUE_DAYS = 3
    for group in team_lead.groups.all():
        group.permissions.remove(*group.permissions.filter(codename="view_restricted"))
    digests = digests_collect(day=TODAY, now=timezone.now())
    lead = digests[team_lead.pk]
    assert titles(lead.overdue) == set()
    (team_section,) = lead.team_overdue
    assert titles(team_section) == {"Open call"}


def test_stale_restricted_opportunities_reach_only_a_cleared_owner(
    restricted, desk_staff, team_lead, settings
) -> None:
    settings.REMINDERS_STALE_DAYS = {"identified": 1}
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Opportunity.objects.update(owner=desk_staff, stage_changed_at=long_ago)
    FollowUp.objects.update(updated_at=long_ago)
    Note.objects.update(created_at=long_ago)
    digests = digests_collect(day=TODAY, now=timezone.now())
    assert titles(digests[desk_staff.pk].stale) == {"Open sonar"}
    Opportunity.objects.update(owner=team_lead)
    digests = digests_collect(day=TODAY + datetime.timedelta(days=1), now=timezone.now())
    assert titles(digests[team_lead.pk].stale) == {"Open sonar", "Secret radar"}


def test_digest_queries_stay_fixed_with_restricted_rows(
    owned, django_assert_max_num_queries
) -> None:
    # The digest log, follow-ups, stale opportunities, leads, the lead rows, the cleared users.
    with django_assert_max_num_queries(7):
        digests_collect(day=TODAY, now=timezone.now())


def calendar_titles(user) -> set[str]:
    feed = calendar_feed_create(user=user)
    response = Client().get(reverse("calendar-feed", args=[feed.key]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]).split(" (")[0] for event in calendar.walk("VEVENT")}


def test_a_calendar_feed_never_carries_restricted_follow_ups_not_even_a_cleared_owners(
    owned, desk_staff, team_lead
) -> None:
    # The feed's key is in its URL, read by a third-party calendar service: a key pull.
    FollowUpFactory(opportunity=owned.opportunity, owner=team_lead, title="On the secret")
    FollowUpFactory(opportunity=owned.open_opportunity, owner=team_lead, title="Lead's open")
    assert calendar_titles(desk_staff) == {"Open call"}
    assert calendar_titles(team_lead) == {"Lead's open"}


@pytest.fixture
def endpoints(team):
    plain = WebhookEndpoint.objects.create(team=team, url="https://hooks.example.org/plain")
    cleared = WebhookEndpoint.objects.create(
        team=team, url="https://hooks.example.org/cleared", sends_restricted=True
    )
    return plain, cleared


def delivered(endpoint, event: str) -> list[dict]:
    return [
        d.payload
        for d in WebhookDelivery.objects.filter(endpoint=endpoint, event=event).order_by("pk")
    ]


def test_a_restricted_stage_change_goes_only_to_an_endpoint_that_sends_restricted(
    restricted, endpoints
) -> None:
    plain, cleared = endpoints
    secret, shown = restricted.opportunity, restricted.open_opportunity
    stage_changes_emit(changes=[(secret, "identified"), (shown, "identified")])
    event = WebhookDelivery.Event.STAGE_CHANGED
    assert [p["opportunity"]["title"] for p in delivered(plain, event)] == ["Open sonar"]
    assert {p["opportunity"]["title"] for p in delivered(cleared, event)} == {
        "Open sonar",
        "Secret radar",
    }
    labelled = WebhookDelivery.objects.get(endpoint=cleared, payload__opportunity__id=secret.pk)
    assert labelled.sensitivity == "restricted"


def test_overdue_webhooks_leave_restricted_follow_ups_out_of_plain_endpoints(
    owned, endpoints
) -> None:
    plain, cleared = endpoints
    overdue_emit(today=TODAY)
    event = WebhookDelivery.Event.FOLLOW_UP_OVERDUE
    assert [p["follow_up"]["title"] for p in delivered(plain, event)] == ["Open call"]
    assert len(delivered(cleared, event)) == 4


def test_a_suggestion_from_a_restricted_statement_goes_only_to_cleared_endpoints(
    restricted, endpoints
) -> None:
    plain, cleared = endpoints
    secret = SuggestionFactory(statement=restricted.statement, title="From the secret")
    shown = SuggestionFactory(statement=restricted.open_statement, title="Plain")
    suggestions_created_emit(suggestions=[secret, shown])
    event = WebhookDelivery.Event.SUGGESTION_CREATED
    assert [p["suggestion"]["title"] for p in delivered(plain, event)] == ["Plain"]
    assert len(delivered(cleared, event)) == 2


def test_only_the_cleared_see_restricted_deliveries_and_set_sends_restricted(
    restricted, endpoints, session_for, desk_staff, team_lead
) -> None:
    plain, _ = endpoints
    stage_changes_emit(changes=[(restricted.opportunity, "identified")])
    listing = reverse("admin:opportunities_webhookdelivery_changelist")
    desk = session_for(desk_staff).get(listing)
    assert desk.status_code == 200 and b"0 webhook deliveries" in desk.content
    assert b"1 webhook delivery" in session_for(team_lead).get(listing).content
    change = reverse("admin:opportunities_webhookendpoint_change", args=[plain.pk])
    lead_page = session_for(team_lead).get(change)
    assert b'name="sends_restricted"' in lead_page.content
    desk_page = session_for(desk_staff).get(change)
    assert desk_page.status_code == 200 and b'name="sends_restricted"' not in desk_page.content
