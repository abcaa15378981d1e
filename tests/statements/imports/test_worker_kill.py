"""A real worker on the real broker, killed with SIGKILL mid-import again and again: afterwards
every statement is stored exactly once. Runs when CELERY_BROKER_URL is set (as .ci/run does).

The source is an index page on a local server whose statement pages answer slowly, so an import
is usually still fetching when the test kills its worker (every time when the test runs alone)."""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from statements.imports import STORE_BATCH
from statements.models import ImportRun, RawItem, Source, Statement
from statements.tasks import import_source
from tests.statements.httpserver import LocalServer
from tests.workers import start_worker, stop_worker, worker_database_url
from tracker.celery import app

# New pages before each kill: one store batch and a hundred more, so that once the first batch
# is committed the import has a hundred slow pages (about a second) still to fetch.
BATCH = STORE_BATCH + 100
PAGE_DELAY = 0.01
KILLS = 20
PAGES = BATCH * KILLS

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"), reason="no CELERY_BROKER_URL: no real worker"
    ),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="a worker process cannot see the in-memory SQLite test database",
    ),
    pytest.mark.django_db(transaction=True),
]


def _worker(name: str):
    return start_worker(
        name, DATABASE_URL=worker_database_url(), STATEMENTS_FETCH_ALLOWED_HOSTS="127.0.0.1"
    )


class Releases:
    """The index lists the first `published` releases; each release page answers slowly."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.published = 0
        server.route("/releases/", self.index)

    def publish(self, count: int) -> None:
        for number in range(self.published, self.published + count):
            self.server.route(f"/release/{number}", self.page)
        self.published += count

    def index(self, request: BaseHTTPRequestHandler) -> None:
        links = "".join(f'<a href="/release/{n}">Release {n}</a>\n' for n in range(self.published))
        self._answer(request, "text/html; charset=utf-8", f"<html><body>{links}</body></html>")

    def page(self, request: BaseHTTPRequestHandler) -> None:
        self.server.stopping.wait(PAGE_DELAY)
        number = int(request.path.rsplit("/", 1)[1])
        text = (
            f"Briefing {number}\n\nDate: 2026-01-{number % 28 + 1:02d}\n\n"
            f"India and Japan discussed co-innovation, item {number}. " + "Details. " * 40
        )
        self._answer(request, "text/plain; charset=utf-8", text)

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, content_type: str, text: str) -> None:
        body = text.encode()
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


@pytest.fixture
def releases(http_server: LocalServer) -> Releases:
    return Releases(http_server)


@pytest.fixture
def index_source(releases: Releases) -> Source:
    return Source.objects.create(
        name="Killed index",
        kind=Source.Kind.INDEX,
        url=releases.server.url("/releases/"),
        max_items=PAGES,
    )


def test_worker_killed_mid_import_twenty_times_loses_and_repeats_nothing(releases, index_source):
    app.control.purge()
    rng = random.Random(20)
    name = f"kill-{os.getpid()}@localhost"
    try:
        for _kill in range(KILLS):
            first_new = releases.server.url(f"/release/{releases.published}")
            releases.publish(BATCH)
            worker = _worker(name)
            import_source.delay(index_source.pk)
            # Generous: on a saturated machine a new worker may first drain tasks an earlier
            # one queued before its kill.
            deadline = time.monotonic() + 180
            while not RawItem.objects.filter(url=first_new).exists():
                assert time.monotonic() < deadline, "the worker never started the import"
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

        worker = _worker(name)
        app.control.purge()
        last_run = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        import_source.delay(index_source.pk)
        deadline = time.monotonic() + 180
        # The run of this last task, not an earlier one that finished before its kill.
        while not ImportRun.objects.filter(
            source=index_source, status=ImportRun.Status.OK, pk__gt=last_run
        ).exists():
            assert time.monotonic() < deadline, "the final import did not finish"
            time.sleep(0.5)
        stop_worker(worker)
    finally:
        app.control.purge()

    statuses = Counter(ImportRun.objects.values_list("status", flat=True))
    # Run alone, all 20 kills cut an import short; in the full suite on PostgreSQL + Redis one
    # CI run saw only 7 (cause not found), so the floor is a quarter of the kills.
    assert statuses[ImportRun.Status.RUNNING] >= KILLS // 4, f"runs by status: {dict(statuses)}"
    # Every statement is counted once, by the run that stored it, runs cut short included
    # (their counts commit with each batch; they were all new=0 before).
    assert sum(ImportRun.objects.values_list("new", flat=True)) == PAGES
    assert Statement.objects.count() == PAGES
    assert RawItem.objects.count() == PAGES
    assert not RawItem.objects.exclude(status=RawItem.Status.PARSED).exists()
    titles = set(Statement.objects.values_list("title", flat=True))
    assert titles == {f"Briefing {number}" for number in range(PAGES)}
