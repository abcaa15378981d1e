"""The merge log: who merged which record into which, when, and all that an undo needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class MergeLog(models.Model):
    """One merge of a `loser` into a `survivor` of the same model (a firm, a contact, an
    opportunity: named by its label, so any app may log here). `record` holds the loser as it
    was, the survivor's fields before, and every link that moved, so `merge_undo` can put it
    all back."""

    model = models.CharField(max_length=100, help_text="App label and model, e.g. partners.firm")
    survivor_id = models.PositiveBigIntegerField()
    loser_id = models.PositiveBigIntegerField()
    survivor_label = models.CharField(max_length=250)
    loser_label = models.CharField(max_length=250)
    fields_taken = models.JSONField(
        default=list, blank=True, help_text="Fields whose value came from the loser"
    )
    links_moved = models.PositiveIntegerField(default=0)
    record = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["model", "-merged_at"], name="mergelog_model_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor_id=models.F("loser_id")),
                name="mergelog_two_records",
                violation_error_message="A record cannot be merged into itself.",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(undone_at__gte=models.F("merged_at")),
                name="mergelog_undone_after_merge",
                violation_error_message="A merge is undone after it was made.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loser_label} → {self.survivor_label}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
