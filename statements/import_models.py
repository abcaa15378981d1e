"""What an import leaves behind: the bytes of each item as fetched (RawItem), kept so statements
can be re-parsed, and one ImportRun per fetch of a source with its counts and errors."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RawItem(models.Model):
    """Bytes exactly as fetched, kept before any cleaning so statements can be re-parsed."""

    class Status(models.TextChoices):
        STORED = "stored", "Stored, not parsed yet"
        PARSED = "parsed", "Parsed into a new statement"
        DUPLICATE = "duplicate", "Same text as a stored statement"
        FAILED = "failed", "Could not be parsed"

    source = models.ForeignKey(
        "statements.Source", on_delete=models.CASCADE, related_name="raw_items"
    )
    run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_items"
    )
    url = models.URLField(max_length=1000, blank=True)
    canonical_url = models.CharField(max_length=1000, blank=True, editable=False)
    name = models.CharField(max_length=300, blank=True, help_text="File name, for files")
    body_hash = models.CharField(max_length=64, editable=False)
    body = models.BinaryField(editable=False)
    headers = models.JSONField(default=dict, blank=True, editable=False)
    hints = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Title and date from the feed entry"
    )
    fetched_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STORED)
    error = models.TextField(blank=True)
    statement = models.ForeignKey(
        "statements.Statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raw_items",
    )

    class Meta:
        ordering = ["-fetched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="rawitem_canonical_url_unique",
                violation_error_message="This URL was already fetched.",
            ),
            models.UniqueConstraint(
                fields=["source", "body_hash"],
                condition=Q(canonical_url=""),
                name="rawitem_body_unique_per_source",
                violation_error_message="These bytes were already stored for this source.",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="rawitem_status_idx")]

    def __str__(self) -> str:
        return self.url or self.name or f"raw item {self.pk}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Succeeded"
        PARTIAL = "partial", "Succeeded with item errors"
        FAILED = "failed", "Failed"
        NOT_MODIFIED = "not_modified", "Nothing new (304)"
        INTERRUPTED = "interrupted", "Interrupted (its worker stopped)"

    source = models.ForeignKey("statements.Source", on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="One entry per failed item")

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        indexes = [models.Index(fields=["source", "-started_at"], name="importrun_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
