"""Helpers of the extraction tests (tests/statements/extract/ and the pages that show what it
found): statements made from a text or a sample file."""

from __future__ import annotations

from pathlib import Path

import statements
from partners.models import Country
from statements.extract import statement_extract
from statements.models import Source, Statement
from statements.parse import parse_text
from statements.services import content_hash
from tests.statements.factories import SourceFactory, StatementFactory

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_2025c57bb3c034ba.txt"
SAMPLES = Path(statements.__file__).parent / "samples"


def statement_from_text(text: str, *, title: str = "Statement", source: Source | None = None):
    return StatementFactory(
        title=title,
        text=text,
        content_hash=content_hash(text),
        source=source or SourceFactory(),
    )


def statement_extracted(
    text: str, *, country: str | None = None, title: str = "Statement"
) -> Statement:
    """A statement of `text` from a source of `country` (ISO code; None: no country), extracted
    as an import would."""
    source = SourceFactory(country=Country.objects.get(code=country)) if country else None
    statement = statement_from_text(text, title=title, source=source)
    statement_extract(statement_id=statement.pk)
    return statement


def areas_extracted(text: str, *, country: str = "IN", title: str = "Statement") -> set[str]:
    """The names of the areas `text` links, extracted as `statement_extracted` does."""
    statement = statement_extracted(text, country=country, title=title)
    return set(statement.areas.values_list("name", flat=True))


def statement_from_file(path: Path) -> Statement:
    parsed = parse_text(path.read_bytes())
    statement = statement_from_text(parsed.text, title=parsed.title)
    statement.published_on, statement.speaker = parsed.published_on, parsed.speaker
    statement.save(update_fields=["published_on", "speaker"])
    return statement
