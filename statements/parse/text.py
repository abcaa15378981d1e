"""Plain-text and HTML statements, the charset rules they share, and index pages' links."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import charset_normalizer
import lxml.html
import trafilatura

HEADER = re.compile(r"^(Date|Speaker):[ \t]*(.*)$", re.IGNORECASE)
FURNITURE = {"top of page", "bottom of page", "back to top", "print", "share"}


class ParseError(ValueError):
    """The bytes hold no statement we can read."""


@dataclass(frozen=True)
class ParsedStatement:
    title: str
    text: str
    published_on: datetime.date | None = None
    speaker: str = ""
    pages: int | None = None  # for a PDF
    language: str = ""  # ISO 639-1, detected from the text


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def decode(raw: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset (HTTP header, then the document's own meta or XML
    declaration), else UTF-8, else the best guess; never fail on a stray byte.

    The text comes out in Unicode NFC: the same words typed with decomposed accents (NFD, as
    some publishing tools write them) must hash alike and match the gazetteer alike."""
    head = raw[:4096]
    in_document = META_CHARSET.search(head) or XML_ENCODING.search(head)
    candidates = [declared, in_document.group(1).decode("ascii") if in_document else None]
    for encoding in filter(None, (*candidates, "utf-8-sig")):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(raw).best()
    text = str(best) if best is not None else raw.decode("utf-8", errors="replace")
    return unicodedata.normalize("NFC", text)


def clean_lines(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    kept = [line for line in lines if line.strip().lower() not in FURNITURE]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# A line that carries a date, a time or "|" separators is page furniture (a dateline, a
# breadcrumb, a "print | share" bar), not a headline.
FURNITURE_LINE = re.compile(r"\||\d{4}-\d{2}-\d{2}|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\d:\d{2}\b")
TITLE_LOOKAHEAD = 5
TITLE_MAX = 200
SEPARATORS = " |-\u00b7\u2022\u00bb\u203a"  # bullets and angle quotes that lead a breadcrumb


def title_from_text(text: str) -> str:
    """A title for a page that names none: the first of its opening lines that reads like a
    headline (mostly letters, no furniture), else the start of the first line."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines[:TITLE_LOOKAHEAD]:
        letters = sum(char.isalpha() for char in line)
        if FURNITURE_LINE.search(line) or letters < 0.6 * len(line.replace(" ", "")):
            continue
        return _shortened(line)
    return _shortened(lines[0].strip(SEPARATORS)) if lines else ""


def _shortened(line: str) -> str:
    """A long first line is a paragraph: its first sentence, or its first words, will do."""
    if len(line) <= TITLE_MAX:
        return line
    sentence = re.match(rf"(.{{20,{TITLE_MAX}}}?[.!?。])(\s|$)", line)
    if sentence:
        return sentence.group(1)
    return line[:TITLE_MAX].rsplit(" ", 1)[0] + "…"


TITLE_LINE_LIMIT = 250  # a longer first line is a paragraph, not a title
TITLE_LIMIT = 200
SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)", re.DOTALL)


def _first_sentence(text: str) -> str:
    """A title for a text file that has no title line: its first sentence, cut at a word if
    long."""
    match = FIRST_SENTENCE.match(text)
    sentence = " ".join((match.group(1) if match else text).split())
    if len(sentence) <= TITLE_LIMIT:
        return sentence
    return sentence[:TITLE_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _headers(lines: list[str]) -> tuple[datetime.date | None, str, int]:
    """`Date:` and `Speaker:` lines at the top: (date, speaker, index of the first body line)."""
    published_on, speaker, body_start = None, "", 0
    for index, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if match:
            key, value = match.group(1).lower(), match.group(2).strip()
            if key == "date" and value:
                try:
                    published_on = datetime.date.fromisoformat(value)
                except ValueError as error:
                    raise ParseError(f"Unreadable date {value!r}: use YYYY-MM-DD.") from error
            elif key == "speaker":
                speaker = value
            body_start = index + 1
        elif line.strip():
            break
    return published_on, speaker, body_start


def parse_text(raw: bytes, declared_encoding: str | None = None) -> ParsedStatement:
    """Read a plain-text statement: a title line, optional `Date:`/`Speaker:` lines, the body.

    The first line is the title when a body follows it and it is no longer than a title. A
    file that is one paragraph of sentences, or opens with a paragraph, is all text, titled by
    its first sentence; a lone line that is no sentence is a title without text (an error).
    Page furniture such as "top of page" is dropped wherever it stands on a line of its own.
    """
    lines = clean_lines(decode(raw, declared_encoding)).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("The file is empty.")
    first, rest = lines[0].strip(), lines[1:]
    published_on, speaker, body_start = _headers(rest)
    body = "\n".join(rest[body_start:]).strip()
    if body and len(first) <= TITLE_LINE_LIMIT:
        title, text = first, body
    elif not body and len(first) <= TITLE_LINE_LIMIT and not SENTENCE_END.search(first):
        raise ParseError("The statement has a title but no text.")
    else:
        text = "\n".join([first, *rest[body_start:]]).strip()
        title = _first_sentence(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return ParsedStatement(
        title=title[:500], text=text, published_on=published_on, speaker=speaker[:300]
    )


def parse_html(raw: bytes, declared_encoding: str | None = None, url: str = "") -> ParsedStatement:
    """Main text, title, date and speaker of an HTML page; menus, scripts and furniture dropped."""
    html = decode(raw, declared_encoding)
    document = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=True
    )
    if document is None or not (document.text or "").strip():
        raise ParseError("No statement text found on the page.")
    title = (document.title or "").strip()
    text = clean_lines(document.text)
    first_line, _, rest = text.partition("\n")
    if title and first_line.strip() == title and rest.strip():
        text = rest.strip()
    if not title:
        title = title_from_text(text)
    return ParsedStatement(
        title=title[:500],
        text=text,
        published_on=_date(document.date),
        speaker=(document.author or "")[:300],
    )


# PDFs are statements too (notices, press notes): an index page's links to them are followed.
ASSET = re.compile(r"\.(css|js|png|jpe?g|gif|svg|ico|zip|xml|rss)$", re.I)


def index_links(raw: bytes, base_url: str, limit: int, declared_encoding: str | None = None):
    """Links on an index page that lead to other pages of the same host, in page order."""
    try:
        tree = lxml.html.fromstring(decode(raw, declared_encoding))
    except (ValueError, lxml.etree.ParserError) as error:
        raise ParseError(f"The index page is not readable HTML: {error}") from error
    host = urlsplit(base_url).netloc.lower()
    index = urldefrag(base_url).url.rstrip("/")
    links: list[str] = []
    for element in tree.iter("a"):
        href = (element.get("href") or "").strip()
        url = urldefrag(urljoin(base_url, href)).url
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or parts.netloc.lower() != host
            or url.rstrip("/") == index
            or ASSET.search(parts.path)
            or url in links
        ):
            continue
        links.append(url)
        if len(links) >= limit:
            break
    return links
