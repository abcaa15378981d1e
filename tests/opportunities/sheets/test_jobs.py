"""An upload job cut short (a killed worker, a time limit) has stored what its counts say, and
its next attempt goes on from the first row not done: nothing written or counted twice."""

from __future__ import annotations

import datetime

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from opportunities.models import Opportunity, UploadJob, UploadRowError
from opportunities.sheets import jobs, upsert
from opportunities.sheets.opportunities import OpportunityUpsert
from opportunities.sheets.tasks import requeue_stalled_upload_jobs, run_upload_job
from opportunities.sheets.uploads import upload_job_create
from tests.support.sheets import to_csv

CHUNK = 10
ROWS = 35


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(upsert, "CHUNK", CHUNK)


def queued_job(user, rows: list[list] | None = None, **options) -> UploadJob:
    if rows is None:
        rows = [[f"J-{n}", f"Job row {n}", "identified"] for n in range(1, ROWS + 1)]
    data = to_csv([["external_id", "title", "stage"], *rows])
    return upload_job_create(
        kind=UploadJob.Kind.OPPORTUNITIES,
        user=user,
        name="big.csv",
        blob=data,
        dry_run=options.get("dry_run", False),
        atomic=options.get("atomic", False),
    )


def cut_short_after(monkeypatch, chunks_done: int) -> None:
    """The one stand-in: the time limit (or a kill) hitting after `chunks_done` chunks."""
    real, calls = OpportunityUpsert.chunk, []

    def chunk(self, rows, report):
        calls.append(len(rows))
        if len(calls) > chunks_done:
            raise SoftTimeLimitExceeded()
        return real(self, rows, report)

    monkeypatch.setattr(OpportunityUpsert, "chunk", chunk)


def lose_worker(job: UploadJob) -> None:
    """Time passes with no progress: as long as a task may run, and a minute more."""
    UploadJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )


@pytest.mark.django_db
def test_a_job_cut_short_keeps_its_chunks_and_goes_on_from_there(
    monkeypatch, desk_staff, team, token_for
):
    job = queued_job(desk_staff)
    cut_short_after(monkeypatch, 2)
    with pytest.raises(SoftTimeLimitExceeded):
        jobs.upload_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_total) == (UploadJob.Status.RUNNING, 1, ROWS)
    assert (job.rows_done, job.created) == (2 * CHUNK, 2 * CHUNK)
    assert Opportunity.objects.count() == 2 * CHUNK
    status = token_for(desk_staff).get(f"/api/upload-jobs/{job.pk}/").json()
    assert (status["status"], status["rows_done"], status["rows_total"], status["percent"]) == (
        "running",
        20,
        35,
        57,
    )

    # Still "running" with a fresh heartbeat: a redelivered message leaves it alone.
    monkeypatch.undo()
    monkeypatch.setattr(upsert, "CHUNK", CHUNK)
    assert jobs.upload_job_run(job_id=job.pk) is None
    lose_worker(job)
    assert jobs.upload_jobs_stalled() == [job.pk]
    assert UploadJob.objects.get(pk=job.pk).status == UploadJob.Status.QUEUED
    jobs.upload_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == (UploadJob.Status.DONE, 2, ROWS)
    assert (job.created, job.updated, job.unchanged, job.applied) == (ROWS, 0, 0, True)
    assert Opportunity.objects.count() == ROWS
    assert len(job.changes) == ROWS


@pytest.mark.django_db
def test_a_repeated_external_id_after_the_resume_is_still_refused(monkeypatch, desk_staff, team):
    rows = [[f"D-{n}", "Row", "identified"] for n in range(CHUNK)]
    rows += [["D-3", "Again", "identified"], ["D-99", "New", "identified"]]
    job = queued_job(desk_staff, rows)
    cut_short_after(monkeypatch, 1)
    with pytest.raises(SoftTimeLimitExceeded):
        jobs.upload_job_run(job_id=job.pk)
    monkeypatch.undo()
    monkeypatch.setattr(upsert, "CHUNK", CHUNK)
    lose_worker(job)
    jobs.upload_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.created, job.error_count) == (CHUNK + 1, 1)
    error = UploadRowError.objects.get(job=job)
    assert (error.row, error.errors) == (
        CHUNK + 2,
        {"external_id": ["This external id is on an earlier row."]},
    )
    assert Opportunity.objects.get(external_id="D-3").title == "Row"


@pytest.mark.django_db
def test_a_job_whose_worker_keeps_dying_is_failed_with_the_reason(monkeypatch, desk_staff, team):
    job = queued_job(desk_staff)
    cut_short_after(monkeypatch, 1)
    for _ in range(jobs.MAX_ATTEMPTS):
        with pytest.raises(SoftTimeLimitExceeded):
            jobs.upload_job_run(job_id=job.pk)
        lose_worker(job)
        jobs.upload_jobs_stalled()

    job.refresh_from_db()
    assert job.status == UploadJob.Status.FAILED
    assert job.failure.startswith("Its worker stopped 3 times")
    assert "10 of 35 rows were done" in job.failure
    assert jobs.upload_job_run(job_id=job.pk) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tasks_in_process")
def test_the_task_goes_on_by_itself_after_a_soft_time_limit(monkeypatch, desk_staff, team):
    real, calls = OpportunityUpsert.chunk, []

    def chunk(self, rows, report):
        calls.append(1)
        if len(calls) == 2:  # once, in the second chunk
            raise SoftTimeLimitExceeded()
        return real(self, rows, report)

    monkeypatch.setattr(OpportunityUpsert, "chunk", chunk)
    job = queued_job(desk_staff)  # queued and run at once: no transaction is open

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (UploadJob.Status.DONE, ROWS, ROWS)
    assert Opportunity.objects.count() == ROWS


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tasks_in_process")
def test_a_job_whose_task_never_came_is_queued_again_by_the_sweep(desk_staff, team, broker_down):
    job = queued_job(desk_staff)  # the broker is down: logged, not sent
    assert UploadJob.objects.get(pk=job.pk).status == UploadJob.Status.QUEUED
    assert requeue_stalled_upload_jobs() == {"requeued": []}  # too soon to tell
    lose_worker(job)
    ids = jobs.upload_jobs_stalled()
    assert ids == [job.pk]
    run_upload_job.apply(args=[job.pk])  # what the sweep's task sends, once the broker is back
    job.refresh_from_db()
    assert (job.status, job.created) == (UploadJob.Status.DONE, ROWS)


@pytest.mark.django_db
def test_an_atomic_job_is_checked_then_written_whole(desk_staff, team):
    job = queued_job(desk_staff, atomic=True)
    jobs.upload_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.applied, job.created, job.rows_done) == ("done", True, ROWS, ROWS)
    assert Opportunity.objects.count() == ROWS


@pytest.mark.django_db
def test_an_inactive_uploader_fails_the_job(desk_staff, team):
    job = queued_job(desk_staff)
    desk_staff.is_active = False
    desk_staff.save()
    jobs.upload_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", "The uploader's account is gone or inactive.")
    assert not Opportunity.objects.exists()
