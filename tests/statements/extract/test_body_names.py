"""Public bodies a statement names ("Sports Authority of India", "Bureau of Industry and
Security") and surnames written first in capitals ("NAKATANI Gen") become name candidates;
what a body is "of" ends at its line, at an office, and before "and" a country."""

from __future__ import annotations

import pytest

from statements.extract import statement_extract
from statements.models import Statement
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def candidates(text: str) -> set[tuple[str, str]]:
    statement: Statement = statement_from_text(text)
    statement_extract(statement_id=statement.pk)
    return set(statement.name_candidates.values_list("kind", "name"))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The Sports Authority of India will run camps with swimmers.",
            "Sports Authority of India",
        ),
        (
            "The Bureau of Industry and Security published a rule today.",
            "Bureau of Industry and Security",
        ),
        (
            "Talks were held with the University of Wollongong on campuses.",
            "University of Wollongong",
        ),
        (
            "The India Meteorological Department has forecast rain.",
            "India Meteorological Department",
        ),
        (
            "Goa Shipyard Limited and the Defence Industries Corporation of Nigeria met.",
            "Defence Industries Corporation of Nigeria",
        ),
        (
            "The Department for Promotion of Industry and Internal Trade issued a note.",
            "Department for Promotion of Industry and Internal Trade",
        ),
    ],
)
def test_a_public_body_and_what_it_is_of_are_one_candidate(text: str, name: str) -> None:
    assert ("organisation", name) in candidates(text)


def test_a_body_of_one_common_word_or_of_many_nations_is_none() -> None:
    found = candidates(
        "The Department of Defence agreed. The UN Security Council met. The Board of Directors met."
    )

    assert {name for kind, name in found if kind == "organisation"} == set()


def test_what_a_body_is_of_ends_at_an_office_a_country_after_and_and_its_line() -> None:
    found = candidates(
        "The Sports Authority of India Director General Sandeep Pradhan spoke.\n\n"
        "Ministry of Defence, Department of Defence Production\n\n"
        "The Ministry of Defence invites proposals."
    )

    assert ("organisation", "Sports Authority of India") in found
    assert ("person", "Sandeep Pradhan") in found
    assert not any("The Ministry" in name for _, name in found)


def test_a_surname_in_capitals_before_the_given_name_is_a_person() -> None:
    found = candidates(
        "Minister of Defense NAKATANI Gen of Japan met Chairman DRDO Dr Samir V Kamat in Tokyo."
    )

    assert ("person", "NAKATANI Gen") in found
    assert ("person", "Samir V Kamat") in found
    assert not any(name.startswith("DRDO") for _, name in found)


def test_an_offices_portfolio_is_no_body() -> None:
    statement = statement_from_text(
        "India and Peru signed a defence MoU. The Vice Minister of Cultural Heritage and "
        "Creative Industries of Peru, Ms Gabriela Perona, attended the defence ceremony."
    )
    statement_extract(statement_id=statement.pk)
    names = set(statement.name_candidates.values_list("name", flat=True))

    assert "Gabriela Perona" in names
    assert not any("Creative Industries" in name for name in names)
