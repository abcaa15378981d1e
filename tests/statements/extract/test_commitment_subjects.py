"""Who may promise: bodies named by a common noun ("the two companies will set up", "a joint
committee will review") do; what is done to something in the future passive ("Exercise Varuna
will be conducted", "trials of platforms by domestic firms will be conducted") binds nobody,
unless a known country or firm is its subject."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]

OPENING = "India and France held defence talks on defence industrial cooperation. "


def commitments(text: str) -> list[str]:
    source = SourceFactory(country=Country.objects.get(code="IN"))
    statement = statement_from_text(OPENING + text, source=source)
    statement_extract(statement_id=statement.pk)
    return list(statement.commitments.values_list("sentence", flat=True))


@pytest.mark.parametrize(
    "sentence",
    [
        "Under the MoU, the two companies will set up a joint production line for drones.",
        "A joint committee will review the implementation of the defence agreement every year.",
        "The working group will meet in Paris to take the defence roadmap forward.",
    ],
)
def test_a_body_named_by_a_common_noun_promises(sentence: str) -> None:
    assert commitments(sentence) == [sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        "The 24th edition of the naval exercise Varuna will be conducted in the Arabian Sea.",
        "Field trials of platforms developed by domestic firms will be conducted at ranges.",
    ],
)
def test_what_will_be_done_to_something_binds_nobody(sentence: str) -> None:
    assert commitments(sentence) == []


def test_a_known_country_in_the_passive_still_binds() -> None:
    sentence = "India will be represented at the defence industry roundtable in Paris."

    assert commitments(sentence) == [sentence]
