"""Scans (PDFs with no text layer) read by OCR where Debian's tesseract-ocr is installed (CI
installs it), and clear errors where it is not, is switched off, or cannot read the scan."""

from __future__ import annotations

import shutil

import pytest

from statements.parse import ParseError, parse_any
from tests.statements.pdfs import scanned_text_pdf


def read(raw: bytes):
    return parse_any(raw, "application/pdf", None, "", "scan.pdf")


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Debian's tesseract-ocr is not installed"
)
SCAN = scanned_text_pdf(
    [
        "Joint Statement on Defence Cooperation\n"
        "India and Japan agreed to co-develop unmanned ground vehicles.",
        "The two sides will meet again in Tokyo next year.",
    ]
)


@needs_tesseract
def test_a_scan_is_read_by_ocr_page_by_page() -> None:
    parsed = read(SCAN)

    assert parsed.pages == 2
    assert "India and Japan agreed to co-develop unmanned ground vehicles" in parsed.text
    assert "meet again in Tokyo" in parsed.text
    assert parsed.title == "Joint Statement on Defence Cooperation"


def test_with_ocr_off_a_scan_is_an_error_that_says_what_it_needs(settings) -> None:
    settings.STATEMENTS_PDF_OCR = False

    with pytest.raises(ParseError, match=r"no text layer \(2 pages of images.*tesseract-ocr"):
        read(SCAN)


@needs_tesseract
def test_ocr_reads_no_more_pages_than_its_cap(settings) -> None:
    settings.STATEMENTS_PDF_OCR_MAX_PAGES = 1

    with pytest.raises(ParseError, match="OCR reads at most 1"):
        read(SCAN)


@needs_tesseract
def test_a_failing_tesseract_is_a_clear_error(settings) -> None:
    settings.STATEMENTS_PDF_OCR_LANGUAGES = "no-such-language"

    with pytest.raises(ParseError, match="OCR of the scan failed"):
        read(SCAN)
