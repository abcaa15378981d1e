from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import Country, Firm, InvestmentArea, PolicyOpening, TimeStamped
from statements.models import Statement
from statements.sensitivity import RESTRICTED_PERMISSION, SensitivityQuerySet, sensitivity_field

from .follow_ups import FollowUp, FollowUpQuerySet, Note, NoteQuerySet
from .money.models import CURRENCY_CODES, ExchangeRate
from .reminders.models import (
    CalendarFeed,
    DigestLog,
    Watch,
    WatchMatch,
    WebhookDelivery,
    WebhookEndpoint,
)
from .sheets.models import UploadJob, UploadRowError
from .suggestions.models import CommitmentCandidate
from .tallies.models import (
    AreaTally,
    ClosedTally,
    CountryAreaTally,
    CountryTally,
    PairTally,
    StageTally,
)
from .visibility import SEE_ALL_PERMISSION, TeamScopedQuerySet, visible_team_ids
from .worklists import OpportunityWorkMixin


class Team(TimeStamped):
    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpportunityQuerySet(OpportunityWorkMixin, TeamScopedQuerySet):
    sensitivity_paths = ("sensitivity",)

    def open(self) -> OpportunityQuerySet:
        return self.exclude(stage__in=Opportunity.CLOSED_STAGES)

    def between(self, first: Country, second: Country) -> OpportunityQuerySet:
        """Opportunities between two countries. An opportunity lists its partner countries
        only (never the home country, which is party to all of them), so a pair with the home
        country is every opportunity with the other; any other pair needs both listed."""
        qs = self
        for country in (first, second):
            if country.code != settings.TRACKER_HOME_COUNTRY:
                qs = qs.filter(countries=country)
        return qs


class Opportunity(TimeStamped):
    class Stage(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        QUALIFYING = "qualifying", "Qualifying"
        ENGAGED = "engaged", "Engaged"
        PROPOSAL = "proposal", "Proposal"
        AGREEMENT = "agreement", "Agreement"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        ON_HOLD = "on_hold", "On hold"

    CLOSED_STAGES = (Stage.WON, Stage.LOST)

    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="opportunities")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="opportunities", verbose_name="partner countries"
    )
    firms = models.ManyToManyField(Firm, blank=True, related_name="opportunities")
    areas = models.ManyToManyField(
        InvestmentArea, blank=True, related_name="opportunities", verbose_name="investment areas"
    )
    policy_openings = models.ManyToManyField(
        PolicyOpening, blank=True, related_name="opportunities"
    )
    statements = models.ManyToManyField(
        Statement, blank=True, related_name="opportunities", verbose_name="source statements"
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        max_length=3, choices=[(code, code) for code in CURRENCY_CODES], default="USD"
    )
    probability = models.PositiveSmallIntegerField(default=10, help_text="Per cent, 0 to 100")
    expected_close = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True, help_text="Required when won or lost")
    closed_at = models.DateTimeField(null=True, blank=True)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="Key used by spreadsheets and other systems"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    sensitivity = sensitivity_field()
    history = HistoricalRecords(m2m_fields=[countries, firms, areas, policy_openings])

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "opportunities"
        permissions = [
            ("view_all_teams", "Can see and edit every team's opportunities"),
            ("assign_opportunity", "Can assign opportunities to owners"),
        ]
        indexes = [
            models.Index(fields=["stage", "id"], name="opportunity_stage_idx"),
            models.Index(fields=["owner", "stage"], name="opportunity_owner_idx"),
            models.Index(fields=["team", "stage"], name="opportunity_team_idx"),
            models.Index(fields=["expected_close"], name="opportunity_close_idx"),
            models.Index(fields=["updated_at", "id"], name="opportunity_updated_idx"),
            # The partnership page's newest opportunities, read a page at a time.
            models.Index(fields=["created_at", "id"], name="opportunity_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100),
                name="opportunity_probability_0_100",
                violation_error_message="Probability is a percentage between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="opportunity_value_not_negative",
                violation_error_message="Value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=CURRENCY_CODES),
                name="opportunity_currency_iso4217",
                violation_error_message="Currency must be an ISO 4217 code such as USD or INR.",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["won", "lost"]) | ~Q(close_reason=""),
                name="opportunity_closed_has_reason",
                violation_error_message="A won or lost opportunity needs a reason.",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="opportunity_external_id_unique",
                violation_error_message="Another opportunity already has this external id.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage in self.CLOSED_STAGES

    def clean(self) -> None:
        if self.stage in self.CLOSED_STAGES and not self.close_reason.strip():
            raise ValidationError(
                {"close_reason": "Say why the opportunity was won or lost."}, code="reason"
            )


class SuggestionQuerySet(SensitivityQuerySet):
    # A suggestion tells its statement's title, and the title of the opportunity it matches.
    sensitivity_paths = ("statement__sensitivity", "opportunity__sensitivity")

    def visible_to(self, user) -> SuggestionQuerySet:
        """An unmatched suggestion is everyone's to triage; one matched to an opportunity is
        seen only by those who may see that opportunity (the admin and the API alike); one
        from a restricted statement only by those cleared for it."""
        visible = Opportunity.objects.visible_to(user)
        return self.readable_by(user).filter(
            Q(opportunity__isnull=True) | Q(opportunity__in=visible)
        )


class Suggestion(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="suggestions")
    key = models.CharField(
        max_length=100, help_text="Partner pairing it was proposed for, e.g. IN-JP"
    )
    title = models.CharField(max_length=250)
    summary = models.TextField(blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="suggestions")
    firms = models.ManyToManyField(Firm, blank=True, related_name="suggestions")
    areas = models.ManyToManyField(InvestmentArea, blank=True, related_name="suggestions")
    policy_openings = models.ManyToManyField(PolicyOpening, blank=True, related_name="suggestions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="The opportunity it matches or became",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="suggestion_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "key"], name="suggestion_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title


__all__ = [
    "CURRENCY_CODES",
    "RESTRICTED_PERMISSION",
    "SEE_ALL_PERMISSION",
    "AreaTally",
    "CalendarFeed",
    "ClosedTally",
    "CommitmentCandidate",
    "CountryAreaTally",
    "CountryTally",
    "DigestLog",
    "ExchangeRate",
    "FollowUp",
    "FollowUpQuerySet",
    "Note",
    "NoteQuerySet",
    "Opportunity",
    "PairTally",
    "StageTally",
    "Suggestion",
    "Team",
    "TeamScopedQuerySet",
    "UploadJob",
    "UploadRowError",
    "Watch",
    "WatchMatch",
    "WebhookDelivery",
    "WebhookEndpoint",
    "visible_team_ids",
]
