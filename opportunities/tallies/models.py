"""The tally tables. `opportunities.models` imports them so Django registers them with the
app; they name the pipeline's models by string, so this module never imports that one.

No row is ever edited in place: `keep.tallies_kept` deletes a team's rows and inserts them
again, grouped from the live tables, so a row is only ever a fresh count."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from statements.sensitivity import Sensitivity

TEAM = "opportunities.Team"


def _team() -> models.ForeignKey:
    return models.ForeignKey(TEAM, on_delete=models.CASCADE, related_name="+")


def _sensitivity() -> models.CharField:
    return models.CharField(max_length=10, choices=Sensitivity.choices)


def _country() -> models.ForeignKey:
    return models.ForeignKey("partners.Country", on_delete=models.CASCADE, related_name="+")


class Tally(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} of team {self.team_id}: {self.n}"  # type: ignore[attr-defined]


class StageTally(Tally):
    """Opportunities and their value per team, stage and currency (the pipeline, the board)."""

    team = _team()
    stage = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=2, null=True)


class CountryTally(Tally):
    """Opportunities per team, partner country and stage."""

    team = _team()
    country = _country()
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()


class AreaTally(Tally):
    """Opportunities per team, investment area and stage."""

    team = _team()
    area = models.ForeignKey("partners.InvestmentArea", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()


class CountryAreaTally(Tally):
    """Opportunities per team that list both a partner country and an area (the matrix)."""

    team = _team()
    country = _country()
    area = models.ForeignKey("partners.InvestmentArea", on_delete=models.CASCADE, related_name="+")
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()


class ClosedTally(Tally):
    """Won and lost opportunities per team and month of closing (local time)."""

    team = _team()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()


class PairTally(Tally):
    """Opportunities between two countries per team, stage, currency and year created: the
    pair is (home country, partner) for each partner, and (partner, partner) with the lower id
    first for each two partners, the pairs `OpportunityQuerySet.between` finds."""

    team = _team()
    first = _country()
    second = _country()
    stage = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=2, null=True)

    class Meta(Tally.Meta):
        indexes = [models.Index(fields=["first", "second"], name="pairtally_pair_idx")]


class FollowUpTally(Tally):
    """Open follow-ups per team, owner and due date (the overview's overdue and due-this-week
    counts); restricted when the follow-up or its opportunity is."""

    team = _team()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField()
    sensitivity = _sensitivity()
    n = models.PositiveIntegerField()


TALLIES = (
    StageTally,
    CountryTally,
    AreaTally,
    CountryAreaTally,
    ClosedTally,
    PairTally,
    FollowUpTally,
)
