"""The entries of an RSS or Atom feed, read from bytes we fetched ourselves.

feedparser reads what an XML parser alone refuses: legacy multi-byte encodings (Shift_JIS,
EUC-KR, Big5...), a charset given only in the HTTP header, a stray HTML entity such as `&nbsp;`.
What it must never see is an entity declaration, the one tool of entity-expansion ("billion
laughs") and external-entity attacks, so those are refused first by a byte-level check that
does not depend on knowing the encoding.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from feedparser.encodings import convert_to_utf8

from .text import ParseError

PDF_TYPES = ("application/pdf", "application/x-pdf")

# Case-insensitive although XML is not: a parser in loose mode might accept the odd spelling.
ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    published_on: datetime.date | None
    content: str
    """The entry's own content as HTML, used when its page cannot be fetched."""


def _refuse_entity_declarations(raw: bytes, content_type: str) -> None:
    """Refuse any entity declaration, in the bytes as sent and in the UTF-8 that feedparser's
    own decoding makes of them (the text its XML parser will read). Dropping NUL bytes makes
    UTF-16 and UTF-32 markup look like ASCII; every legacy multi-byte encoding keeps ASCII
    markup as is. An encoding no XML parser knows cannot hide one: it is the converted text
    that is parsed."""
    converted = convert_to_utf8({"content-type": content_type}, raw, {})
    for data in (raw.replace(b"\x00", b""), converted.replace(b"\x00", b"")):
        if ENTITY_DECLARATION.search(data):
            raise ParseError(
                "The feed uses forbidden XML entities: entity declarations are refused."
            )


def _text_of(detail: dict | None, fallback: str = "") -> str:
    """Plain text of a feed text construct: HTML titles lose their tags, plain ones stay."""
    if not detail:
        return fallback
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or "") and value.strip():
        return lxml.html.fromstring(f"<div>{value}</div>").text_content()
    return value


def _content_html(entry: dict) -> str:
    """The entry's content as HTML: a plain-text body is escaped, its paragraphs kept, so that
    "A<B>C" reaches the page as text and not as a tag."""
    details = entry.get("content") or []
    detail = details[0] if details else entry.get("summary_detail")
    if not detail:
        return ""
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or "text/html"):
        return value
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", value) if part.strip()]
    return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs)


def _entry_url(entry: dict, base_url: str) -> str:
    """The entry's link; without one, a PDF enclosure (a notice published only as a file)."""
    candidates = [entry.get("link", "")]
    candidates += [
        enclosure.get("href", "")
        for enclosure in entry.get("enclosures", [])
        if (enclosure.get("type") or "").lower() in PDF_TYPES
        or urlsplit(enclosure.get("href", "")).path.lower().endswith(".pdf")
    ]
    for candidate in filter(None, candidates):
        link = urljoin(base_url, candidate)
        if urlsplit(link).scheme in ("http", "https"):
            return link
    return ""


def parse_feed(raw: bytes, base_url: str = "", content_type: str = "") -> list[FeedEntry]:
    """Entries of an RSS or Atom feed; `content_type` is the HTTP header with its charset.

    A valid feed with no entries yet is an empty list, not an error. A document that is not a
    feed at all, or too broken for any entry to be read, raises ParseError."""
    _refuse_entity_declarations(raw, content_type)
    parsed = feedparser.parse(
        raw,
        sanitize_html=True,
        resolve_relative_uris=True,
        response_headers={"content-type": content_type} if content_type else None,
    )
    usable = [e for e in parsed.entries if e.get("title") or e.get("link") or e.get("content")]
    if not parsed.get("version"):
        raise ParseError("This is not an RSS or Atom feed.")
    if parsed.get("bozo") and not usable:
        raise ParseError(f"The feed is not well-formed XML: {parsed.get('bozo_exception')}")
    entries = []
    for entry in usable:
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(
            FeedEntry(
                url=_entry_url(entry, base_url),
                title=_text_of(entry.get("title_detail"), entry.get("title") or "").strip()[:500],
                published_on=datetime.date(*published[:3]) if published else None,
                content=_content_html(entry),
            )
        )
    return entries
