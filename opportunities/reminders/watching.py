"""Watchlists: which new statements match whose watches. Runs after each extraction batch, in a
fixed number of queries however many watches and statements there are: the batch's countries,
parties, firms and areas are read once, every watch is tested in Python, and the new matches go
in with one insert. A statement is matched once per watch, so re-extraction adds nothing.

A restricted statement matches only the watches of people cleared for restricted records
(statements.sensitivity), so it reaches nobody else's page, digest or webhook.

What counts: a term as whole words in the title or text, in any case; a country named in the
statement or a party of it (its publisher included, see statements.parties); a pair when both
countries are parties; a firm or an area the statement is linked to."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from lib.rows import links_read
from statements.models import Statement
from statements.parties import parties_of
from statements.sensitivity import cleared_user_ids

from ..models import Watch, WatchMatch
from .webhook_events import watch_matches_emit

Kind = Watch.Kind


def _ids(relation, ids: list[int]) -> dict[int, set[int]]:
    return {pk: set(targets) for pk, targets in links_read(relation, ids).items()}


def _term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


class _Batch:
    """What the batch's statements say, read once for all the watches."""

    def __init__(self, ids: list[int], kinds: set[str]) -> None:
        self.ids = ids
        self.named = _ids(Statement.countries, ids) if Kind.COUNTRY in kinds else {}
        self.parties = parties_of(ids) if kinds & {Kind.COUNTRY, Kind.PAIR} else {}
        self.firms = _ids(Statement.firms, ids) if Kind.FIRM in kinds else {}
        self.areas = _ids(Statement.areas, ids) if Kind.AREA in kinds else {}
        self.texts: dict[int, str] = {}
        if Kind.TERM in kinds:
            rows = Statement.objects.filter(pk__in=ids).values_list("pk", "title", "text")
            self.texts = {pk: f"{title}\n{text}" for pk, title, text in rows}

    def matches(self, watch: Watch, statement_id: int, pattern: re.Pattern[str] | None) -> bool:
        parties = self.parties.get(statement_id, set())
        if watch.kind == Kind.TERM:
            return pattern is not None and bool(pattern.search(self.texts.get(statement_id, "")))
        if watch.kind == Kind.COUNTRY:
            return watch.country_id in self.named.get(statement_id, set()) | parties
        if watch.kind == Kind.PAIR:
            return {watch.country_id, watch.partner_id} <= parties
        if watch.kind == Kind.FIRM:
            return watch.firm_id in self.firms.get(statement_id, set())
        if watch.kind == Kind.AREA:
            return watch.area_id in self.areas.get(statement_id, set())
        return False


def watches_match(*, statement_ids: Iterable[int]) -> list[WatchMatch]:
    """Record the new matches of the statements against every active person's watches and
    announce the ones whose watch asks for webhooks. Returns the new matches."""
    ids = sorted(set(statement_ids))
    # With what a webhook payload names (the watch's target), so no query per watch.
    watches = list(
        Watch.objects.filter(user__is_active=True).select_related(
            "country", "partner", "firm__country", "area"
        )
    )
    if not ids or not watches:
        return []
    batch = _Batch(ids, {watch.kind for watch in watches})
    # A restricted statement matches only the watches of people cleared for it.
    restricted = set(Statement.objects.filter(pk__in=ids).restricted().values_list("pk", flat=True))
    cleared = cleared_user_ids() if restricted else set()
    patterns = {w.pk: _term_pattern(w.term) for w in watches if w.kind == Kind.TERM and w.term}
    wanted = [
        (watch, statement_id)
        for watch in watches
        for statement_id in ids
        if (statement_id not in restricted or watch.user_id in cleared)
        and batch.matches(watch, statement_id, patterns.get(watch.pk))
    ]
    if not wanted:
        return []
    now = timezone.now()
    with transaction.atomic():
        existing = set(
            WatchMatch.objects.filter(statement_id__in=ids).values_list("watch_id", "statement_id")
        )
        new = [
            WatchMatch(watch=watch, statement_id=statement_id, matched_at=now)
            for watch, statement_id in wanted
            if (watch.pk, statement_id) not in existing
        ]
        WatchMatch.objects.bulk_create(new, ignore_conflicts=True)
        watch_matches_emit(
            matches=[match for match in new if match.watch.notify_webhook], restricted=restricted
        )
    return new
