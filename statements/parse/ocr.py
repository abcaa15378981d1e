"""Optional OCR for PDFs without a text layer (scans), by Debian's `tesseract-ocr` when it is
installed: each page rendered by PDFium to a grey 300 dpi image and read by the `tesseract`
command. Without the command, or with STATEMENTS_PDF_OCR off, a scan stays a clear per-item
error. Pages, time and languages are capped by settings, as OCR costs seconds a page."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2
from django.conf import settings

from .text import ParseError

DPI = 300  # what tesseract is trained for; less loses small print


def ocr_available() -> bool:
    return (
        bool(getattr(settings, "STATEMENTS_PDF_OCR", True))
        and shutil.which("tesseract") is not None
    )


def _page_image(page: pypdfium2.PdfPage, path: Path) -> None:
    """The page as a binary PGM (grey, one byte a pixel), which tesseract reads as it is."""
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    try:
        raw, width, stride = bytes(bitmap.buffer), bitmap.width, bitmap.stride
        with path.open("wb") as image:
            image.write(b"P5 %d %d 255\n" % (width, bitmap.height))
            for row in range(bitmap.height):
                image.write(raw[row * stride : row * stride + width])
    finally:
        bitmap.close()


def _tesseract(image: Path, timeout: float) -> str:
    languages = getattr(settings, "STATEMENTS_PDF_OCR_LANGUAGES", "eng")
    try:
        done = subprocess.run(
            ["tesseract", str(image), "stdout", "-l", languages],
            capture_output=True,
            timeout=timeout,
            check=False,
            # One thread: the worker's concurrency is what spreads work over the cores.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as error:
        raise ParseError(
            f"OCR of a page took more than {timeout:g} s; the scan was not read."
        ) from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        raise ParseError(f"OCR of the scan failed ({message[0]}).")
    return done.stdout.decode("utf-8", "replace")


def pages_ocr(document: pypdfium2.PdfDocument) -> list[str]:
    """The text tesseract reads on each page. Raises ParseError past the OCR page cap, on a
    page that takes too long, or when tesseract fails."""
    max_pages = int(getattr(settings, "STATEMENTS_PDF_OCR_MAX_PAGES", 20))
    if len(document) > max_pages:
        raise ParseError(
            f"The PDF has no text layer and {len(document)} pages of images: OCR reads at most "
            f"{max_pages} (STATEMENTS_PDF_OCR_MAX_PAGES)."
        )
    timeout = float(getattr(settings, "STATEMENTS_PDF_OCR_PAGE_SECONDS", 60))
    texts = []
    with tempfile.TemporaryDirectory(prefix="tracker-ocr-") as folder:
        image = Path(folder) / "page.pgm"
        for page in document:
            try:
                _page_image(page, image)
            finally:
                page.close()
            texts.append(_tesseract(image, timeout))
    return texts
