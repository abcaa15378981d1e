"""How long the tasks of a killed worker take to come back: the visibility timeout plus at most
one restore interval (docs/operations.md). A real worker on a Redis of the test's own, with the
timeouts shrunk to seconds, is killed with SIGKILL mid-import; a new worker picks the import up
again no sooner than the timeout (never while the first delivery might still run) and no later
than the timeout plus the interval and some slack for a loaded machine."""

from __future__ import annotations

import signal
import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from statements.models import ImportRun, Source, Statement
from tests.workers import control_app, start_worker, stop_worker, worker_database_url

PAGES = 30
VISIBILITY = 12  # seconds, for this test's workers
RESTORE_INTERVAL = 1
SLACK = 15  # a new worker's start and a saturated machine

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="a worker process cannot see the in-memory SQLite test database",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_killed_workers_import_comes_back_after_the_visibility_timeout(
    private_redis, http_server
) -> None:
    slow = {"delay": 0.2}

    def page(request: BaseHTTPRequestHandler) -> None:
        http_server.stopping.wait(slow["delay"])
        body = f"Release {request.path}\n\nIndia and Japan met about {request.path}.".encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    links = "".join(f'<a href="/r/{n}">Release {n}</a>\n' for n in range(PAGES))
    http_server.route("/r/", 200, {"Content-Type": "text/html"}, links.encode())
    for number in range(PAGES):
        http_server.route(f"/r/{number}", page)
    source = Source.objects.create(
        name="Recovered", kind=Source.Kind.INDEX, url=http_server.url("/r/"), max_items=PAGES
    )
    control = control_app(private_redis.url)
    env = {
        "CELERY_BROKER_URL": private_redis.url,
        "DATABASE_URL": worker_database_url(),
        "STATEMENTS_FETCH_ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_SOFT_TIME_LIMIT": "6",
        "CELERY_TASK_TIME_LIMIT": "8",
        "CELERY_MAX_COUNTDOWN": "2",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_UNACKED_RESTORE_INTERVAL": str(RESTORE_INTERVAL),
    }
    first = start_worker("doomed@localhost", control=control, **env)
    control.send_task("statements.tasks.import_source", args=[source.pk])
    deadline = time.monotonic() + 60
    while not any(r.path.startswith("/r/") and r.path != "/r/" for r in http_server.requests):
        assert time.monotonic() < deadline, "the worker never started the import"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    first.wait(timeout=30)
    slow["delay"] = 0

    second = start_worker("heir@localhost", control=control, **env)
    try:
        while ImportRun.objects.filter(source=source).count() < 2:
            waited = time.monotonic() - killed_at
            assert waited < VISIBILITY + RESTORE_INTERVAL + SLACK, "the import never came back"
            time.sleep(0.2)
        waited = time.monotonic() - killed_at
        while not ImportRun.objects.filter(source=source, status=ImportRun.Status.OK).exists():
            assert time.monotonic() - killed_at < 120, "the redelivered import did not finish"
            time.sleep(0.2)
    finally:
        stop_worker(second)

    assert waited >= VISIBILITY - 1, f"redelivered after {waited:.1f} s, before the timeout"
    assert Statement.objects.filter(source=source).count() == PAGES
