"""A queue per workload: every task has its queue, and with one worker per queue a long import
does not hold up a webhook (two real workers on a Redis of the test's own)."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from opportunities.models import WebhookDelivery, WebhookEndpoint
from statements.models import ImportRun, Source
from tests.opportunities.factories import TeamFactory
from tests.workers import control_app, start_worker, stop_worker, worker_database_url
from tracker.celery import app

QUEUES = {"default", "imports", "extraction", "notifications"}


def test_every_task_of_the_project_has_its_workload_queue():
    app.loader.import_default_modules()
    routed = {
        name: app.amqp.router.route({}, name)["queue"].name
        for name in app.tasks
        if not name.startswith("celery.")
    }
    assert set(routed.values()) <= QUEUES
    # Nothing of ours falls through to the default queue unnoticed.
    assert [name for name, queue in routed.items() if queue == "default"] == []
    assert routed["statements.tasks.import_source"] == "imports"
    assert routed["statements.tasks.extract_statements"] == "extraction"
    assert routed["opportunities.tasks.deliver_webhook"] == "notifications"
    assert routed["opportunities.tasks.send_daily_digests"] == "notifications"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="a worker process cannot see the in-memory SQLite test database",
)
@pytest.mark.django_db(transaction=True)
def test_a_long_import_does_not_delay_a_webhook(private_redis, http_server):
    http_server.slow("/stuck/", 60)  # the index answers after a minute: a long import
    received = []

    def receive(request: BaseHTTPRequestHandler) -> None:
        request.rfile.read(int(request.headers["Content-Length"]))
        received.append(time.monotonic())
        request.send_response(204)
        request.end_headers()

    http_server.route("/hook", receive)
    source = Source.objects.create(
        name="Slow", kind=Source.Kind.INDEX, url=http_server.url("/stuck/")
    )
    endpoint = WebhookEndpoint.objects.create(team=TeamFactory(), url=http_server.url("/hook"))
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=WebhookDelivery.Event.STAGE_CHANGED, key="k", payload={}
    )
    control = control_app(private_redis.url)
    env = {
        "CELERY_BROKER_URL": private_redis.url,
        "DATABASE_URL": worker_database_url(),
        "STATEMENTS_FETCH_ALLOWED_HOSTS": "127.0.0.1",
    }
    workers = [
        start_worker("imports@localhost", control=control, queues="imports", **env),
        start_worker("notify@localhost", control=control, queues="notifications,extraction", **env),
    ]
    try:
        # Two imports: the imports worker is busy with the first, the second waits behind it.
        for _ in range(2):
            control.send_task("statements.tasks.import_source", args=[source.pk])
        deadline = time.monotonic() + 30
        while not ImportRun.objects.filter(source=source).exists():
            assert time.monotonic() < deadline, "the imports worker never started"
            time.sleep(0.1)
        sent = time.monotonic()
        control.send_task("opportunities.tasks.deliver_webhook", args=[delivery.pk])
        while not received:
            assert time.monotonic() - sent < 30, "the webhook waited behind the import"
            time.sleep(0.1)
        assert ImportRun.objects.get(source=source).status == ImportRun.Status.RUNNING
    finally:
        http_server.stopping.set()
        for worker in workers:
            stop_worker(worker)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
