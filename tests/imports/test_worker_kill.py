"""A real worker on the real broker, killed with SIGKILL mid-import again and again: afterwards
every statement is stored exactly once. Runs when CELERY_BROKER_URL is set (as .ci/run does)."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from statements.imports import STORE_BATCH
from statements.models import ImportRun, RawItem, Source, Statement
from statements.tasks import import_source
from tests.workers import start_worker, stop_worker
from tracker.celery import app

PROJECT = Path(__file__).resolve().parents[2]
# New files before each kill: four store batches, so that a kill landing once the first batch
# is committed usually finds the import with work in hand.
BATCH = STORE_BATCH * 4
KILLS = 20
FILES = BATCH * KILLS

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


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _write_batch(folder: Path, batch: int) -> None:
    for number in range(batch * BATCH, (batch + 1) * BATCH):
        (folder / f"statement-{number:05d}.txt").write_text(
            f"Briefing {number}\n\nDate: 2026-01-{number % 28 + 1:02d}\n\n"
            f"India and Japan discussed co-innovation, item {number}. " + "Details. " * 40
        )


@pytest.fixture
def folder_source(tmp_path: Path) -> Source:
    return Source.objects.create(name="Killed folder", kind=Source.Kind.FOLDER, path=str(tmp_path))


def test_worker_killed_mid_import_twenty_times_loses_and_repeats_nothing(folder_source):
    app.control.purge()
    rng = random.Random(20)
    name = f"kill-{os.getpid()}@localhost"
    try:
        for batch in range(KILLS):
            _write_batch(Path(folder_source.path), batch)
            first_of_batch = f"statement-{batch * BATCH:05d}.txt"
            worker = start_worker(name, DATABASE_URL=_test_database_url())
            import_source.delay(folder_source.pk)
            # Generous: on a saturated machine the new worker may first drain extraction batches
            # that an earlier worker queued before its kill.
            deadline = time.monotonic() + 180
            while not RawItem.objects.filter(name__gte=first_of_batch).exists():
                assert time.monotonic() < deadline, "the worker never started the import"
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.02))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

        worker = start_worker(name, DATABASE_URL=_test_database_url())
        app.control.purge()
        last_run = ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        import_source.delay(folder_source.pk)
        deadline = time.monotonic() + 180
        # The run of this last task, not an earlier one that finished before its kill.
        while not ImportRun.objects.filter(
            source=folder_source, status=ImportRun.Status.OK, pk__gt=last_run
        ).exists():
            assert time.monotonic() < deadline, "the final import did not finish"
            time.sleep(0.5)
        stop_worker(worker)
    finally:
        app.control.purge()

    killed_mid_run = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).count()
    # Timing decides where a kill lands (a fast import may finish first, the kill then hits its
    # extraction); what must hold is that a good share of them cut an import short.
    assert killed_mid_run >= KILLS // 4, f"only {killed_mid_run} of {KILLS} kills cut an import"
    assert Statement.objects.count() == FILES
    assert RawItem.objects.count() == FILES
    assert not RawItem.objects.exclude(status=RawItem.Status.PARSED).exists()
    titles = set(Statement.objects.values_list("title", flat=True))
    assert titles == {f"Briefing {number}" for number in range(FILES)}
