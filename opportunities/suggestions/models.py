"""The commitment candidates of a statement: sentences proposed as follow-ups.

`opportunities.models` imports this model, so Django registers it with the app; it names the
pipeline's models by string, so this module never imports that one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from statements.models import Statement


class CommitmentCandidate(models.Model):
    """A sentence of a statement that commits someone to act, proposed as a follow-up."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="commitment_candidates"
    )
    suggestion = models.ForeignKey(
        "opportunities.Suggestion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitment_candidates",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitment_candidates",
    )
    phrase = models.CharField(max_length=60, help_text="The words that make it a commitment")
    sentence = models.TextField()
    start = models.PositiveIntegerField(help_text="Where the sentence starts in the statement")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    follow_up = models.OneToOneField(
        "opportunities.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement_id", "start"]
        verbose_name = "commitment"
        indexes = [models.Index(fields=["status", "statement"], name="commitment_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "start"], name="commitment_unique_start"),
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False) | Q(opportunity__isnull=False),
                name="commitment_has_target",
                violation_error_message="A commitment belongs to a suggestion or an opportunity.",
            ),
        ]

    def __str__(self) -> str:
        return self.sentence if len(self.sentence) <= 80 else self.sentence[:79] + "…"
