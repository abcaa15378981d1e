"""Turn fetched bytes into a clean statement: title, date, speaker, plain text and language.

One entry point, `parse_any`, picks the reader by media type, file name or the bytes
themselves: PDF (`pdf`), HTML or plain text (`text`); feeds are read apart (`feed`), as their
entries become statements of their own.
"""

from __future__ import annotations

from dataclasses import replace

from .language import language_detect
from .pdf import looks_like_pdf, parse_pdf
from .text import (
    ParsedStatement,
    ParseError,
    clean_lines,
    decode,
    index_links,
    parse_html,
    parse_text,
    title_from_text,
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf")

__all__ = [
    "ParseError",
    "ParsedStatement",
    "clean_lines",
    "decode",
    "index_links",
    "parse_any",
    "parse_html",
    "parse_pdf",
    "parse_text",
    "title_from_text",
]


def parse_any(
    raw: bytes, content_type: str, declared_encoding: str | None, url: str, name: str
) -> ParsedStatement:
    """A statement from a page or a file, chosen by media type, file name or its first bytes
    (servers label PDFs application/octet-stream often enough), with its language detected."""
    lower = name.lower()
    if content_type in PDF_TYPES or lower.endswith(".pdf") or looks_like_pdf(raw):
        parsed = parse_pdf(raw)
    elif (
        content_type in HTML_TYPES
        or lower.endswith((".html", ".htm"))
        or (not content_type and raw.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")))
    ):
        parsed = parse_html(raw, declared_encoding, url)
    else:
        parsed = parse_text(raw, declared_encoding)
    return replace(parsed, language=language_detect(text=f"{parsed.title}\n{parsed.text}"))
