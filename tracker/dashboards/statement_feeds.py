"""The overview's reads of statements, suggestions and sources: the newest statements, the
open suggestions and each source's health. None of them reads the opportunities."""

from __future__ import annotations

import datetime
from functools import cache

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lib.compiled import CompiledSubquery
from opportunities.models import Suggestion
from statements.models import ImportRun, Mention, Source, Statement

from .filters import Scope

WEEK = datetime.timedelta(days=7)


def _statements_in(scope: Scope) -> QuerySet[Statement]:
    # One per story: an announcement carried by five sources is one statement to read.
    qs = Statement.objects.leads().visible_to(scope.user)
    if scope.since:
        qs = qs.filter(published_on__gte=scope.since)
    if scope.until:
        qs = qs.filter(published_on__lte=scope.until)
    return qs


def story_count(*, scope: Scope) -> int:
    """Statements in the period, counted once per story (copies left out)."""
    return _statements_in(scope).count()


def newest_statements(*, scope: Scope, limit: int = 8) -> QuerySet[Statement]:
    """The newest statements, one per story, with how many mentions and copies each has."""
    qs = _statements_in(scope).select_related("source", "story")
    qs = qs.order_by(F("published_on").desc(nulls_last=True), "-created_at")
    mentions, copies = _counts()
    return qs.annotate(mention_count=Coalesce(mentions, 0), copy_count=Coalesce(copies, 0))[:limit]


@cache
def _counts() -> tuple[CompiledSubquery, CompiledSubquery]:
    """A statement's mentions and its story's copies. Subqueries, not a join and GROUP BY:
    counted for the few rows shown, not every statement; compiled once (`CompiledSubquery`),
    as the page asks the same every time."""
    mentions = (
        Mention.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    copies = (
        Statement.objects.filter(story=OuterRef("story"), is_copy=True)
        .order_by()
        .values("story")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return CompiledSubquery(mentions), CompiledSubquery(copies)


def open_suggestions(*, user, limit: int = 8) -> tuple[int, list[Suggestion]]:
    # The admin's and the API's rule: one matched to another team's opportunity is not theirs.
    qs = Suggestion.objects.visible_to(user).filter(status=Suggestion.Status.OPEN)
    return qs.count(), list(qs.select_related("statement").order_by("-created_at")[:limit])


def source_health(*, now: datetime.datetime) -> QuerySet[Source]:
    """Every source with its last run's status and its failed runs over the past 7 days."""
    last_run = ImportRun.objects.filter(source=OuterRef("pk")).order_by("-started_at")
    # Plain subqueries: the count groups the rows, which a CompiledSubquery would join.
    return Source.objects.annotate(
        last_status=Subquery(last_run.values("status")[:1]),
        last_new=Subquery(last_run.values("new")[:1]),
        failed_runs=Count(
            "runs",
            filter=Q(runs__status=ImportRun.Status.FAILED, runs__started_at__gte=now - WEEK),
        ),
    ).order_by("-failure_count", "name")
