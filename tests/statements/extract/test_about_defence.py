"""A statement is about defence when its title says so or two of its sentences do: a trade or
culture statement that recalls "the long-standing defence ties" in one sentence gets no
defence areas, no suggestion and no commitments of its own business."""

from __future__ import annotations

import pytest

from opportunities.models import Suggestion
from opportunities.suggestions.proposals import suggestion_propose
from partners.models import Country
from statements.extract import statement_extract
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]

TRADE = (
    "The Minister of Commerce of India and the Trade Secretary of Kenya met in New Delhi for "
    "the Joint Trade Committee. The two sides reviewed bilateral trade in tea and flowers. "
    "The Trade Secretary recalled the long-standing defence ties of the two countries, "
    "including the training of Kenyan officers in India. The two sides decided to hold the "
    "next session of the Joint Trade Committee in Nairobi."
)
DEFENCE = (
    "The Defence Minister of India and the Defence Secretary of Kenya met in New Delhi. They "
    "reviewed military cooperation, including the training of Kenyan officers in India. The "
    "two sides decided to hold the next defence dialogue in Nairobi."
)


def read(text: str, title: str = "Joint statement"):
    source = SourceFactory(country=Country.objects.get(code="IN"))
    statement = statement_from_text(text, title=title, source=source)
    statement_extract(statement_id=statement.pk)
    return statement


def test_one_sentence_of_defence_makes_no_defence_statement() -> None:
    statement = read(TRADE)

    assert list(statement.areas.all()) == []
    assert list(statement.commitments.all()) == []
    assert suggestion_propose(statement_id=statement.pk) is None
    assert not Suggestion.objects.exists()


def test_the_same_sentence_counts_in_a_statement_about_defence() -> None:
    statement = read(DEFENCE)

    assert "Training and exercises" in {area.name for area in statement.areas.all()}
    assert statement.commitments.count() == 1
    assert suggestion_propose(statement_id=statement.pk) is not None


def test_a_defence_title_makes_one_sentence_enough() -> None:
    statement = read(TRADE, title="India and Kenya review defence cooperation and trade")

    assert "Training and exercises" in {area.name for area in statement.areas.all()}
