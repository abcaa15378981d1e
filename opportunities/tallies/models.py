"""The tally tables. `opportunities.models` imports them so Django registers them with the
app; they name the pipeline's models by string, so this module never imports that one.

A row is written two ways: `keep.tallies_kept` deletes a team's rows and inserts them again,
grouped from the live tables; `adjust.tallies_adjusted` adds one write's change to the rows it
touched. So each table's KEY (the grouped columns) is unique, an upsert's conflict target, and
`n` is never negative: a change that took more than a row held is refused, not stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from statements.sensitivity import Sensitivity

TEAM = "opportunities.Team"


# Each table's grouped columns (see Tally.KEY).
STAGE_KEY = ("team", "stage", "currency", "sensitivity")
COUNTRY_KEY = ("team", "country", "stage", "sensitivity")
AREA_KEY = ("team", "area", "stage", "sensitivity")
COUNTRYAREA_KEY = ("team", "country", "area", "sensitivity")
CLOSED_KEY = ("team", "year", "month", "stage", "sensitivity")
PAIR_KEY = ("team", "first", "second", "stage", "currency", "year", "sensitivity")
FOLLOWUP_KEY = ("team", "owner", "due_date", "sensitivity")


def _team() -> models.ForeignKey:
    return models.ForeignKey(TEAM, on_delete=models.CASCADE, related_name="+")


def _sensitivity() -> models.CharField:
    return models.CharField(max_length=10, choices=Sensitivity.choices)


def _country() -> models.ForeignKey:
    return models.ForeignKey("partners.Country", on_delete=models.CASCADE, related_name="+")


def _value() -> models.DecimalField:
    # The sum of the values, 0 when none has one: a sum that can be NULL could not be adjusted
    # exactly (taking away the one valued opportunity leaves 0, a recount NULL). Readers take
    # a 0 total as no value, as they took NULL.
    return models.DecimalField(max_digits=24, decimal_places=2, default=0)


def key_unique(name: str, key: tuple[str, ...], *, nullable: tuple[str, ...] = ()):
    """One row per key. A nullable key column is compared as COALESCE(column, 0): a plain
    unique constraint takes two NULLs as distinct on both databases (and SQLite has no NULLS
    NOT DISTINCT), so the upsert in `adjust` names the same expressions as its target."""
    if not nullable:
        return models.UniqueConstraint(fields=list(key), name=name)
    parts = [Coalesce(field, Value(0)) if field in nullable else F(field) for field in key]
    return models.UniqueConstraint(*parts, name=name)


class Tally(models.Model):
    KEY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} of team {self.team_id}: {self.n}"  # type: ignore[attr-defined]


class StageTally(Tally):
    """Opportunities and their value per team, stage and currency (the pipeline, the board)."""

    KEY = STAGE_KEY

    team = _team()
    stage = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()
    value = _value()

    class Meta(Tally.Meta):
        constraints = [key_unique("stagetally_key", STAGE_KEY)]


class CountryTally(Tally):
    """Opportunities per team, partner country and stage."""

    KEY = COUNTRY_KEY

    team = _team()
    country = _country()
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()

    class Meta(Tally.Meta):
        constraints = [key_unique("countrytally_key", COUNTRY_KEY)]


class AreaTally(Tally):
    """Opportunities per team, investment area and stage."""

    KEY = AREA_KEY

    team = _team()
    area = models.ForeignKey("partners.InvestmentArea", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()

    class Meta(Tally.Meta):
        constraints = [key_unique("areatally_key", AREA_KEY)]


class CountryAreaTally(Tally):
    """Opportunities per team that list both a partner country and an area (the matrix)."""

    KEY = COUNTRYAREA_KEY

    team = _team()
    country = _country()
    area = models.ForeignKey("partners.InvestmentArea", on_delete=models.CASCADE, related_name="+")
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()

    class Meta(Tally.Meta):
        constraints = [key_unique("countryareatally_key", COUNTRYAREA_KEY)]


class ClosedTally(Tally):
    """Won and lost opportunities per team and month of closing (local time)."""

    KEY = CLOSED_KEY

    team = _team()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()

    class Meta(Tally.Meta):
        constraints = [key_unique("closedtally_key", CLOSED_KEY)]


class PairTally(Tally):
    """Opportunities between two countries per team, stage, currency and year created: the
    pair is (home country, partner) for each partner, and (partner, partner) with the lower id
    first for each two partners, the pairs `OpportunityQuerySet.between` finds."""

    KEY = PAIR_KEY

    team = _team()
    first = _country()
    second = _country()
    stage = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()
    value = _value()

    class Meta(Tally.Meta):
        constraints = [key_unique("pairtally_key", PAIR_KEY)]
        indexes = [models.Index(fields=["first", "second"], name="pairtally_pair_idx")]


class FollowUpTally(Tally):
    """Open follow-ups per team, owner and due date (the overview's overdue and due-this-week
    counts); restricted when the follow-up or its opportunity is."""

    KEY = FOLLOWUP_KEY

    team = _team()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField()
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()

    class Meta(Tally.Meta):
        constraints = [key_unique("followuptally_key", FOLLOWUP_KEY, nullable=("owner",))]


TALLIES = (
    StageTally,
    CountryTally,
    AreaTally,
    CountryAreaTally,
    ClosedTally,
    PairTally,
    FollowUpTally,
)
