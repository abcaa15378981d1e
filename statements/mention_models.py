"""Mentions: each span of a statement's text (or title) that names a country, firm, contact,
investment area, policy phrase or place, with the one entity it names."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from partners.models import Contact, Country, Firm, InvestmentArea

from .sensitivity import SensitivityQuerySet

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

    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="mentions"
    )
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
