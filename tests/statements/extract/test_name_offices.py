"""People's names after the offices official statements write: a portfolio ("Minister of
National Defence"), joined offices ("Deputy Prime Minister and Minister for Defence, the Hon"),
a comma before the name, names with inner capitals and particles; a surname alone is none."""

from __future__ import annotations

import pytest

from statements.extract import statement_extract
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def people(text: str) -> set[str]:
    statement = statement_from_text(text)
    statement_extract(statement_id=statement.pk)
    return set(statement.name_candidates.filter(kind="person").values_list("name", flat=True))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Germany's Minister of Defence Boris Pistorius signed the defence agreement.",
            "Boris Pistorius",
        ),
        (
            "Canada's Minister of National Defence, David McGuinty, signed the defence pact.",
            "David McGuinty",
        ),
        (
            "Australia's Deputy Prime Minister and Minister for Defence, the Hon Richard Marles "
            "MP, met the defence delegation.",
            "Richard Marles",
        ),
        (
            "The Ambassador of Brazil, Mr João Ribeiro de Almeida, called on the defence minister.",
            "João Ribeiro de Almeida",
        ),
    ],
)
def test_a_name_after_its_office_is_found_whole(text: str, name: str) -> None:
    assert name in people(text)


def test_a_surname_alone_is_no_candidate() -> None:
    assert people("Mr Lee and Minister Marles discussed defence co-production.") == set()
