"""What a notice states is a rule, not a promise: "shall" where fewer than two parties act,
what is done to someone by another, and a plural common noun that is capitalised only as the
first word of its sentence. Between two parties "shall" still commits them."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from statements.models import Statement
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def commitments(text: str, *, country: str | None = "IN") -> list[str]:
    source = SourceFactory(country=Country.objects.get(code=country)) if country else None
    statement: Statement = statement_from_text(text, source=source)
    statement_extract(statement_id=statement.pk)
    return list(statement.commitments.values_list("sentence", flat=True))


@pytest.mark.parametrize(
    "sentence",
    [
        "Exporters shall file half-yearly returns of defence exports under the licence.",
        "The Department shall notify the procedure for defence licences within 30 days.",
        "Transfers will be limited to countries not engaged in conflict under the defence rule.",
        "They will be evaluated by a committee of the Ministry of Defence.",
    ],
)
def test_the_rules_of_a_notice_are_no_commitments(sentence: str) -> None:
    assert commitments(sentence) == []


def test_between_two_parties_shall_and_a_country_in_s_still_commit() -> None:
    found = commitments(
        "India and the Philippines agreed on defence cooperation. The two sides shall convene "
        "the Joint Defence Cooperation Committee in Manila. The Philippines will host the "
        "next defence industry dialogue.",
    )

    assert len(found) == 3


def test_what_is_done_by_another_after_shall_commits_nobody_between_parties_too() -> None:
    found = commitments(
        "India and France agreed on defence cooperation. The Joint Working Group shall be "
        "advised by defence officials of both sides.",
    )

    assert len(found) == 1
