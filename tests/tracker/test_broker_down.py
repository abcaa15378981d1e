"""While the broker is down, a committed write answers as committed and its task is logged as
not queued; once the broker is back, the beat sweepers queue what was left behind."""

from __future__ import annotations

import datetime
import json
import logging
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Opportunity, WebhookDelivery, WebhookEndpoint
from opportunities.reminders.tasks import requeue_stalled_webhooks
from statements.manual import manual_source
from statements.models import Source, Statement
from statements.tasks import import_due_sources
from tests.opportunities.factories import OpportunityFactory
from tests.statements.factories import SourceFactory
from tracker.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

NOT_QUEUED = "Broker unreachable"


def _long_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


def _sweep(task):
    """Run a beat sweeper in-process, with the broker back; its result."""
    conf = app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        return task.delay().get()
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved


def test_stage_change_answers_200_and_its_webhook_goes_out_after_the_outage(
    broker_down,
    session_for,
    desk_staff,
    team,
    http_server,
    settings,
    caplog,
):
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    posts = []

    def receive(request: BaseHTTPRequestHandler) -> None:
        posts.append(request.rfile.read(int(request.headers["Content-Length"])))
        request.send_response(204)
        request.end_headers()

    http_server.route("/hook", receive)
    WebhookEndpoint.objects.create(team=team, url=http_server.url("/hook"))
    opportunity = OpportunityFactory(team=team, owner=desk_staff)

    with caplog.at_level(logging.WARNING, logger="lib.tasks"):
        response = session_for(desk_staff).patch(
            f"/api/opportunities/{opportunity.pk}/",
            json.dumps({"stage": "engaged"}),
            content_type="application/json",
        )

    assert response.status_code == 200, response.content
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "engaged"
    assert NOT_QUEUED in caplog.text and "deliver_webhook" in caplog.text
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING

    _sweep(requeue_stalled_webhooks)  # too soon: its task may merely be waiting in a queue
    assert not posts
    WebhookDelivery.objects.update(next_attempt_at=_long_ago())
    _sweep(requeue_stalled_webhooks)

    assert len(posts) == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_admin_paste_is_stored_and_extracted_after_the_outage(
    broker_down,
    session_for,
    desk_staff,
    caplog,
):
    client = session_for(desk_staff)
    text = "Joint statement\n\nIndia and Japan agreed on co-innovation. " + "More. " * 30

    with caplog.at_level(logging.WARNING, logger="lib.tasks"):
        response = client.post(
            reverse("admin:statements_statement_add"),
            {"source": manual_source().pk, "url": "", "text": text},
        )

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.extracted_at is None
    assert NOT_QUEUED in caplog.text and "extract_statement" in caplog.text

    Statement.objects.update(created_at=_long_ago())
    _sweep(import_due_sources)
    statement.refresh_from_db()
    assert statement.extracted_at is not None


def test_import_now_answers_and_beat_claims_the_source_once_the_claim_runs_out(
    broker_down,
    session_for,
    desk_staff,
    caplog,
):
    desk_staff.is_superuser = True  # the action needs change permission on sources
    desk_staff.save()
    source = SourceFactory(kind=Source.Kind.FEED, next_run_at=timezone.now() + _day())
    client = session_for(desk_staff)

    with caplog.at_level(logging.WARNING, logger="lib.tasks"):
        response = client.post(
            reverse("admin:statements_source_changelist"),
            {"action": "import_now", "_selected_action": [source.pk]},
        )

    assert response.status_code == 302
    assert NOT_QUEUED in caplog.text and "import_source" in caplog.text
    source.refresh_from_db()
    lease_end = source.next_run_at
    assert timezone.now() < lease_end < timezone.now() + _day()

    Source.objects.filter(pk=source.pk).update(next_run_at=_long_ago())  # the claim ran out
    assert source.pk in _sweep(import_due_sources)


def _day() -> datetime.timedelta:
    return datetime.timedelta(days=1)


def test_every_enqueue_goes_through_the_one_helper():
    """`.delay(` or `.apply_async(` anywhere else would skip the broker-outage handling."""
    root = Path(__file__).resolve().parents[2]
    helper = root / "lib" / "tasks.py"
    offenders = [
        str(path.relative_to(root))
        for package in ("lib", "partners", "statements", "opportunities", "tracker")
        for path in (root / package).rglob("*.py")
        if path != helper and re.search(r"\.(delay|apply_async)\(", path.read_text())
    ]
    assert offenders == []
