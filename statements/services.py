"""Storing what was fetched: the raw bytes first, then the statement parsed from them.

Duplicates are found by canonical URL and by a hash of the normalised text, both under database
unique constraints, so two workers importing the same feed at once still store each item once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cached_property
from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lib.rows import rows_update

from .models import ImportRun, RawItem, Source, Statement
from .parse import ParsedStatement
from .stories import stories_group, story_bands_store


def content_hash(text: str) -> str:
    """Hash of the text with case, whitespace and Unicode form normalised, so re-flowed copies
    and copies with decomposed accents match."""
    normalised = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def raw_item_store(
    *,
    source: Source,
    body: bytes,
    url: str = "",
    name: str = "",
    headers: dict[str, str] | None = None,
    hints: dict | None = None,
    run: ImportRun | None = None,
) -> tuple[RawItem, bool]:
    """Keep fetched bytes unless this URL (or, without a URL, these bytes) is already kept."""
    canonical = canonical_url(url)
    body_hash = hashlib.sha256(body).hexdigest()
    same = (
        Q(canonical_url=canonical)
        if canonical
        else Q(source=source, canonical_url="", body_hash=body_hash)
    )
    existing = RawItem.objects.filter(same).first()
    if existing is not None:
        if canonical and existing.status == RawItem.Status.FAILED:
            _raw_item_refresh(existing, body=body, headers=headers, hints=hints, run=run)
            existing.save()
        return existing, False
    try:
        with transaction.atomic():
            item = RawItem.objects.create(
                source=source,
                run=run,
                url=url,
                canonical_url=canonical,
                name=name[:300],
                body=body,
                body_hash=body_hash,
                headers=headers or {},
                hints=hints or {},
            )
    except IntegrityError:
        # Another worker kept the same item between our check and our insert.
        return RawItem.objects.get(same), False
    return item, True


def statement_store(*, raw_item: RawItem, parsed: ParsedStatement) -> tuple[Statement, bool]:
    """Store the statement parsed from `raw_item` unless its text is already stored.

    Returns (statement, created); the raw item records which statement it became or repeats.
    """
    digest = content_hash(parsed.text)
    canonical = raw_item.canonical_url
    same = Q(content_hash=digest) | (Q(canonical_url=canonical) if canonical else Q())
    # One transaction for the statement and its raw item's mark: a worker killed in between
    # must not leave a stored statement whose raw item still says "not parsed yet".
    with transaction.atomic():
        statement = Statement.objects.filter(same).first()
        created = False
        if statement is None:
            try:
                with transaction.atomic():
                    statement = Statement(
                        source=raw_item.source,
                        url=raw_item.url,
                        canonical_url=canonical,
                        title=parsed.title,
                        published_on=parsed.published_on,
                        speaker=parsed.speaker,
                        text=parsed.text,
                        language=parsed.language,
                        pages=parsed.pages,
                        content_hash=digest,
                        fetched_at=raw_item.fetched_at or timezone.now(),
                    )
                    stories_group(statements=[statement])
                    statement.save()
                    story_bands_store(statements=[statement])
                    created = True
            except IntegrityError:
                statement = Statement.objects.filter(same).first()
        raw_item.statement = statement
        raw_item.status = RawItem.Status.PARSED if created else RawItem.Status.DUPLICATE
        raw_item.error = ""
        raw_item.save(update_fields=["statement", "status", "error"])
    return statement, created


@dataclass
class Incoming:
    """One fetched item on its way into a batch: the bytes and what came with them."""

    body: bytes
    url: str = ""
    name: str = ""
    headers: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)

    @cached_property
    def body_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def key(self, source: Source) -> tuple:
        """What makes two items the same raw item (see the RawItem unique constraints)."""
        canonical = canonical_url(self.url)
        if canonical:
            return ("url", canonical)
        return ("body", source.pk, self.body_hash)


def raw_items_store(
    *, source: Source, items: list[Incoming], run: ImportRun | None = None
) -> list[tuple[RawItem, bool]]:
    """`raw_item_store` for a batch, in a fixed number of queries: (raw item, created) each, in
    order. An item repeated within the batch is created once."""
    keys = [item.key(source) for item in items]
    urls = [key[1] for key in keys if key[0] == "url"]
    hashes = [key[2] for key in keys if key[0] == "body"]
    same = Q(canonical_url__in=urls) | Q(source=source, canonical_url="", body_hash__in=hashes)
    known = {_raw_key(raw): raw for raw in RawItem.objects.filter(same)}
    new: dict[tuple, RawItem] = {}
    retried: dict[tuple, RawItem] = {}
    for key, item in zip(keys, items, strict=True):
        raw = known.get(key)
        if raw is not None and key[0] == "url" and raw.status == RawItem.Status.FAILED:
            retried[key] = _raw_item_refresh(raw, **asdict(item), run=run)
        if key not in known and key not in new:
            new[key] = RawItem(
                source=source,
                run=run,
                url=item.url,
                canonical_url=key[1] if key[0] == "url" else "",
                name=item.name[:300],
                body=item.body,
                body_hash=item.body_hash,
                headers=item.headers,
                hints=item.hints,
            )
    try:
        with transaction.atomic():
            RawItem.objects.bulk_create(new.values())
            RawItem.objects.bulk_update(retried.values(), RETRIED_FIELDS)
    except IntegrityError:
        # Another worker kept some of these between our check and our insert: one at a time.
        return [raw_item_store(source=source, run=run, **asdict(item)) for item in items]
    created: set[tuple] = set()
    stored = []
    for key in keys:
        if key in new and key not in created:
            created.add(key)
            stored.append((new[key], True))
        else:
            stored.append((known.get(key) or new[key], False))
    return stored


RETRIED_FIELDS = ["body", "body_hash", "headers", "hints", "run", "fetched_at", "status", "error"]


def _raw_item_refresh(raw: RawItem, *, body: bytes, run: ImportRun | None, **fields) -> RawItem:
    """A page that failed to parse, fetched again: its new bytes replace the old ones and it
    waits to be parsed, so the statement it now holds is stored."""
    raw.body, raw.body_hash = body, hashlib.sha256(body).hexdigest()
    raw.headers, raw.hints = fields.get("headers") or {}, fields.get("hints") or {}
    raw.run, raw.fetched_at = run, timezone.now()
    raw.status, raw.error = RawItem.Status.STORED, ""
    return raw


def _raw_key(raw: RawItem) -> tuple:
    if raw.canonical_url:
        return ("url", raw.canonical_url)
    return ("body", raw.source_id, raw.body_hash)


def statements_store(
    *, parsed: list[tuple[RawItem, ParsedStatement]]
) -> list[tuple[Statement, bool]]:
    """`statement_store` for a batch, in one transaction and a fixed number of queries:
    (statement, created) for each raw item, in order. New statements that repeat a stored one
    or each other with edits are grouped into stories (stories.py)."""
    digests = [content_hash(statement.text) for _, statement in parsed]
    urls = [raw.canonical_url for raw, _ in parsed if raw.canonical_url]
    with transaction.atomic():
        by_hash, by_url = {}, {}
        for statement in Statement.objects.filter(
            Q(content_hash__in=digests) | Q(canonical_url__in=urls)
        ).only("pk", "content_hash", "canonical_url"):
            by_hash[statement.content_hash] = statement
            if statement.canonical_url:
                by_url[statement.canonical_url] = statement
        results, new = [], []
        for (raw, statement), digest in zip(parsed, digests, strict=True):
            twin = by_hash.get(digest) or by_url.get(raw.canonical_url or None)
            if twin is None:
                twin = Statement(
                    source_id=raw.source_id,
                    url=raw.url,
                    canonical_url=raw.canonical_url,
                    title=statement.title,
                    published_on=statement.published_on,
                    speaker=statement.speaker,
                    text=statement.text,
                    language=statement.language,
                    pages=statement.pages,
                    content_hash=digest,
                    fetched_at=raw.fetched_at or timezone.now(),
                )
                new.append(twin)
                by_hash[digest] = twin
                if raw.canonical_url:
                    by_url[raw.canonical_url] = twin
                results.append((twin, True))
            else:
                results.append((twin, False))
        try:
            with transaction.atomic():
                # Grouped in the same savepoint: a batch that falls back to one at a time
                # leaves no story behind for statements it never stored.
                stories_group(statements=new)
                Statement.objects.bulk_create(new)
                story_bands_store(statements=new)
        except IntegrityError:
            # A concurrent worker stored some of these texts first: one at a time instead.
            return [statement_store(raw_item=raw, parsed=statement) for raw, statement in parsed]
        marks = []
        for (raw, _), (statement, created) in zip(parsed, results, strict=True):
            raw.statement = statement
            raw.status = RawItem.Status.PARSED if created else RawItem.Status.DUPLICATE
            raw.error = ""
            marks.append((statement.pk, str(raw.status), "", raw.pk))
        rows_update(RawItem, ["statement", "status", "error"], marks)
    return results
