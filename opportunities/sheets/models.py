"""A large bulk upload, run as a Celery job: the file, its progress, its counts and row errors.

`opportunities.models` imports these models, so Django registers them with the app; they name
the pipeline's models by string, so this module never imports that one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..visibility import TeamScopedQuerySet


class UploadJobQuerySet(TeamScopedQuerySet):
    def visible_to(self, user) -> UploadJobQuerySet:
        """The uploader's own jobs, and those of the teams `user` sees (the team is the
        uploader's when they belong to one)."""
        if not user.is_active:
            return self.none()
        return super().visible_to(user) | self.filter(user=user)

    def expired(self, days: int) -> UploadJobQuerySet:
        """Jobs finished more than `days` ago, and any never finished but created that long
        ago: the stalled-job sweep fails a lost job within minutes, so such a job is dead."""
        before = timezone.now() - datetime.timedelta(days=days)
        return self.filter(
            Q(finished_at__lt=before) | Q(finished_at__isnull=True, created_at__lt=before)
        )


class UploadJob(models.Model):
    class Kind(models.TextChoices):
        OPPORTUNITIES = "opportunities", "Opportunities"
        FOLLOW_UPS = "follow_ups", "Follow-ups"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField("list", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "opportunities.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upload_jobs",
        help_text="The uploader's team, when they belong to exactly one",
    )
    name = models.CharField("file", max_length=255)
    # Kept in the row, not on a disk: the worker that runs the job may be on another host.
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(default=0, help_text="Bytes uploaded")
    dry_run = models.BooleanField(default=False)
    atomic = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    applied = models.BooleanField(default=False)
    changes = models.JSONField(default=list, blank=True, help_text="The first 1000 changes")
    failure = models.TextField(blank=True, help_text="Why the job failed, when it did")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last progress written: a stale one means a lost worker"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = UploadJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "upload job"
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_done__lte=F("rows_total")),
                name="uploadjob_rows_done_within_total",
                violation_error_message="More rows done than the file holds.",
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="uploadjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} upload {self.pk} ({self.name})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else None
        return self.rows_done * 100 // self.rows_total


class UploadRowError(models.Model):
    """One bad row of a job's file, with its field errors (as the synchronous answer lists)."""

    job = models.ForeignKey(UploadJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(help_text="Line in the file (the header is row 1)")
    external_id = models.CharField(max_length=255, blank=True)
    errors = models.JSONField()

    class Meta:
        ordering = ["job", "row", "pk"]
        indexes = [models.Index(fields=["job", "row"], name="uploadrowerror_job_idx")]

    def __str__(self) -> str:
        return f"row {self.row}"
