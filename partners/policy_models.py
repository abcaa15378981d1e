"""Policy openings: what a country did to open its defence market (FDI caps, procurement reform,
export easing...), each a step of its country's policy of its kind, changing the step before."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .base_models import TimeStamped, WithCountryManager


class PolicyOpening(TimeStamped):
    class Kind(models.TextChoices):
        FDI = "fdi", "FDI liberalisation"
        PROCUREMENT = "procurement", "Procurement reform"
        EXPORT = "export", "Export control easing"
        OFFSETS = "offsets", "Offsets"
        INCENTIVE = "incentive", "Incentive or subsidy"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate (from a statement)"
        ANNOUNCED = "announced", "Announced"
        IN_FORCE = "in_force", "In force"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Route(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic route"
        GOVERNMENT = "government", "Government route"
        APPROVAL = "approval", "Approval route"

    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="policy_openings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FDI)
    title = models.CharField(max_length=250)
    instrument = models.CharField(
        max_length=250, blank=True, help_text="Press Note, notification, act or rule"
    )
    effective_date = models.DateField(null=True, blank=True)
    cap = models.CharField(max_length=120, blank=True, help_text="e.g. 74% automatic route")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    # Each opening is one step of its country's policy of its kind: what it set (cap, route,
    # status), when, and the step it changed. The country page reads the chain back from the
    # newest step (partners/policy_steps.py).
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    announced_on = models.DateField(null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_steps",
        verbose_name="step before",
        help_text="The earlier opening of this country and kind that this one changes",
    )
    areas = models.ManyToManyField(
        "partners.InvestmentArea", blank=True, related_name="policy_openings"
    )
    summary = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[areas])

    objects = WithCountryManager()

    class Meta:
        ordering = ["country__name", "title"]
        indexes = [
            models.Index(fields=["country", "status"], name="policy_country_status_idx"),
            models.Index(fields=["previous"], name="policy_previous_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(previous=models.F("id")),
                name="policy_previous_not_itself",
                violation_error_message="A step cannot follow itself.",
            ),
            models.UniqueConstraint(
                Lower("title"),
                "country",
                name="policy_title_unique_per_country",
                violation_error_message="This country already has a policy opening of that title.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.code}: {self.title}"

    @property
    def dated(self):
        """When the step happened: in force from, else announced on (None: undated)."""
        return self.effective_date or self.announced_on

    def clean(self) -> None:
        super().clean()
        previous = self.previous
        if previous is None:
            return
        if self.pk and previous.pk == self.pk:
            raise ValidationError({"previous": "A step cannot follow itself."})
        if (previous.country_id, previous.kind) != (self.country_id, self.kind):
            raise ValidationError(
                {"previous": "The step before is an opening of the same country and kind."}
            )
        step, seen = previous, {self.pk}
        while step is not None:  # a chain, never a loop
            if step.pk in seen:
                raise ValidationError({"previous": "That step already follows this one."})
            seen.add(step.pk)
            step = step.previous
