"""Storing statements: raw first, deduplicated by canonical URL and by normalised text."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Source, Statement
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


def statement_store(
    *,
    source: Source,
    parsed: ParsedStatement,
    raw: bytes,
    url: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[Statement, bool]:
    """Store a statement unless it is already stored. Returns (statement, created)."""
    digest = content_hash(parsed.text)
    canonical = canonical_url(url)
    same = Q(content_hash=digest) | (Q(canonical_url=canonical) if canonical else Q())
    existing = Statement.objects.filter(same).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                source=source,
                url=url,
                canonical_url=canonical,
                title=parsed.title,
                published_on=parsed.published_on,
                speaker=parsed.speaker,
                text=parsed.text,
                content_hash=digest,
                raw=raw,
                raw_headers=headers or {},
                fetched_at=timezone.now(),
            )
    except IntegrityError:
        # Another worker stored the same statement between our check and our insert.
        return Statement.objects.filter(same).first(), False
    return statement, True
