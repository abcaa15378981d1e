"""People after an office written in lower case the Spanish, French or Portuguese way, before
a comma ("la ministra de Defensa, Margarita Robles"); the office's owner gives the country;
a plain word before a comma is no office."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]

SPANISH = (
    "La ministra de Defensa, Margarita Robles, ha recibido al ministro de Defensa de la India, "
    "Rajnath Singh, para hablar de cooperación en defensa y del programa C295."
)


def people(text: str, source: str = "ES") -> dict[str, str | None]:
    statement = statement_from_text(
        text, source=SourceFactory(country=Country.objects.get(code=source))
    )
    statement_extract(statement_id=statement.pk)
    candidates = statement.name_candidates.filter(kind="person").select_related("country")
    return {c.name: c.country.code if c.country else None for c in candidates}


def test_spanish_offices_before_a_comma() -> None:
    found = people(SPANISH)

    assert found["Margarita Robles"] == "ES"
    assert found["Rajnath Singh"] == "IN"


def test_a_french_office() -> None:
    found = people("Le ministre des Armées, Sébastien Durand, a reçu la délégation.", "FR")

    assert found == {"Sébastien Durand": "FR"}


def test_a_plain_word_before_a_comma_is_no_office() -> None:
    assert people("The defence talks were presidential, Margarita Robles said.", "ES") == {}
