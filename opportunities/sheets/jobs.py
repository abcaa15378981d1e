"""Running an upload job: the stored file upserted a chunk at a time, through the same upserts
as a request (`OpportunityUpsert`, `FollowUpUpsert`).

Each chunk is written in its own transaction together with the job's progress and counts, as
an import run writes its counts with each stored batch (statements/imports.py). So a job cut
short (a killed worker, a time limit) has stored exactly what its counts say, and the next
attempt goes on from the first row not done: rows are never written twice, nor counted twice.

An atomic job must write nothing unless every row is good, so it is checked first, a chunk at
a time like a dry run (the progress shows the check), and then written in one transaction.

A job is claimed with a conditional update, so a redelivered message and a re-queued one
never run it at once. A running job whose progress has not moved for longer than a task may
run (`CELERY_TASK_TIME_LIMIT` + 60 s) has lost its worker: the beat sweep queues it again, up
to MAX_ATTEMPTS, then marks it failed with the reason.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from lib.sheets.read import SheetError, read_upload

from .follow_ups import FollowUpUpsert
from .models import UploadJob, UploadRowError
from .opportunities import OpportunityUpsert
from .upsert import REPORT_LIMIT, ChunkedUpsert, Row, UpsertReport, chunks

logger = logging.getLogger(__name__)

UPSERTS: dict[str, type[ChunkedUpsert]] = {
    UploadJob.Kind.OPPORTUNITIES: OpportunityUpsert,
    UploadJob.Kind.FOLLOW_UPS: FollowUpUpsert,
}
MAX_ATTEMPTS = 3
Status = UploadJob.Status


def lost_before() -> datetime.datetime:
    """A running job with no progress since then has lost its worker: the hard time limit
    would have ended the task by now."""
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def upload_job_claim(*, job_id: int) -> UploadJob | None:
    """Start an attempt at the job, or None if it is finished or running elsewhere."""
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=lost_before())
    claimed = UploadJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        started_at=Coalesce("started_at", now),
    )
    return UploadJob.objects.select_related("user").get(pk=job_id) if claimed else None


def _rows(job: UploadJob) -> Iterator[tuple[int, Row]]:
    return read_upload(job.name, io.BytesIO(bytes(job.data)))


def upload_job_run(*, job_id: int) -> UploadJob | None:
    """Run (or go on with) the job. A file unreadable past some row fails the job with the
    reason, as a request would have answered 400."""
    job = upload_job_claim(job_id=job_id)
    if job is None:
        return None
    if job.user is None or not job.user.is_active:
        return upload_job_fail(job, "The uploader's account is gone or inactive.")
    try:
        if job.rows_total is None:
            job.rows_total = sum(1 for _ in _rows(job))
            job.save(update_fields=["rows_total"])
        _check_or_write(job)
        if job.atomic and not job.error_count:
            _write_whole(job)
    except SheetError as error:
        return upload_job_fail(job, str(error))
    job.status, job.finished_at = Status.DONE, timezone.now()
    job.applied = job.applied or not (job.dry_run or job.atomic)
    job.save(update_fields=["status", "finished_at", "applied"])
    return job


def _check_or_write(job: UploadJob) -> None:
    """Every chunk after the ones done, each in a transaction with the job's progress. An
    atomic job's chunks are only checked here."""
    upsert = UPSERTS[job.kind](user=job.user, dry_run=job.dry_run or job.atomic)
    position = 0
    for chunk in chunks(_rows(job)):
        position += len(chunk)
        if position <= job.rows_done:
            upsert.skip(chunk)
            continue
        with transaction.atomic():
            report = UpsertReport(dry_run=upsert.dry_run, atomic=False)
            upsert.chunk(chunk, report)
            _progress(job, report, rows_done=position)


def _progress(job: UploadJob, report: UpsertReport, *, rows_done: int) -> None:
    job.rows_done = rows_done
    job.created += report.created
    job.updated += report.updated
    job.unchanged += report.unchanged
    job.error_count += len(report.errors)
    job.changes = (job.changes + report.changes)[:REPORT_LIMIT]
    job.heartbeat_at = timezone.now()
    job.save(
        update_fields=[
            "rows_done",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "changes",
            "heartbeat_at",
        ]
    )
    _errors_add(job, report)


def _errors_add(job: UploadJob, report: UpsertReport) -> None:
    UploadRowError.objects.bulk_create(
        [
            UploadRowError(
                job=job,
                row=error["row"],
                external_id=(error["external_id"] or "")[:255],
                errors=error["errors"],
            )
            for error in report.errors
        ],
        batch_size=500,
    )


def _write_whole(job: UploadJob) -> None:
    """An atomic job that checked clean: written in one transaction, as a request would. Its
    counts are the write's (a row may have changed since the check)."""
    report = UPSERTS[job.kind](user=job.user, atomic=True).run(_rows(job))
    with transaction.atomic():
        UploadRowError.objects.filter(job=job).delete()
        job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
        job.error_count, job.changes, job.applied = (
            len(report.errors),
            report.changes,
            report.applied,
        )
        job.heartbeat_at = timezone.now()
        job.save()
        _errors_add(job, report)


def upload_job_fail(job: UploadJob, reason: str) -> UploadJob:
    job.status, job.failure, job.finished_at = Status.FAILED, reason[:2000], timezone.now()
    job.save(update_fields=["status", "failure", "finished_at"])
    logger.warning("Upload job %s failed: %s", job.pk, reason)
    return job


def upload_job_continue(*, job_id: int) -> None:
    """After a soft time limit: the chunks done are stored, so queue the job again to go on
    (not counted as an attempt: it made progress)."""
    UploadJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.QUEUED, attempts=0, heartbeat_at=timezone.now()
    )


def upload_jobs_stalled() -> list[int]:
    """Jobs to queue again: queued ones whose task never came (the broker was down), and
    running ones whose worker was lost. A job lost MAX_ATTEMPTS times is failed instead: the
    file is likely what kills the worker. Each job found is stamped, so it is queued again at
    most once per period."""
    before, now = lost_before(), timezone.now()
    stalled = UploadJob.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], heartbeat_at__lt=before
    )
    for job in stalled.filter(attempts__gte=MAX_ATTEMPTS).defer("data"):
        upload_job_fail(
            job,
            f"Its worker stopped {job.attempts} times before the end (killed, out of memory or "
            f"out of time); {job.rows_done} of {job.rows_total} rows were done and are kept.",
        )
    ids = list(stalled.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    UploadJob.objects.filter(pk__in=ids).update(status=Status.QUEUED, heartbeat_at=now)
    return ids


def upload_jobs_prune(*, days: int | None = None) -> int:
    """Delete the jobs past the retention (UPLOAD_JOB_RETENTION_DAYS) with their row errors;
    returns how many jobs. Their entries in the export and upload log stay."""
    days = settings.UPLOAD_JOB_RETENTION_DAYS if days is None else days
    # Only the keys are read to collect the rows: a job holds its whole file.
    _, deleted = UploadJob.objects.expired(days).only("pk").delete()
    return deleted.get(UploadJob._meta.label, 0)
