"""Upload jobs are deleted UPLOAD_JOB_RETENTION_DAYS after they finished, by a nightly beat
job, with their row errors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from opportunities.models import UploadJob, UploadRowError
from opportunities.sheets.jobs import upload_jobs_prune
from opportunities.sheets.tasks import prune_upload_jobs
from tests.opportunities.sheets.test_jobs import queued_job

pytestmark = pytest.mark.django_db


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def jobs(desk_staff, team):
    """An old finished job with a row error, a young finished one, a running one, and a queued
    one never finished but older than the retention."""
    made = {name: queued_job(desk_staff) for name in ("old", "young", "running", "dead")}
    UploadJob.objects.filter(pk=made["old"].pk).update(
        status=UploadJob.Status.DONE, created_at=days_ago(40), finished_at=days_ago(31)
    )
    UploadRowError.objects.create(job=made["old"], row=2, errors={"title": ["Required."]})
    UploadJob.objects.filter(pk=made["young"].pk).update(
        status=UploadJob.Status.FAILED, created_at=days_ago(40), finished_at=days_ago(29)
    )
    UploadJob.objects.filter(pk=made["running"].pk).update(
        status=UploadJob.Status.RUNNING, started_at=timezone.now()
    )
    UploadJob.objects.filter(pk=made["dead"].pk).update(created_at=days_ago(31))
    return made


@pytest.mark.usefixtures("tasks_in_process")
def test_the_prune_job_deletes_jobs_past_the_retention(jobs, settings) -> None:
    settings.UPLOAD_JOB_RETENTION_DAYS = 30
    assert prune_upload_jobs.delay().get() == 2
    kept = set(UploadJob.objects.values_list("pk", flat=True))
    assert kept == {jobs["young"].pk, jobs["running"].pk}
    assert not UploadRowError.objects.filter(job_id=jobs["old"].pk).exists()
    assert upload_jobs_prune() == 0  # a second run deletes nothing more


def test_the_retention_setting_decides(jobs, settings) -> None:
    settings.UPLOAD_JOB_RETENTION_DAYS = 60
    assert upload_jobs_prune() == 0
    assert upload_jobs_prune(days=1) == 3


def test_a_pruned_job_is_a_404(jobs, desk_api) -> None:
    assert desk_api.get(f"/api/upload-jobs/{jobs['old'].pk}/").status_code == 200
    upload_jobs_prune(days=30)
    assert desk_api.get(f"/api/upload-jobs/{jobs['old'].pk}/").status_code == 404
    assert desk_api.get(f"/api/upload-jobs/{jobs['old'].pk}/result/").status_code == 404


def test_the_prune_reads_no_file_and_costs_fixed_queries(
    jobs, django_assert_max_num_queries
) -> None:
    # The expired keys, their row errors deleted, the jobs deleted: however many jobs.
    with django_assert_max_num_queries(4) as captured:
        assert upload_jobs_prune(days=30) == 2
    assert not any('"data"' in query["sql"] for query in captured.captured_queries)


def test_the_prune_job_is_scheduled_nightly() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="opportunities.tasks.prune_upload_jobs")
    assert task.enabled and task.crontab.hour == "3"
