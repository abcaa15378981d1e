"""A large upload run by a real worker on the real broker (PostgreSQL and Redis), and killed
with SIGKILL mid-job: what it wrote is what its counts say, and the job finishes once it is
queued again, nothing written twice. Runs when CELERY_BROKER_URL is set (as .ci/run does)."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from opportunities.models import Opportunity, UploadJob
from opportunities.sheets.tasks import requeue_stalled_upload_jobs
from tests.support.sheets import opportunity_rows
from tests.workers import start_worker, stop_worker, worker_database_url

ROWS = 30_000

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


def wait_for(job_id: int, ready, timeout: float = 180) -> UploadJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = UploadJob.objects.defer("data").get(pk=job_id)
        if ready(job):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_id} never got there: {job.status}, {job.rows_done} rows done")


def test_a_worker_runs_a_large_upload_and_a_killed_one_resumes(desk_api, team):
    worker = start_worker("uploads1@test", queues="imports", DATABASE_URL=worker_database_url())
    try:
        response = desk_api.post(
            "/api/opportunities/bulk/",
            {"file": SimpleUploadedFile("big.csv", opportunity_rows(ROWS))},
            format="multipart",
        )
        assert response.status_code == 202, response.content[:300]
        url = response.json()["url"]
        job_id = response.json()["id"]

        # Somewhere past the first chunk, the worker dies (no chance to say so).
        job = wait_for(job_id, lambda job: job.rows_done >= 2 * 2000)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        stop_worker(worker)

    status = desk_api.get(url).json()
    assert status["status"] == "running"
    assert 0 < status["rows_done"] < ROWS
    assert status["rows_total"] == ROWS
    # Each chunk committed with its progress: the counts are what is stored.
    assert status["created"] == status["rows_done"] == Opportunity.objects.count()

    # Time passes with no progress: the sweep queues it again, and a new worker goes on.
    UploadJob.objects.filter(pk=job_id).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    worker = start_worker("uploads2@test", queues="imports", DATABASE_URL=worker_database_url())
    try:
        assert requeue_stalled_upload_jobs() == {"requeued": [job_id]}
        job = wait_for(job_id, lambda job: job.finished)
    finally:
        stop_worker(worker)

    status = desk_api.get(url).json()
    assert (status["status"], status["rows_done"], status["percent"]) == ("done", ROWS, 100)
    assert (status["created"], status["updated"], status["unchanged"]) == (ROWS, 0, 0)
    assert Opportunity.objects.count() == ROWS
    assert job.attempts == 2
