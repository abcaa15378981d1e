"""The text layer of a PDF statement, read with pypdfium2 (chosen by a measured comparison
with pypdf, bench/README.md): title and date from the document's metadata or its first page,
the page count kept. A PDF is bytes from outside: a malformed, truncated or encrypted file, a
scan with no text, or one past the caps is a clear ParseError, never a crash. A scan is read by
OCR where tesseract is installed (ocr.py)."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pypdfium2
from django.conf import settings

from .ocr import ocr_available, pages_ocr
from .text import ParsedStatement, ParseError, clean_lines, title_from_text

DEFAULT_MAX_PAGES = 300
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A page with fewer characters than this carries no text layer worth the name: a scan with
# a page number, a stamp or a watermark in text.
MIN_CHARS_PER_PAGE = 20
PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
FIRST_PAGE_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Titles that word processors write on their own: a file name, "Untitled", "Microsoft Word - x".
TOOL_TITLE = re.compile(
    r"^(untitled|document\d*|microsoft \w+ - .*|.*\.(docx?|odt|rtf|pdf|indd))$", re.IGNORECASE
)


def looks_like_pdf(raw: bytes) -> bool:
    # The header may follow a little junk: readers look for it in the first 1024 bytes.
    return b"%PDF-" in raw[:1024]


def _open(raw: bytes) -> pypdfium2.PdfDocument:
    max_bytes = int(getattr(settings, "STATEMENTS_PDF_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(raw) > max_bytes:
        raise ParseError(f"The PDF is {len(raw):,} bytes, more than the {max_bytes:,} allowed.")
    # PDFium repairs a file cut short into something that opens; a file whose end-of-file
    # marker is missing lost its last pages, and a statement read half is worse than none.
    if b"%%EOF" not in raw[-2048:]:
        raise ParseError("The PDF is cut short or damaged: its end-of-file marker is missing.")
    try:
        return pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ParseError("The PDF is encrypted with a password; it cannot be read.") from error
        raise ParseError(f"The PDF is malformed and cannot be read ({error}).") from error


def _date(metadata: dict, first_page: str) -> datetime.date | None:
    """The creation date in the metadata, else the first ISO date on the first page."""
    for value in (metadata.get("CreationDate", ""), metadata.get("ModDate", "")):
        match = PDF_DATE.match(value or "")
        if match:
            year, month, day = (int(part or 1) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                continue
    match = FIRST_PAGE_DATE.search(first_page)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return None


def _pages_text(document: pypdfium2.PdfDocument) -> list[str]:
    texts = []
    for page in document:
        textpage = page.get_textpage()
        try:
            texts.append(textpage.get_text_range())
        finally:
            textpage.close()
            page.close()
    return texts


def _has_text(texts: list[str], pages: int) -> bool:
    return sum(len(text.strip()) for text in texts) >= MIN_CHARS_PER_PAGE * max(pages, 1) / 2


def parse_pdf(raw: bytes) -> ParsedStatement:
    """The statement in a PDF's text layer. Raises ParseError for anything unreadable."""
    max_pages = int(getattr(settings, "STATEMENTS_PDF_MAX_PAGES", DEFAULT_MAX_PAGES))
    document = _open(raw)
    try:
        pages = len(document)
        if pages > max_pages:
            raise ParseError(f"The PDF has {pages} pages, more than the {max_pages} allowed.")
        metadata = document.get_metadata_dict(skip_empty=True)
        try:
            texts = _pages_text(document)
            if not _has_text(texts, pages) and ocr_available():
                texts = pages_ocr(document)
                if not _has_text(texts, pages):
                    raise ParseError(
                        f"The PDF has no text layer ({pages} page{'s' * (pages != 1)} of "
                        "images: a scan?) and OCR found no text on it."
                    )
        except pypdfium2.PdfiumError as error:
            raise ParseError(f"The PDF is malformed and cannot be read ({error}).") from error
    finally:
        document.close()
    texts = [unicodedata.normalize("NFC", text.replace("\r\n", "\n")) for text in texts]
    if not _has_text(texts, pages):
        raise ParseError(
            f"The PDF has no text layer ({pages} page{'s' * (pages != 1)} of images: a scan?); "
            "it needs OCR before it can be read (install Debian's tesseract-ocr)."
        )
    text = clean_lines("\n\n".join(texts))
    title = (metadata.get("Title") or "").strip()
    if not title or TOOL_TITLE.match(title):
        title = title_from_text(text)
    return ParsedStatement(
        title=unicodedata.normalize("NFC", title)[:500],
        text=text,
        published_on=_date(metadata, texts[0] if texts else ""),
        speaker=(metadata.get("Author") or "").strip()[:300],
        pages=pages,
    )
