"""What extraction finds in a statement besides mentions: the commitments it records, and the
people and organisations it names that the tracker does not know yet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from partners.models import Contact, Country, Firm

from .sensitivity import SensitivityQuerySet


class FindingQuerySet(SensitivityQuerySet):
    """A finding quotes its statement: restricted with it."""

    sensitivity_paths = ("statement__sensitivity",)


class Commitment(models.Model):
    """A sentence of a statement in which its parties take something on ("agreed to", "pledged
    to"). Kept per statement whether or not a suggestion follows; the opportunities app
    proposes follow-ups from them."""

    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="commitments"
    )
    phrase = models.CharField(max_length=60, help_text="The words that make it a commitment")
    sentence = models.TextField()
    start = models.PositiveIntegerField(help_text="Where the sentence starts in the text")
    end = models.PositiveIntegerField()
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO codes of the parties the sentence ties it to"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "start"]
        verbose_name = "commitment in a statement"
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "start"], name="statement_commitment_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return self.sentence if len(self.sentence) <= 80 else self.sentence[:79] + "…"


class NameCandidate(models.Model):
    """A person or organisation a statement names that is not in the gazetteer, for staff to
    accept (as a Contact or Firm, or as another name of a known one) or dismiss."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="name_candidates"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    title = models.CharField(
        max_length=100, blank=True, help_text="Honorific or office before a person's name"
    )
    sentence = models.TextField(help_text="The sentence that names it")
    start = models.PositiveIntegerField()
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Guessed from the sentence; correct it before accepting if need be",
    )
    similar_firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similar_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "start"]
        indexes = [models.Index(fields=["status", "statement"], name="namecandidate_status_idx")]
        constraints = [
            models.UniqueConstraint(
                "statement",
                "kind",
                Lower("name"),
                name="namecandidate_unique_per_statement",
                violation_error_message="This statement already has this name candidate.",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(firm__isnull=False) | Q(contact__isnull=False),
                name="namecandidate_accepted_has_record",
                violation_error_message="An accepted name becomes a firm or a contact.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}".strip()

    @property
    def similar(self) -> Firm | Contact | None:
        return self.similar_firm or self.similar_contact
