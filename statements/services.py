"""Storing what was fetched: the raw bytes first, then the statement parsed from them.

Duplicates are found by canonical URL and by a hash of the normalised text, both under database
unique constraints, so two workers importing the same feed at once still store each item once.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import ImportRun, RawItem, Source, Statement
from .parse import ParsedStatement


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace normalised, so re-flowed copies match."""
    normalised = re.sub(r"\s+", " ", text).strip().casefold()
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
                    statement = Statement.objects.create(
                        source=raw_item.source,
                        url=raw_item.url,
                        canonical_url=canonical,
                        title=parsed.title,
                        published_on=parsed.published_on,
                        speaker=parsed.speaker,
                        text=parsed.text,
                        content_hash=digest,
                        fetched_at=raw_item.fetched_at or timezone.now(),
                    )
                    created = True
            except IntegrityError:
                statement = Statement.objects.filter(same).first()
        raw_item.statement = statement
        raw_item.status = RawItem.Status.PARSED if created else RawItem.Status.DUPLICATE
        raw_item.error = ""
        raw_item.save(update_fields=["statement", "status", "error"])
    return statement, created
