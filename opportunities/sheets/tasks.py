"""Celery jobs of the bulk uploads: thin wrappers that take ids and call `jobs.py`."""

from __future__ import annotations

import logging

from billiard.exceptions import SoftTimeLimitExceeded
from celery import shared_task

from lib.tasks import enqueue_after_commit, enqueue_each_after_commit

from . import jobs
from .models import UploadJob

logger = logging.getLogger(__name__)


@shared_task(name="opportunities.tasks.run_upload_job", bind=True, acks_late=True)
def run_upload_job(self, job_id: int) -> dict:
    try:
        job = jobs.upload_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        job = UploadJob.objects.defer("data").get(pk=job_id)
        if job.atomic and job.rows_done == job.rows_total:
            # The one-transaction write of an atomic job ran out of time: another attempt
            # would too.
            jobs.upload_job_fail(
                job,
                "Too large to write in one transaction within the task time limit; "
                "upload it without atomic (good rows are written, bad ones reported).",
            )
            return {"job": job_id, "status": UploadJob.Status.FAILED}
        jobs.upload_job_continue(job_id=job_id)
        enqueue_after_commit(run_upload_job, job_id)
        return {"job": job_id, "status": "continued", "rows_done": job.rows_done}
    except Exception as error:
        # A bug, or a database gone for good: say so on the job rather than leave it running.
        logger.exception("Upload job %s raised", job_id)
        job = UploadJob.objects.defer("data").filter(pk=job_id).first()
        if job is not None:
            reason = f"Internal error ({type(error).__name__}); see the worker log."
            jobs.upload_job_fail(job, reason)
        raise
    if job is None:
        return {"job": job_id, "status": "skipped (finished, or running elsewhere)"}
    return {"job": job_id, "status": job.status, "rows_done": job.rows_done}


@shared_task(name="opportunities.tasks.requeue_stalled_upload_jobs", acks_late=True)
def requeue_stalled_upload_jobs() -> dict:
    """Beat runs this every 5 minutes: jobs whose task never came or whose worker was lost."""
    ids = jobs.upload_jobs_stalled()
    enqueue_each_after_commit(run_upload_job, ([job_id] for job_id in ids))
    return {"requeued": ids}


@shared_task(name="opportunities.tasks.prune_upload_jobs", acks_late=True)
def prune_upload_jobs() -> int:
    # Beat runs this nightly; idempotent: a second run deletes nothing more.
    return jobs.upload_jobs_prune()
