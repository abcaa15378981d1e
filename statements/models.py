from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lib.http import url_normalised
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening, TimeStamped

# Commitments and name candidates: what extraction finds beyond mentions. They refer to
# Statement by name, so this import at the top is not a cycle.
from .finding_models import Commitment, NameCandidate
from .folders import FolderRefused, folder_resolve
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


class StatementQuerySet(SensitivityQuerySet):
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


class RawItem(models.Model):
    """Bytes exactly as fetched, kept before any cleaning so statements can be re-parsed."""

    class Status(models.TextChoices):
        STORED = "stored", "Stored, not parsed yet"
        PARSED = "parsed", "Parsed into a new statement"
        DUPLICATE = "duplicate", "Same text as a stored statement"
        FAILED = "failed", "Could not be parsed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="raw_items")
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
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_items"
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

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
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


MENTION_ENTITIES = ("country", "firm", "contact", "area")


def _entity_matches_kind() -> Q:
    """kind "firm": firm set, country, contact and area empty; and so on; "policy" and "place":
    all empty."""
    condition = Q()
    for kind in (*MENTION_ENTITIES, "policy", "place"):
        condition |= Q(
            kind=kind,
            **{f"{entity}__isnull": entity != kind for entity in MENTION_ENTITIES},
        )
    return condition


class MentionQuerySet(SensitivityQuerySet):
    sensitivity_paths = ("statement__sensitivity",)

    def visible_to(self, user) -> MentionQuerySet:
        return self.readable_by(user)

    def parties(self) -> models.QuerySet:
        """Country mentions whose country acts in its statement: the ones suggestions pair."""
        return self.filter(kind=Mention.Kind.COUNTRY, role=Mention.Role.PARTY)


class Mention(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        FIRM = "firm", "Firm"
        CONTACT = "contact", "Contact"
        AREA = "area", "Investment area"
        POLICY = "policy", "Policy phrase"
        PLACE = "place", "Place (not a country)"

    class Role(models.TextChoices):
        """What a country mention says of the country (see docs/extraction.md)."""

        PARTY = "party", "Party (acts in the statement)"
        PLACE = "place", "Place (where something happens)"
        OTHER = "other", "Other (topic, third party, beneficiary)"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="mentions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    term = models.CharField(max_length=200, help_text="The words as they appear")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    snippet = models.TextField(help_text="The sentence around the mention")
    in_title = models.BooleanField(
        default=False, help_text="Found in the title (start and end are then offsets in it)"
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    # Indexed below only where set: each mention names one entity, and a full index per column
    # would also file the three empty ones of every row.
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    firm = models.ForeignKey(Firm, null=True, blank=True, on_delete=models.CASCADE, db_index=False)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    area = models.ForeignKey(
        InvestmentArea, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "start"]
        indexes = [
            models.Index(
                fields=[entity],
                condition=Q(**{f"{entity}__isnull": False}),
                name=f"mention_{entity}_idx",
            )
            for entity in MENTION_ENTITIES
        ]
        # One row per span and entity: a term that names two firms is two mentions. Partial
        # constraints per kind, as a unique constraint over nullable columns never fires.
        constraints = [
            *(
                models.UniqueConstraint(
                    fields=["statement", "in_title", "start", "end", *entity],
                    condition=Q(kind=kind),
                    name=f"mention_unique_{kind}_span",
                    violation_error_message="A mention of this at this span already exists.",
                )
                for kind, entity in (
                    *((entity, [entity]) for entity in MENTION_ENTITIES),
                    ("policy", []),
                    ("place", []),
                )
            ),
            models.CheckConstraint(
                condition=Q(kind="country", role__in=["party", "place", "other"]) | Q(role=""),
                name="mention_role_of_countries",
                violation_error_message="Country mentions, and only they, have a role.",
            ),
            models.CheckConstraint(
                condition=_entity_matches_kind(),
                name="mention_entity_matches_kind",
                violation_error_message=(
                    "A mention names exactly the entity its kind says (none for a policy phrase)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="mention_span",
                violation_error_message="A mention ends after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.term}"

    @property
    def entity(self):
        return self.country or self.firm or self.contact or self.area
