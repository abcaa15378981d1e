"""Storing what extraction finds: mentions, links and candidate openings, a batch at a time.

A batch costs a fixed number of queries whatever its size (plus one insert per few hundred
mentions), which is what lets thousands of statements through a minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from lib.rows import links_replace, rows_insert
from partners.models import PolicyOpening

from ..models import Mention, Statement
from ..signals import statement_extracted
from .gazetteer import Gazetteer, Kind, gazetteer_get
from .matching import Found, find_mentions
from .policy import OPENING_TITLES, policy_candidates

# Mention kind -> the statement's many-to-many field it links through.
LINKS = {
    Kind.COUNTRY: "countries",
    Kind.FIRM: "firms",
    Kind.CONTACT: "contacts",
    Kind.AREA: "areas",
}
TERM_LIMIT = 200


@dataclass(frozen=True)
class ExtractResult:
    statement_id: int
    mentions: tuple[Found, ...]
    countries: frozenset[int]
    firms: frozenset[int]
    contacts: frozenset[int]
    areas: frozenset[int]
    policy_openings: frozenset[int]


def statement_extract(*, statement_id: int) -> ExtractResult:
    """Extract one statement; raises Statement.DoesNotExist when it is gone."""
    results = statements_extract(statement_ids=[statement_id])
    if not results:
        raise Statement.DoesNotExist(f"Statement {statement_id} does not exist.")
    return results[0]


def statements_extract(*, statement_ids: Iterable[int]) -> list[ExtractResult]:
    """Replace each statement's mentions and links with what its text names now.

    Idempotent: mentions and links are replaced, and candidate openings are found again by a
    stable (country, title), so running it twice leaves the same rows. Openings linked by hand
    stay linked. Statements deleted meanwhile are skipped. Sends `statement_extracted` with the
    ids once the transaction commits.
    """
    gazetteer = gazetteer_get()
    with transaction.atomic():
        # Locked in id order, so two overlapping batches wait for each other, never deadlock.
        statements = list(
            Statement.objects.select_for_update()
            .filter(pk__in=list(statement_ids))
            .order_by("pk")
            .only("pk", "title", "text")
        )
        if not statements:
            return []
        ids = [statement.pk for statement in statements]
        found = {statement.pk: find_mentions(statement.text, gazetteer) for statement in statements}
        _mentions_replace(ids, found)
        linked = {kind: _entities(found, kind) for kind in LINKS}
        for kind, field in LINKS.items():
            links_replace(getattr(Statement, field), linked[kind])
        openings = _openings_propose(statements, found, gazetteer)
        Statement.objects.filter(pk__in=ids).update(extracted_at=timezone.now())
        transaction.on_commit(
            partial(statement_extracted.send, sender=Statement, statement_ids=ids)
        )
    return [
        ExtractResult(
            statement_id=pk,
            mentions=tuple(found[pk]),
            countries=frozenset(linked[Kind.COUNTRY][pk]),
            firms=frozenset(linked[Kind.FIRM][pk]),
            contacts=frozenset(linked[Kind.CONTACT][pk]),
            areas=frozenset(linked[Kind.AREA][pk]),
            policy_openings=frozenset(openings.get(pk, ())),
        )
        for pk in ids
    ]


def _entities(found: dict[int, list[Found]], kind: str) -> dict[int, set[int]]:
    return {pk: {i.entity_id for i in items if i.kind == kind} for pk, items in found.items()}


def _mentions_replace(ids: list[int], found: dict[int, list[Found]]) -> None:
    Mention.objects.filter(statement_id__in=ids).delete()
    rows_insert(
        Mention,
        ["statement", "kind", "term", "start", "end", "snippet", *ENTITY_FIELDS],
        (_mention_row(pk, item) for pk, items in found.items() for item in items),
    )


ENTITY_FIELDS = (Kind.COUNTRY, Kind.FIRM, Kind.CONTACT, Kind.AREA)
NO_ENTITY = (None,) * len(ENTITY_FIELDS)
# Kind -> the position of its entity among ENTITY_FIELDS (policy phrases have none).
ENTITY_SLOT = {kind: index for index, kind in enumerate(ENTITY_FIELDS)}


def _mention_row(statement_id: int, item: Found) -> tuple:
    entities = NO_ENTITY
    if (slot := ENTITY_SLOT.get(item.kind)) is not None:
        entities = (*NO_ENTITY[:slot], item.entity_id, *NO_ENTITY[slot + 1 :])
    term = item.term[:TERM_LIMIT]
    return (statement_id, str(item.kind), term, item.start, item.end, item.snippet, *entities)


def _openings_propose(
    statements: list[Statement], found: dict[int, list[Found]], gazetteer: Gazetteer
) -> dict[int, list[int]]:
    """Find or create each candidate opening the batch proposes and link it to its statements.
    Returns statement id -> opening ids."""
    home = settings.TRACKER_HOME_COUNTRY
    wanted: dict[int, list[tuple[int, str]]] = {}
    first: dict[tuple[int, str], tuple[Statement, str]] = {}
    for statement in statements:
        proposals = policy_candidates(statement.text, found[statement.pk], gazetteer, home)
        wanted[statement.pk] = sorted(proposals)
        for key, sentence in sorted(proposals.items()):
            first.setdefault(key, (statement, sentence))
    if not first:
        return {}
    titles = {title.lower(): kind for kind, title in OPENING_TITLES.items()}
    existing = {
        (opening.country_id, titles[opening.lowered]): opening.pk
        for opening in PolicyOpening.objects.annotate(lowered=Lower("title")).filter(
            country_id__in={country_id for country_id, _ in first}, lowered__in=list(titles)
        )
    }
    for (country_id, kind), (statement, sentence) in first.items():
        if (country_id, kind) not in existing:
            existing[country_id, kind] = _opening_create(country_id, kind, statement, sentence)
    links = {pk: [existing[key] for key in keys] for pk, keys in wanted.items() if keys}
    # Added, never replaced: staff may link openings by hand, and extraction must not undo that.
    through = Statement.policy_openings.through
    through.objects.bulk_create(
        (
            through(statement_id=pk, policyopening_id=opening_id)
            for pk, opening_ids in links.items()
            for opening_id in opening_ids
        ),
        ignore_conflicts=True,
    )
    return links


def _opening_create(country_id: int, kind: str, statement: Statement, sentence: str) -> int:
    # iexact, as the unique constraint is on the lower-cased title; get_or_create settles a race
    # with another batch proposing the same opening.
    opening, _ = PolicyOpening.objects.get_or_create(
        country_id=country_id,
        title__iexact=OPENING_TITLES[kind],
        defaults={
            "title": OPENING_TITLES[kind],
            "kind": kind,
            "status": PolicyOpening.Status.CANDIDATE,
            "summary": f"Proposed by extraction from “{statement.title}”: {sentence}",
        },
    )
    return opening.pk
