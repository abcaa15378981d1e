from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib.capped import CappedCountQuerySet
from lib.http import url_normalised
from partners.base_models import TimeStamped
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening

# Models kept in modules of their own (findings, imports, mentions, stories) refer to
# Statement by name, so importing them here at the top is not a cycle.
from .finding_models import Commitment, NameCandidate
from .folders import FolderRefused, folder_resolve
from .import_models import ImportRun, RawItem
from .mention_models import Mention
from .search import statements_search
from .sensitivity import SensitivityQuerySet, sensitivity_field
from .story_models import StatementBand, Story

__all__ = [
    "Commitment",
    "ImportRun",
    "Mention",
    "NameCandidate",
    "RawItem",
    "Source",
    "Statement",
    "StatementBand",
    "Story",
]


DUPLICATE_URL = "A source with this URL already exists"


class Source(TimeStamped):
    class Kind(models.TextChoices):
        FEED = "feed", "RSS/Atom feed"
        PAGE = "page", "Single HTML page"
        INDEX = "index", "HTML index page (links followed)"
        FOLDER = "folder", "Folder of .txt/.html/.pdf files"
        MANUAL = "manual", "Pasted or uploaded in the admin"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=1000, blank=True)
    # The URL in one spelling per resource (lib.http.url_normalised): the same feed entered
    # twice, "HTTPS://Example.org:443/feed/" and "https://example.org/feed", is refused.
    url_normalised = models.CharField(max_length=1000, blank=True, editable=False)
    path = models.CharField(max_length=500, blank=True, help_text="Folder, for folder sources")
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
        help_text="Whose government publishes it, where known",
    )
    is_active = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(default=360)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    max_items = models.PositiveIntegerField(
        default=50, help_text="Links followed from an index page, entries taken from a feed"
    )
    history = HistoricalRecords(excluded_fields=["etag", "last_modified", "last_run_at"])

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "next_run_at"], name="source_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["folder", "manual"]) | ~Q(url=""),
                name="source_fetchable_has_url",
                violation_error_message="Feed, page and index sources need a URL.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="folder") | ~Q(path=""),
                name="source_folder_has_path",
                violation_error_message="Folder sources need a path.",
            ),
            models.UniqueConstraint(
                fields=["url_normalised"],
                condition=~Q(url_normalised=""),
                name="source_url_unique",
                violation_error_message=DUPLICATE_URL,
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if normal := url_normalised(self.url) if self.url else "":
            twin = Source.objects.filter(url_normalised=normal).exclude(pk=self.pk)
            if (name := twin.values_list("name", flat=True).first()) is not None:
                raise ValidationError({"url": f"{DUPLICATE_URL} ({name})."})
        if self.kind == self.Kind.FOLDER and self.path:
            try:
                folder_resolve(self.path)
            except FolderRefused as error:
                raise ValidationError({"path": str(error)}) from error

    def save(self, *args, **kwargs) -> None:
        # A derived column, not a rule: kept in step with the URL on every save, whoever saves
        # (admin, API, a command, a factory), so the unique constraint always sees it.
        self.url_normalised = url_normalised(self.url) if self.url else ""
        if (fields := kwargs.get("update_fields")) is not None and "url" in fields:
            kwargs["update_fields"] = {*fields, "url_normalised"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class StatementQuerySet(CappedCountQuerySet, SensitivityQuerySet):
    def leads(self) -> StatementQuerySet:
        """One statement per story: statements alone and the leads of stories, copies left out.
        What extraction, suggestions and the overview's counts read."""
        return self.filter(is_copy=False)

    def search(self, query: str) -> StatementQuerySet:
        """Statements whose title, speaker or text hold the words of `query`, best first (see
        statements/search.py); every path that searches statements calls this."""
        return statements_search(self, query)

    def between_parties(self, first: Country, second: Country) -> StatementQuerySet:
        """Statements in which both countries act, each as a party mention or as the publisher
        (the rule of statements/parties.py): a statement that names one only as a place or a
        topic is not between them."""

        def acts(country: Country) -> Q:
            named = Mention.objects.parties().filter(country=country).values("statement_id")
            return Q(pk__in=named) | Q(source__country=country)

        return self.filter(acts(first)).filter(acts(second))

    def visible_to(self, user) -> StatementQuerySet:
        """Statements are everyone's to read, but a restricted one only the cleared's."""
        return self.readable_by(user)


class Statement(TimeStamped):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements")
    url = models.URLField(max_length=1000, blank=True)
    canonical_url = models.CharField(max_length=1000, blank=True, editable=False)
    title = models.CharField(max_length=500)
    published_on = models.DateField(null=True, blank=True)
    speaker = models.CharField(max_length=300, blank=True)
    text = models.TextField(help_text="Clean plain text")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    fetched_at = models.DateTimeField(null=True, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=8, blank=True, help_text="ISO 639-1 code, detected from the text; blank: unknown"
    )
    pages = models.PositiveIntegerField(null=True, blank=True, help_text="Pages, for a PDF")
    countries = models.ManyToManyField(Country, blank=True, related_name="statements")
    firms = models.ManyToManyField(Firm, blank=True, related_name="statements")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="statements")
    areas = models.ManyToManyField(InvestmentArea, blank=True, related_name="statements")
    policy_openings = models.ManyToManyField(PolicyOpening, blank=True, related_name="statements")
    sensitivity = sensitivity_field()
    story = models.ForeignKey(
        Story,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        editable=False,
        help_text="The story it is a copy of, or leads; none when no other source carries it",
    )
    is_copy = models.BooleanField(
        default=False,
        editable=False,
        help_text="A copy of its story's lead: kept and shown, never extracted on its own",
    )
    minhash = models.BinaryField(
        null=True, editable=False, help_text="MinHash signature of the text (stories.py)"
    )
    # Kept current by a database trigger on PostgreSQL (migration 0010), so every write path,
    # bulk ones included, updates it; unused (always null) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        permissions = [
            # The one clearance for every labelled record (statements, opportunities, notes,
            # follow-ups): see statements.sensitivity.
            ("view_restricted", "Can see records labelled restricted"),
        ]
        indexes = [
            models.Index(fields=["-published_on"], name="statement_published_idx"),
            # PostgreSQL also has statement_newest_idx (published_on DESC NULLS LAST, id DESC:
            # a search's newest matches, migration 0014) and the GIN statement_search_idx, made
            # in SQL as SQLite takes neither.
            models.Index(fields=["source", "-created_at"], name="statement_source_idx"),
            models.Index(fields=["language", "-published_on"], name="statement_language_idx"),
            # The due-sources job looks for unextracted statements every few minutes: only the
            # few not yet extracted are indexed, so the look never scans the whole table.
            # Copies are never extracted, so they are not "waiting" either.
            models.Index(
                fields=["id"],
                condition=Q(extracted_at__isnull=True, is_copy=False),
                name="statement_unextracted_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="statement_canonical_url_unique",
                violation_error_message="A statement from this URL is already stored.",
            ),
            models.CheckConstraint(
                condition=Q(is_copy=False) | Q(story__isnull=False),
                name="statement_copy_has_story",
                violation_error_message="A copy belongs to a story.",
            ),
            models.UniqueConstraint(
                fields=["story"],
                condition=Q(is_copy=False, story__isnull=False),
                name="story_one_lead",
                violation_error_message="A story has one lead; the other statements are copies.",
            ),
        ]

    def __str__(self) -> str:
        return self.title
