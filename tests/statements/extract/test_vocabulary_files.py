"""The vocabulary is data a desk edits (and load_reference never undoes), and a text file's
title is read too: a file with no separate title line imports, titled by its first sentence."""

from __future__ import annotations

import pytest

from partners.models import Country, InvestmentArea, PolicyOpening, Term
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.imports import source_import
from statements.models import Mention, Source, Statement
from statements.parse import parse_text
from tests.support.extraction import statement_from_text

# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def extracted(text: str, **kwargs) -> Statement:
    statement = statement_from_text(text, **kwargs)
    statement_extract(statement_id=statement.pk)
    return statement


def test_a_policy_phrase_added_in_the_admin_is_found_at_the_next_extraction() -> None:
    statement = extracted("Japan has eased its defence transfer principles for partners.")
    assert not statement.policy_openings.exists()

    Term.objects.create(
        kind=Term.Kind.POLICY,
        phrase="defence transfer principles",
        opening_kind=PolicyOpening.Kind.EXPORT,
    )

    statement_extract(statement_id=statement.pk)

    opening = statement.policy_openings.get()
    assert (opening.country.code, opening.kind) == ("JP", PolicyOpening.Kind.EXPORT)


def test_a_switched_off_term_is_not_used_and_stays_off_after_a_reload() -> None:
    place = Term.objects.get(kind=Term.Kind.PLACE, phrase="New Jersey")
    place.is_active = False
    place.save()

    reference_load()

    assert not Term.objects.get(pk=place.pk).is_active
    statement = extracted("A plant in New Jersey opened.")
    assert list(statement.countries.values_list("code", flat=True)) == ["JE"]


def test_a_reload_brings_new_reference_terms_but_not_the_ones_staff_removed() -> None:
    # As on a database loaded before this vocabulary: no record of what the load wrote.
    us = Country.objects.get(code="US")
    Country.objects.filter(pk=us.pk).update(
        aliases=["USA"], reference_terms=[], demonyms=["American"]
    )
    area = InvestmentArea.objects.get(slug="military-cooperation")
    InvestmentArea.objects.filter(pk=area.pk).update(keywords=[], reference_terms=[])

    reference_load()
    us.refresh_from_db()
    area.refresh_from_db()
    assert {"US", "U.S", "Washington"} <= set(us.aliases)
    assert "military cooperation" in area.keywords

    us.aliases = [alias for alias in us.aliases if alias != "Washington"]
    us.save()
    reference_load()

    us.refresh_from_db()
    assert "Washington" not in us.aliases


# Text files


def test_the_title_line_is_extracted_too() -> None:
    statement = statement_from_text(
        "The two sides reviewed progress on co-design.", title="India-Japan Joint Statement"
    )

    result = statement_extract(statement_id=statement.pk)

    assert set(statement.countries.values_list("code", flat=True)) == {"IN", "JP"}
    title_mentions = statement.mentions.filter(in_title=True, kind=Mention.Kind.COUNTRY)
    assert {m.term for m in title_mentions} == {"India", "Japan"}
    assert {m.role for m in title_mentions} == {"party"}
    assert {Country.objects.get(pk=pk).code for pk in result.parties} == {"IN", "JP"}


def test_a_one_paragraph_file_imports_titled_by_its_first_sentence() -> None:
    parsed = parse_text(
        b"India and France agreed to co-develop engines. The work starts in 2027.\n"
    )

    assert parsed.title == "India and France agreed to co-develop engines."
    assert parsed.text.startswith("India and France agreed")


def test_a_file_that_opens_with_a_paragraph_keeps_it_as_text() -> None:
    paragraph = "India and France agreed to co-develop engines for the fighter. " * 6
    parsed = parse_text(f"{paragraph}\n\nThe work starts in 2027.\n".encode())

    assert parsed.text.startswith("India and France agreed")
    assert parsed.title.endswith("for the fighter.")


def test_a_folder_of_files_without_title_lines_imports(tmp_path) -> None:
    (tmp_path / "one.txt").write_text("Japan and India agreed on co-innovation in defence.\n")
    (tmp_path / "two.txt").write_text("Title line\n\nIndia and Australia signed an MoU.\n")
    source = Source.objects.create(name="Folder", kind=Source.Kind.FOLDER, path=str(tmp_path))

    source_import(source_id=source.pk)

    titles = set(Statement.objects.values_list("title", flat=True))
    assert titles == {"Japan and India agreed on co-innovation in defence.", "Title line"}
    one = Statement.objects.get(title__startswith="Japan")
    statement_extract(statement_id=one.pk)
    # The title repeats the text: its words are not counted twice.
    assert not one.mentions.filter(in_title=True).exists()
