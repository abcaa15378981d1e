"""Webhooks delivered to a real HTTP server on 127.0.0.1: signed, retried, given up, logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Opportunity, WebhookDelivery, WebhookEndpoint
from opportunities.reminders.delivery import retry_delay, signature
from opportunities.reminders.tasks import emit_overdue_webhooks
from opportunities.services import opportunity_move
from opportunities.suggestions.proposals import suggestion_propose
from partners.models import InvestmentArea
from statements.models import Mention
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory, TeamFactory
from tests.partners.factories import CountryFactory
from tests.statements.factories import SourceFactory, StatementFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]


class Receiver:
    """Routes on the local server that record each POST and answer with the next status."""

    def __init__(self, http_server, path: str, statuses: list[int]) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.statuses = statuses
        self.url = http_server.url(path)
        http_server.routes[path] = self.handle

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers["Content-Length"]))
        self.posts.append((dict(request.headers.items()), body))
        status = self.statuses.pop(0) if self.statuses else 200
        request.send_response(status)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")


@pytest.fixture
def server(http_server, settings):
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOKS_MAX_RETRIES = 3
    return http_server


def endpoint_for(team, url: str, **flags) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(team=team, url=url, **flags)


def test_stage_change_is_posted_signed_and_logged(server, team, other_team) -> None:
    receiver = Receiver(server, "/hook", [200])
    endpoint = endpoint_for(team, receiver.url)
    outsider_receiver = Receiver(server, "/other", [200])
    endpoint_for(other_team, outsider_receiver.url)
    opportunity = OpportunityFactory(title="Radar", team=team)

    opportunity_move(opportunities=Opportunity.objects.filter(pk=opportunity.pk), stage="engaged")

    ((headers, body),) = receiver.posts
    assert outsider_receiver.posts == []
    expected = hmac.new(
        endpoint.secret.encode(),
        headers["X-Tracker-Timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-Tracker-Signature"] == f"sha256={expected}"
    assert headers["X-Tracker-Signature"] == signature(
        secret=endpoint.secret, timestamp=headers["X-Tracker-Timestamp"], body=body
    )
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Tracker-Event"] == "opportunity.stage_changed"
    event = json.loads(body)
    assert event["event"] == "opportunity.stage_changed"
    assert event["data"]["opportunity"] == {
        "id": opportunity.pk,
        "title": "Radar",
        "team_id": team.pk,
        "owner_id": None,
        "stage": "engaged",
        "previous_stage": "identified",
        "version": 2,
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)


def test_a_500_is_retried_until_it_succeeds(server, team) -> None:
    receiver = Receiver(server, "/flaky", [500, 500, 200])
    endpoint_for(team, receiver.url)
    opportunity = OpportunityFactory(team=team)

    opportunity_move(
        opportunities=Opportunity.objects.filter(pk=opportunity.pk), stage="qualifying"
    )

    assert len(receiver.posts) == 3
    # Every attempt is the same event, signed again.
    assert len({body for _, body in receiver.posts}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert delivery.last_error == ""


def test_a_dead_endpoint_is_given_up_after_the_retries_and_logged(server, team) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    endpoint_for(team, dead)
    alive = Receiver(server, "/alive", [])
    endpoint_for(team, alive.url)
    opportunity = OpportunityFactory(team=team)

    moved = opportunity_move(
        opportunities=Opportunity.objects.filter(pk=opportunity.pk), stage="proposal"
    )

    assert moved == 1  # the move itself is never held up
    failed = WebhookDelivery.objects.get(endpoint__url=dead)
    assert failed.status == "failed" and failed.attempts == 4  # the first try and 3 retries
    assert "Could not connect" in failed.last_error and "connection refused" in failed.last_error
    # The other endpoint got its event all the same.
    assert len(alive.posts) == 1
    assert WebhookDelivery.objects.get(endpoint__url=alive.url).status == "delivered"


def test_an_internal_url_is_refused_like_statement_fetching(server, team, settings) -> None:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = []
    receiver = Receiver(server, "/internal", [])
    endpoint_for(team, receiver.url)
    opportunity = OpportunityFactory(team=team)

    opportunity_move(opportunities=Opportunity.objects.filter(pk=opportunity.pk), stage="engaged")

    assert receiver.posts == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "loopback" in delivery.last_error


def test_overdue_follow_ups_are_announced_once(server, team) -> None:
    receiver = Receiver(server, "/overdue", [])
    endpoint_for(team, receiver.url, on_stage_changed=False)
    opportunity = OpportunityFactory(team=team)
    late = FollowUpFactory(
        opportunity=opportunity, due_date=timezone.localdate() - timezone.timedelta(days=4)
    )
    FollowUpFactory(opportunity=opportunity)  # not yet due
    FollowUpFactory(opportunity=OpportunityFactory(team=TeamFactory()), due_date=late.due_date)

    assert emit_overdue_webhooks.delay().get() == {"queued": 1}
    assert emit_overdue_webhooks.delay().get() == {"queued": 0}

    ((_, body),) = receiver.posts
    follow_up = json.loads(body)["data"]["follow_up"]
    assert follow_up["id"] == late.pk and follow_up["days_overdue"] == 4


def test_new_suggestion_goes_to_every_subscribed_team(server, team, other_team) -> None:
    japan = Receiver(server, "/japan", [])
    europe = Receiver(server, "/europe", [])
    endpoint_for(team, japan.url)
    endpoint_for(other_team, europe.url)
    endpoint_for(other_team, server.url("/muted"), on_suggestion_created=False)
    india, jp = CountryFactory(code="IN"), CountryFactory(code="JP")
    area = InvestmentArea.objects.create(name="Co-innovation", slug="co-innovation")
    statement = StatementFactory(source=SourceFactory(country=india))
    statement.countries.add(india, jp)
    statement.areas.add(area)
    Mention.objects.create(
        statement=statement,
        kind=Mention.Kind.AREA,
        area=area,
        term="co-innovation",
        start=0,
        end=13,
        snippet="co-innovation",
    )
    # Suggestions pair the countries that act in a statement: Japan is a party of this one.
    Mention.objects.create(
        statement=statement,
        kind=Mention.Kind.COUNTRY,
        country=jp,
        role=Mention.Role.PARTY,
        term="Japan",
        start=20,
        end=25,
        snippet="Japan",
    )

    created = suggestion_propose(statement_id=statement.pk)
    suggestion_propose(statement_id=statement.pk)  # re-proposing sends nothing new

    for receiver in (japan, europe):
        ((_, body),) = receiver.posts
        assert json.loads(body)["data"]["suggestion"]["id"] == created.pk
    assert WebhookDelivery.objects.count() == 2  # none for the endpoint that opted out


def test_backoff_doubles_and_is_capped(settings) -> None:
    settings.WEBHOOKS_RETRY_BACKOFF = 60
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == 6 * 3600


def test_admin_refuses_internal_urls_and_shows_the_log(
    team, team_lead, session_for, settings, server
) -> None:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = []
    admin = session_for(team_lead)
    add = reverse("admin:opportunities_webhookendpoint_add")
    form = {
        "team": team.pk,
        "is_active": "on",
        "on_suggestion_created": "on",
        "on_stage_changed": "on",
        "on_follow_up_overdue": "on",
    }
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest", "ftp://x.org/"):
        response = admin.post(add, {**form, "url": url})
        assert response.status_code == 200, url
        assert not WebhookEndpoint.objects.exists()
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    assert admin.post(add, {**form, "url": server.url("/ok")}).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="follow_up.overdue",
        key="k",
        payload={},
        status="failed",
        last_error="HTTP 500: boom",
    )
    log = admin.get(reverse("admin:opportunities_webhookdelivery_changelist"))
    assert "HTTP 500: boom" in log.content.decode()


def test_only_those_who_may_edit_an_endpoint_see_its_secret(team, team_lead, analyst, session_for):
    endpoint = endpoint_for(team, "https://hooks.example.org/in")
    page = reverse("admin:opportunities_webhookendpoint_change", args=[endpoint.pk])

    assert endpoint.secret in session_for(team_lead).get(page).content.decode()
    response = session_for(analyst).get(page)
    assert response.status_code == 200 and endpoint.secret not in response.content.decode()


def test_another_teams_endpoints_and_deliveries_are_hidden(team, outsider, session_for) -> None:
    endpoint = endpoint_for(team, "https://hooks.example.org/in")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="follow_up.overdue", key="k", payload={}
    )
    client = session_for(outsider)
    endpoint_page = reverse("admin:opportunities_webhookendpoint_change", args=[endpoint.pk])
    delivery_page = reverse("admin:opportunities_webhookdelivery_change", args=[delivery.pk])
    assert client.get(endpoint_page).status_code == 404
    assert client.get(delivery_page).status_code == 404
    listing = client.get(reverse("admin:opportunities_webhookdelivery_changelist"))
    assert listing.context["cl"].result_count == 0
