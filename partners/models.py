from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .base_models import TimeStamped, WithCountryManager
from .merge_log import MergeLog  # noqa: F401  a model of this app, kept in its own module
from .policy_models import PolicyOpening


def translated_names_check(value: object) -> None:
    """{"ja": ["日本", ...], ...}: a two- or three-letter language code to a list of names."""
    if not isinstance(value, dict) or not all(
        isinstance(code, str)
        and 2 <= len(code) <= 3
        and code.isalpha()
        and code.islower()
        and isinstance(names, list)
        and all(isinstance(name, str) for name in names)
        for code, names in value.items()
    ):
        raise ValidationError(
            'Give names by language code, e.g. {"ja": ["日本"], "fr": ["Japon", "japonais"]}.',
            code="translated_names",
        )


class Country(TimeStamped):
    code = models.CharField("ISO 3166 code", max_length=2, unique=True)
    alpha_3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    name = models.CharField(max_length=100, unique=True)
    official_name = models.CharField(max_length=200, blank=True)
    demonyms = models.JSONField(default=list, blank=True, help_text="e.g. Japanese")
    aliases = models.JSONField(default=list, blank=True, help_text="Other names: UK, Britain")
    translated_names = models.JSONField(
        default=dict,
        blank=True,
        validators=[translated_names_check],
        help_text='Names and demonyms in other languages, by ISO 639-1 code: {"ja": ["日本"], '
        '"fr": ["Japon", "japonais"]}. Names in Latin letters count only in statements '
        "detected to be in that language.",
    )
    # What load_reference last wrote to aliases, demonyms and translated names: a reload adds
    # only terms new to the reference data, so a term staff removed stays removed.
    reference_terms = models.JSONField(default=list, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["reference_terms"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_two_upper_letters",
                violation_error_message="The ISO 3166 code is two upper-case letters, e.g. JP.",
            ),
        ]
        # Labels read by id from the index alone (see Firm).
        indexes = [models.Index(fields=["id", "code", "name"], name="country_label_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def match_terms(self) -> list[str]:
        return [self.name, self.official_name, *self.aliases, *self.demonyms]


class InvestmentArea(TimeStamped):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    keywords = models.JSONField(
        default=list,
        blank=True,
        help_text="Phrases that mark this area in a statement. A single common word "
        "(training, exports) counts only in a sentence about defence.",
    )
    reference_terms = models.JSONField(default=list, blank=True, editable=False)  # see Country
    history = HistoricalRecords(excluded_fields=["reference_terms"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Firm(TimeStamped):
    class Kind(models.TextChoices):
        PRIVATE = "private", "Private"
        STATE_OWNED = "state_owned", "State-owned"
        START_UP = "start_up", "Start-up"
        RESEARCH = "research", "Research body"
        GOVERNMENT = "government", "Government body"

    name = models.CharField(max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="firms")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRIVATE)
    aliases = models.JSONField(default=list, blank=True, help_text="e.g. HAL, MHI")
    areas = models.ManyToManyField(InvestmentArea, blank=True, related_name="firms")
    website = models.URLField(blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords(m2m_fields=[areas])

    objects = WithCountryManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="firm_name_unique_per_country",
                violation_error_message="A firm with this name already exists in this country.",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="firm_external_id_unique",
                violation_error_message="Another firm already has this external id.",
            ),
        ]
        indexes = [
            # A firm's label ("Name (JP)") read by id from the index alone: listing 100
            # opportunities looks up each one's firms (and countries) this way, where
            # PostgreSQL would otherwise scan or hash the whole table for every row. The label's
            # columns are key columns, not INCLUDE ones, so every database builds the same index
            # (SQLite has no covering indexes and warned about them on every command).
            models.Index(fields=["id", "name", "country"], name="firm_label_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class Contact(TimeStamped):
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Foreign Secretary")
    firm = models.ForeignKey(
        Firm, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    aliases = models.JSONField(default=list, blank=True, help_text="e.g. PM Modi")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country"], name="contact_country_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(firm__isnull=False) | Q(country__isnull=False),
                name="contact_has_firm_or_country",
                violation_error_message="A contact belongs to a firm or a country.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}" if self.role else self.name


class Term(TimeStamped):
    """A phrase extraction looks for that names no entity: policy and commitment wording, places
    that are not countries, and the words that make a sentence about defence. Data, not code, so
    a desk can teach the system a phrase; a term is switched off rather than deleted, so that
    load_reference does not bring it back."""

    class Kind(models.TextChoices):
        POLICY = "policy", "Policy phrase"
        COMMITMENT = "commitment", "Commitment phrase"
        PLACE = "place", "Place that is not a country"
        CONTEXT = "context", "Defence context word"
        OFF_TOPIC = "off_topic", "Off-topic word (a commitment about it is dropped)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    phrase = models.CharField(
        max_length=200,
        help_text="Matched in any case, hyphen, space or none alike; short all-caps words "
        "(FDI) only in capitals.",
    )
    opening_kind = models.CharField(
        max_length=20,
        choices=PolicyOpening.Kind.choices,
        blank=True,
        help_text="Policy phrases: the opening it points to; blank for one worth a mention "
        "that opens nothing by itself (Make in India).",
    )
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=250, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                "kind",
                name="term_phrase_unique_per_kind",
                violation_error_message="This phrase is already a term of that kind.",
            ),
            models.CheckConstraint(
                condition=Q(kind="policy") | Q(opening_kind=""),
                name="term_opening_kind_only_for_policy",
                violation_error_message="Only a policy phrase points to an opening kind.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.phrase}"
