"""The work on an opportunity: its follow-ups and notes. `opportunities.models` imports them
so Django registers them with the app; they name the opportunity by string, so this module
never imports that one."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import TimeStamped
from statements.sensitivity import sensitivity_field

from .visibility import TeamScopedQuerySet
from .worklists import FollowUpWorkMixin


class FollowUpQuerySet(FollowUpWorkMixin, TeamScopedQuerySet):
    team_path = "opportunity__team"
    # A follow-up of a restricted opportunity would tell its title.
    sensitivity_paths = ("sensitivity", "opportunity__sensitivity")

    def open(self) -> FollowUpQuerySet:
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, today: datetime.date | None = None) -> FollowUpQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class NoteQuerySet(TeamScopedQuerySet):
    team_path = "opportunity__team"
    sensitivity_paths = ("sensitivity", "opportunity__sensitivity")


class FollowUp(TimeStamped):
    class Kind(models.TextChoices):
        CALL = "call", "Call"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        DOCUMENT = "document", "Document or proposal"
        VISIT = "visit", "Visit or event"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = models.CharField(max_length=250)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    due_date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped on every change; calendar SEQUENCE"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every change; the API's ETag"
    )
    sensitivity = sensitivity_field()
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "follow-up"
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="followup_owner_due_idx"),
            models.Index(fields=["status", "due_date"], name="followup_due_idx"),
            models.Index(fields=["opportunity", "-updated_at"], name="followup_opp_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="followup_done_has_completed_at",
                violation_error_message="A done follow-up records when it was completed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_date:%d %b %Y})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    def stamp_completion(self, when: datetime.datetime | None = None) -> None:
        """Keep completed_at in step with the status, whichever form changed it."""
        if self.status != self.Status.DONE:
            self.completed_at = None
        elif self.completed_at is None:
            self.completed_at = when or timezone.now()

    def count_change(self) -> None:
        """Count an edit of a stored follow-up twice over: `sequence` (from 0) so calendar
        clients replace their copy of the event, `version` (from 1, as an opportunity's) so an
        ETag or an exported row read before it is stale. Only with the row locked and both
        counters read from it, or a lost count would let a stale write through."""
        self.sequence += 1
        self.version += 1


class Note(TimeStamped):
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField()
    sensitivity = sensitivity_field()
    history = HistoricalRecords()

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["opportunity", "-created_at"], name="note_opp_idx")]

    def __str__(self) -> str:
        return self.body[:60]
