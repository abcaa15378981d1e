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
from django.utils import timezone

from lib.rows import links_replace, rows_insert

from ..models import Mention, Source, Statement
from ..signals import statement_extracted
from .findings import commitments_replace, name_candidates_replace
from .gazetteer import Kind, gazetteer_get
from .matching import Found
from .openings import openings_propose
from .reading import Reading, statement_read

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
    parties: frozenset[int] = frozenset()
    title_mentions: tuple[Found, ...] = ()


def statement_extract(*, statement_id: int) -> ExtractResult:
    """Extract one statement; raises Statement.DoesNotExist when it is gone."""
    results = statements_extract(statement_ids=[statement_id])
    if not results:
        raise Statement.DoesNotExist(f"Statement {statement_id} does not exist.")
    return results[0]


def _readings(statements: list[Statement], gazetteer, home: str) -> dict[int, Reading]:
    """Each statement read, with its source's country: one query for the batch."""
    source_countries = dict(
        Source.objects.filter(pk__in={s.source_id for s in statements}).values_list(
            "pk", "country_id"
        )
    )
    return {
        statement.pk: statement_read(
            title=statement.title,
            text=statement.text,
            gazetteer=gazetteer,
            source_country=source_countries.get(statement.source_id),
            home_code=home,
            language=statement.language,
        )
        for statement in statements
    }


def statements_extract(*, statement_ids: Iterable[int]) -> list[ExtractResult]:
    """Replace each statement's mentions, links, commitments and open name candidates with what
    its title and text say now.

    Idempotent: rows are replaced, candidate openings are found again by a stable (country,
    title), and name candidates by (statement, kind, name), so running it twice leaves the same
    rows. Openings linked by hand stay linked; name candidates staff decided stay decided.
    Statements deleted meanwhile are skipped, and so are copies in a story (its lead is
    extracted, once for the story; see statements/stories.py). Sends `statement_extracted`
    with the ids once the transaction commits.
    """
    gazetteer = gazetteer_get()
    home = settings.TRACKER_HOME_COUNTRY
    with transaction.atomic():
        # Locked in id order, so two overlapping batches wait for each other, never deadlock.
        statements = list(
            Statement.objects.leads()
            .select_for_update()
            .filter(pk__in=list(statement_ids))
            .order_by("pk")
            .only("pk", "title", "text", "source_id", "language", "published_on")
        )
        if not statements:
            return []
        ids = [statement.pk for statement in statements]
        readings = _readings(statements, gazetteer, home)
        _mentions_replace(ids, readings)
        linked = {kind: _entities(readings, kind) for kind in LINKS}
        for kind, field in LINKS.items():
            links_replace(getattr(Statement, field), linked[kind])
        openings = openings_propose(statements, readings)
        commitments_replace(readings=readings)
        name_candidates_replace(readings=readings)
        Statement.objects.filter(pk__in=ids).update(extracted_at=timezone.now())
        transaction.on_commit(
            partial(statement_extracted.send, sender=Statement, statement_ids=ids)
        )
    return [
        ExtractResult(
            statement_id=pk,
            mentions=tuple(readings[pk].found),
            countries=frozenset(linked[Kind.COUNTRY][pk]),
            firms=frozenset(linked[Kind.FIRM][pk]),
            contacts=frozenset(linked[Kind.CONTACT][pk]),
            areas=frozenset(linked[Kind.AREA][pk]),
            policy_openings=frozenset(openings.get(pk, ())),
            parties=frozenset(readings[pk].parties),
            title_mentions=tuple(readings[pk].title_found),
        )
        for pk in ids
    ]


def _entities(readings: dict[int, Reading], kind: str) -> dict[int, set[int]]:
    return {
        pk: {i.entity_id for i in (*r.found, *r.title_found) if i.kind == kind}
        for pk, r in readings.items()
    }


def _mentions_replace(ids: list[int], readings: dict[int, Reading]) -> None:
    Mention.objects.filter(statement_id__in=ids).delete()
    rows_insert(
        Mention,
        [
            "statement",
            "kind",
            "term",
            "start",
            "end",
            "snippet",
            "in_title",
            "role",
            *list(ENTITY_FIELDS),
        ],
        (
            _mention_row(pk, item, in_title)
            for pk, reading in readings.items()
            for in_title, items in ((True, reading.title_found), (False, reading.found))
            for item in items
        ),
    )


ENTITY_FIELDS = (Kind.COUNTRY, Kind.FIRM, Kind.CONTACT, Kind.AREA)
NO_ENTITY = (None,) * len(ENTITY_FIELDS)
# Kind -> the position of its entity among ENTITY_FIELDS (policy phrases have none).
ENTITY_SLOT = {kind: index for index, kind in enumerate(ENTITY_FIELDS)}


def _mention_row(statement_id: int, item: Found, in_title: bool) -> tuple:
    entities = NO_ENTITY
    if (slot := ENTITY_SLOT.get(item.kind)) is not None:
        entities = (*NO_ENTITY[:slot], item.entity_id, *NO_ENTITY[slot + 1 :])
    term = item.term[:TERM_LIMIT]
    return (
        statement_id,
        str(item.kind),
        term,
        item.start,
        item.end,
        item.snippet,
        in_title,
        item.role,
        *entities,
    )
