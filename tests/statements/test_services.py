"""Statement text is parsed into title, date, speaker and body, and stored once however often it
is fetched."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

import statements
from statements.models import RawItem, Source, Statement
from statements.parse import ParsedStatement, ParseError, parse_text
from statements.services import raw_item_store, statement_store
from tests.statements.factories import SourceFactory

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_2025c57bb3c034ba.txt"
SAMPLES = sorted((Path(statements.__file__).parent / "samples").glob("*.txt"))


@pytest.fixture
def seed_bytes() -> bytes:
    if not SEED.exists():
        pytest.skip(f"seed statement not found at {SEED}")
    return SEED.read_bytes()


# parse_text


def test_seed_statement_keeps_its_title_and_drops_page_furniture(seed_bytes: bytes) -> None:
    parsed = parse_text(seed_bytes)

    assert parsed.title == "India Japan Defence Cooperation : Design and Innovation Focus"
    assert "top of page" not in parsed.text.lower()
    assert "bottom of page" not in parsed.text.lower()
    assert parsed.text.startswith("Shri Vinay Kwatra, Foreign Secretary")
    assert parsed.text.endswith("trusted supply chains in the field of Defense")
    assert "\n\n\n" not in parsed.text


def test_seed_statement_has_no_date_or_speaker_header(seed_bytes: bytes) -> None:
    parsed = parse_text(seed_bytes)

    assert parsed.published_on is None
    assert parsed.speaker == ""


def test_there_are_samples_to_parse() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_every_sample_yields_title_date_and_speaker(sample: Path) -> None:
    content = sample.read_text(encoding="utf-8")
    first_line = content.splitlines()[0]
    declared_date = re.search(r"^Date: (\d{4}-\d{2}-\d{2})$", content, re.MULTILINE).group(1)
    declared_speaker = re.search(r"^Speaker:(.*)$", content, re.MULTILINE).group(1).strip()

    parsed = parse_text(sample.read_bytes())

    assert parsed.title == first_line.strip()
    assert parsed.published_on == datetime.date.fromisoformat(declared_date)
    assert parsed.speaker == declared_speaker
    assert not parsed.text.startswith(("Date:", "Speaker:"))
    assert parsed.text.split("\n", 1)[0] in content


def test_sample_headers_are_read_into_fields() -> None:
    parsed = parse_text(
        (Path(statements.__file__).parent / "samples" / "india-france-engines.txt").read_bytes()
    )

    assert parsed.title == (
        "India and France Advance Aero-Engine Co-Development and Submarine Co-Production"
    )
    assert parsed.published_on == datetime.date(2025, 3, 18)
    assert parsed.speaker == (
        "Vikram Seshadri, Joint Secretary (Aerospace), Department of Defence Production"
    )
    assert parsed.text.startswith("The third meeting of the India-France Defence Industrial")


def test_windows_line_endings_are_read() -> None:
    raw = b"Title\r\n\r\nDate: 2025-01-02\r\nSpeaker: Spokesperson\r\n\r\nBody line.\r\n"

    parsed = parse_text(raw)

    assert parsed == ParsedStatement(
        title="Title",
        text="Body line.",
        published_on=datetime.date(2025, 1, 2),
        speaker="Spokesperson",
    )


@pytest.mark.parametrize("raw", [b"", b"\n\n  \n", b"top of page\n\nbottom of page\n"])
def test_empty_file_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_text(raw)


@pytest.mark.parametrize(
    "raw",
    [b"Just a title", b"Just a title\n\n", b"Title\n\nDate: 2025-01-02\nSpeaker: Someone\n"],
)
def test_title_without_text_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError, match="no text"):
        parse_text(raw)


@pytest.mark.parametrize("date", ["22/11/2024", "2024-13-01", "November 2024"])
def test_unreadable_date_is_a_parse_error_that_says_the_format(date: str) -> None:
    raw = f"Title\n\nDate: {date}\n\nBody.\n".encode()

    with pytest.raises(ParseError) as caught:
        parse_text(raw)

    assert str(caught.value) == f"Unreadable date {date!r}: use YYYY-MM-DD."


def test_shift_jis_decodes_with_the_declared_encoding() -> None:
    raw = "日印防衛協力\n\nDate: 2026-01-27\n\n共同開発について協議した。\n".encode("shift_jis")

    parsed = parse_text(raw, declared_encoding="shift_jis")

    assert parsed.title == "日印防衛協力"
    assert parsed.text == "共同開発について協議した。"
    assert parsed.published_on == datetime.date(2026, 1, 27)


def test_bytes_that_are_not_utf8_without_a_declared_charset_do_not_raise() -> None:
    raw = b"Caf\xe9 statement\n\nThe minister met the d\xe9l\xe9gation.\n"

    parsed = parse_text(raw)

    assert parsed.title.startswith("Caf")
    assert parsed.text.startswith("The minister met the d")


def test_utf8_byte_order_mark_is_not_part_of_the_title() -> None:
    raw = "\ufefftop of page\nIndia Japan Defence Cooperation\n\nBody.\n".encode()

    parsed = parse_text(raw)

    assert parsed.title == "India Japan Defence Cooperation"


def test_unknown_declared_charset_falls_back_to_utf8() -> None:
    parsed = parse_text("Tōkyō briefing\n\nBody.\n".encode(), declared_encoding="no-such-codec")

    assert parsed.title == "Tōkyō briefing"


# raw_item_store and statement_store


@pytest.fixture
def source(db) -> Source:
    return SourceFactory(name="MEA briefings")


def parsed_statement(text: str, title: str = "Briefing") -> ParsedStatement:
    return ParsedStatement(
        title=title, text=text, published_on=datetime.date(2023, 3, 20), speaker="FS"
    )


def store(source: Source, text: str, body: bytes, url: str = "", title: str = "Briefing"):
    raw_item, _ = raw_item_store(source=source, body=body, url=url)
    return statement_store(raw_item=raw_item, parsed=parsed_statement(text, title))


TEXT = "India and Japan discussed co-innovation, co-design and co-creation.\n\nMore to follow."


def test_raw_bytes_and_headers_are_kept_before_the_statement(source: Source) -> None:
    body = TEXT.encode("utf-8")
    headers = {"Content-Type": "text/plain; charset=utf-8", "ETag": '"abc"'}

    raw_item, created = raw_item_store(
        source=source, body=body, url="https://www.mea.gov.in/briefing/36000", headers=headers
    )

    assert created is True
    raw_item = RawItem.objects.get(pk=raw_item.pk)
    assert bytes(raw_item.body) == body
    assert raw_item.headers == headers
    assert raw_item.status == RawItem.Status.STORED
    assert raw_item.statement is None


def test_new_statement_is_stored_and_its_raw_item_points_to_it(source: Source) -> None:
    statement, created = store(source, TEXT, b"one", url="https://www.mea.gov.in/briefing/36000")

    assert created is True
    statement = Statement.objects.get(pk=statement.pk)
    assert statement.canonical_url == "https://www.mea.gov.in/briefing/36000"
    assert (statement.title, statement.speaker) == ("Briefing", "FS")
    assert statement.published_on == datetime.date(2023, 3, 20)
    assert statement.fetched_at is not None
    raw_item = statement.raw_items.get()
    assert raw_item.status == RawItem.Status.PARSED


def test_same_bytes_twice_from_one_source_are_kept_once(source: Source) -> None:
    first, created = raw_item_store(source=source, body=b"same bytes", name="a.txt")
    again, created_again = raw_item_store(source=source, body=b"same bytes", name="b.txt")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_same_text_twice_is_stored_once(source: Source) -> None:
    first, created = store(source, TEXT, b"one")
    again, created_again = store(source, TEXT, b"2")

    assert created is True
    assert created_again is False
    assert again.pk == first.pk
    assert Statement.objects.count() == 1
    assert RawItem.objects.filter(status=RawItem.Status.DUPLICATE, statement=first).count() == 1


def test_reflowed_text_in_another_case_is_the_same_statement(source: Source) -> None:
    first, _ = store(source, TEXT, b"one")
    reflowed = (
        "  INDIA and Japan discussed\nco-innovation,   co-design\tand CO-CREATION. More to follow. "
    )

    again, created = store(source, reflowed, b"two", title="Other title")

    assert created is False
    assert again.pk == first.pk
    assert again.title == "Briefing"
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    "url_again",
    [
        "https://www.mea.gov.in/briefing/36000/",
        "https://www.mea.gov.in/briefing/36000#top",
        "https://WWW.MEA.gov.in/briefing/36000",
        "HTTPS://www.mea.gov.in/briefing/36000/#para-2",
    ],
)
def test_same_canonical_url_is_fetched_and_stored_once(source: Source, url_again: str) -> None:
    first, _ = store(source, TEXT, b"one", url="https://www.mea.gov.in/briefing/36000")

    raw_item, created = raw_item_store(source=source, body=b"two", url=url_again)

    assert created is False
    assert raw_item.statement_id == first.pk
    assert Statement.objects.count() == 1
