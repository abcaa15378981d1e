"""Statements that staff paste or upload in the admin go through the same path as fetched
ones: raw bytes kept first, then parsed, deduplicated and queued for extraction."""

from __future__ import annotations

from .imports import raw_item_process
from .models import RawItem, Source, Statement
from .parse import ParseError
from .services import raw_item_store
from .tasks import queue_extraction

MANUAL_SOURCE = "Pasted or uploaded in the admin"


def manual_source() -> Source:
    source, _ = Source.objects.get_or_create(
        name=MANUAL_SOURCE, defaults={"kind": Source.Kind.MANUAL}
    )
    return source


def _media_type(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".html", ".htm")):
        return "text/html"
    return "application/pdf" if lower.endswith(".pdf") else ""


def statement_paste(
    *, body: bytes, name: str = "", url: str = "", source: Source | None = None
) -> tuple[Statement, bool]:
    """Keep and parse pasted text or an uploaded file, and queue a new statement's extraction
    (once committed). Raises ParseError when it holds none."""
    raw_item, created = raw_item_store(
        source=source or manual_source(),
        body=body,
        url=url,
        name=name,
        headers={"Content-Type": _media_type(name)},
    )
    if not created and raw_item.status != RawItem.Status.STORED and raw_item.statement:
        return raw_item.statement, False
    statement, new = raw_item_process(raw_item=raw_item)
    if statement is None:
        raise ParseError(raw_item.error)
    if new:
        queue_extraction([statement.pk])
    return statement, new
