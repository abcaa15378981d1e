"""A real prefork worker loses its broker mid-import and keeps serving once it is back.

The test brings its own redis-server on a free port (never the shared one), stops it while an
import is fetching slow pages, starts it again and checks that the same worker process answers
and runs the next import. Before the patch in tracker/celery.py the worker exited with
"Unrecoverable error: AttributeError('NoneType' object has no attribute 'hostname')"."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from statements.models import ImportRun, Source, Statement
from tests.statements.httpserver import LocalServer
from tests.workers import (
    answers,
    control_app,
    start_worker,
    stop_worker,
    worker_database_url,
)

PAGES = 40
PAGE_DELAY = 0.15  # seconds: an import of PAGES pages takes about 6 s
OUTAGE = 3.0  # seconds; the cause does not depend on the length, only on a task being in flight

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="a worker process cannot see the in-memory SQLite test database",
    ),
    pytest.mark.django_db(transaction=True),
]


def _slow_index(server: LocalServer, prefix: str) -> str:
    def page(request: BaseHTTPRequestHandler) -> None:
        server.stopping.wait(PAGE_DELAY)
        text = f"Briefing {request.path}\n\nIndia and Japan discussed item {request.path}."
        body = text.encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    links = "".join(f'<a href="/{prefix}/{n}">Release {n}</a>\n' for n in range(PAGES))
    server.route(f"/{prefix}/", 200, {"Content-Type": "text/html"}, links.encode())
    for number in range(PAGES):
        server.route(f"/{prefix}/{number}", page)
    return server.url(f"/{prefix}/")


def _wait_for(condition, seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def test_worker_survives_the_broker_going_away_mid_import(private_redis, http_server):
    control = control_app(private_redis.url)
    first = Source.objects.create(
        name="Before the outage",
        kind=Source.Kind.INDEX,
        url=_slow_index(http_server, "before"),
        max_items=PAGES,
    )
    name = "outage@localhost"
    worker = start_worker(
        name,
        pool="prefork",
        control=control,
        CELERY_BROKER_URL=private_redis.url,
        DATABASE_URL=worker_database_url(),
        STATEMENTS_FETCH_ALLOWED_HOSTS="127.0.0.1",
    )
    try:
        control.send_task("statements.tasks.import_source", args=[first.pk])
        # Mid-import: a few pages fetched, most still to come.
        _wait_for(
            lambda: sum(r.path.startswith("/before/") for r in http_server.requests) > 5,
            60,
            "the worker never started the import",
        )
        private_redis.stop()
        time.sleep(OUTAGE)
        private_redis.start()

        _wait_for(lambda: worker.poll() is not None or answers(control, name), 90, "no answer")
        assert worker.poll() is None, f"the worker exited with {worker.returncode}"

        second = Source.objects.create(
            name="After the outage",
            kind=Source.Kind.INDEX,
            url=_slow_index(http_server, "after"),
            max_items=PAGES,
        )
        control.send_task("statements.tasks.import_source", args=[second.pk])
        _wait_for(
            lambda: ImportRun.objects.filter(source=second, status=ImportRun.Status.OK).exists(),
            120,
            "the import queued after the outage did not finish",
        )
    finally:
        stop_worker(worker)
    assert Statement.objects.filter(source=second).count() == PAGES
