"""Work lists computed in the database: next follow-up, last activity, stale work, overdue.

Mixed into the opportunity and follow-up QuerySets (models.py) so the admin, the digest job
and the API all ask the same questions the same way.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lib.compiled import CompiledSubquery


def stale_days(opportunity_model: type[models.Model]) -> dict[str, int]:
    """Days of silence after which an open opportunity in each stage counts as stale (the
    model is passed in: models.py imports this module)."""
    default = settings.REMINDERS_STALE_DAYS_DEFAULT
    configured = settings.REMINDERS_STALE_DAYS
    return {
        stage: int(configured.get(stage, default))
        for stage in opportunity_model.Stage.values
        if stage not in opportunity_model.CLOSED_STAGES
    }


def _open_follow_ups_of(opportunity_model: type[models.Model]) -> models.QuerySet:
    FollowUp = opportunity_model._meta.get_field("follow_ups").related_model
    return FollowUp.objects.filter(opportunity=OuterRef("pk"), status=FollowUp.Status.OPEN)


@cache
def _soonest_open_follow_up(opportunity_model: type[models.Model]) -> CompiledSubquery:
    """Built and compiled once: every list of opportunities carries it."""
    soonest = _open_follow_ups_of(opportunity_model).order_by("due_date").values("due_date")
    return CompiledSubquery(soonest[:1])


class OpportunityWorkMixin:
    """For OpportunityQuerySet; `self.model` is Opportunity."""

    def _open_follow_ups(self):
        return _open_follow_ups_of(self.model)

    def with_next_follow_up(self):
        """Annotate `next_follow_up`: the due date of the soonest open follow-up, or None."""
        return self.annotate(next_follow_up=_soonest_open_follow_up(self.model))

    def next_follow_up_before(self, day: datetime.date):
        """Opportunities whose soonest open follow-up is due before `day`."""
        return self.filter(Exists(self._open_follow_ups().filter(due_date__lt=day)))

    def next_follow_up_after(self, day: datetime.date):
        """Opportunities whose soonest open follow-up is due after `day` (none due on or before)."""
        follow_ups = self._open_follow_ups()
        return self.filter(Exists(follow_ups.filter(due_date__gt=day))).exclude(
            Exists(follow_ups.filter(due_date__lte=day))
        )

    def without_follow_up(self):
        """Opportunities with no open follow-up at all."""
        return self.exclude(Exists(self._open_follow_ups()))

    def overdue(self, today: datetime.date | None = None):
        """Opportunities with at least one open follow-up past its due date."""
        return self.next_follow_up_before(today or timezone.localdate())

    def owned_by(self, user):
        return self.filter(owner=user)

    def with_last_activity(self):
        """Annotate `last_activity`: the latest stage change, note or follow-up change."""
        Note = self.model._meta.get_field("notes").related_model
        FollowUp = self.model._meta.get_field("follow_ups").related_model
        latest_note = (
            Note.objects.filter(opportunity=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        latest_follow_up = (
            FollowUp.objects.filter(opportunity=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        # Coalesce first: SQLite's MAX() and PostgreSQL's GREATEST() disagree about NULLs.
        return self.annotate(
            last_activity=Greatest(
                "stage_changed_at",
                Coalesce(Subquery(latest_note), "stage_changed_at"),
                Coalesce(Subquery(latest_follow_up), "stage_changed_at"),
            )
        )

    def _stale_cutoff(self, now: datetime.datetime | None):
        now = now or timezone.now()
        return Case(
            *(
                When(stage=stage, then=Value(now - datetime.timedelta(days=days)))
                for stage, days in stale_days(self.model).items()
            ),
            default=None,
            output_field=DateTimeField(),
        )

    def with_stale(self, now: datetime.datetime | None = None):
        """Annotate `last_activity` and `is_stale` (closed opportunities are never stale)."""
        return self.with_last_activity().annotate(
            is_stale=Case(
                When(Q(last_activity__lt=self._stale_cutoff(now)), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def stale(self, now: datetime.datetime | None = None):
        """Open opportunities with no activity for longer than their stage allows."""
        return (
            self.open()
            .with_last_activity()
            .alias(stale_cutoff=self._stale_cutoff(now))
            .filter(last_activity__lt=F("stale_cutoff"))
        )

    def fresh(self, now: datetime.datetime | None = None):
        """The complement of stale() among all opportunities (closed ones included)."""
        return self.exclude(pk__in=self.model.objects.stale(now).values("pk"))


class FollowUpWorkMixin:
    """For FollowUpQuerySet; `self.model` is FollowUp."""

    def for_owner(self, user):
        """`user`'s open follow-ups, soonest first."""
        return self.filter(owner=user, status=self.model.Status.OPEN).order_by("due_date", "pk")

    def due_between(self, first: datetime.date, last: datetime.date):
        """Open follow-ups due from `first` to `last`, both included."""
        return self.filter(status=self.model.Status.OPEN, due_date__range=(first, last))
