"""Compare PDF text readers on PDFs the project generates: pages per second and words kept.

    .venv/bin/python bench/pdf_bench.py [--documents 200] [--pages 5]

Both candidates (pypdfium2, pypdf) read the same generated 5-page statements; the words of
each page's text are compared with the words written. pypdf is only needed to run this
comparison; the importer uses pypdfium2 (see bench/README.md for why).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.statements.pdfs import pdf_bytes

WORDS = [
    *("India", "Japan", "France", "Korea", "defence", "co-innovation", "co-design"),
    *("co-production", "investment", "partnership", "supply", "chains", "training"),
    *("exercises", "technology", "transfer", "ministry", "statement", "unmanned", "systems"),
    *("naval", "cooperation", "agreement", "signed", "welcomed", "dialogue", "industry"),
]


def documents_generate(count: int, pages: int, seed: int = 7) -> list[tuple[bytes, list[str]]]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        texts = [
            "\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(45)) for _ in range(pages)
        ]
        made.append((pdf_bytes(texts, title="Statement"), texts))
    return made


def read_pdfium(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def read_pypdf(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def measure(name: str, read: Callable[[bytes], list[str]], documents: list) -> None:
    kept = total = pages = 0
    started = time.perf_counter()
    texts = [read(data) for data, _ in documents]
    elapsed = time.perf_counter() - started
    for got, (_, written) in zip(texts, documents, strict=True):
        for page_text, page_written in zip(got, written, strict=True):
            want = page_written.split()
            have = page_text.split()
            kept += sum(1 for a, b in zip(want, have, strict=False) if a == b)
            total += len(want)
            pages += 1
    print(
        f"{name:10} {pages / elapsed:8.0f} pages/s  {elapsed * 1000 / len(documents):6.1f} ms/doc"
        f"  words in place {kept / total:.2%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--pages", type=int, default=5)
    args = parser.parse_args()
    documents = documents_generate(args.documents, args.pages)
    size = sum(len(data) for data, _ in documents) / len(documents) / 1024
    print(f"{args.documents} documents of {args.pages} pages, {size:.0f} KB each")
    for name, read in (("pypdfium2", read_pdfium), ("pypdf", read_pypdf)):
        read(documents[0][0])  # warm up: imports and first-call setup are not per page
        measure(name, read, documents)


if __name__ == "__main__":
    main()
