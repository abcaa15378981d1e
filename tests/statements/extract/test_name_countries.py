"""A new name's country: a party listed after the name ("..., and the French delegation",
"with the French side") is another member of the list, not the name's country; a party in an
apposition after it ("Mr X, Deputy Prime Minister of Australia") still is."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def countries(text: str, *, source: str = "JP") -> dict[str, str | None]:
    statement = statement_from_text(
        text, source=SourceFactory(country=Country.objects.get(code=source))
    )
    statement_extract(statement_id=statement.pk)
    return {
        candidate.name: candidate.country.code if candidate.country else None
        for candidate in statement.name_candidates.select_related("country")
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "Minister Kenji Sato opened the defence talks, and the French delegation replied.",
        "Minister Kenji Sato opened the defence talks with the French delegation.",
        "Minister Kenji Sato opened the defence talks; the French delegation replied.",
    ],
)
def test_a_party_listed_after_a_name_is_not_its_country(sentence: str) -> None:
    text = f"Japan and France held defence talks in Tokyo. {sentence}"

    assert countries(text)["Kenji Sato"] == "JP"


def test_a_party_in_an_apposition_after_a_name_is_its_country() -> None:
    text = (
        "India and Australia held defence talks in New Delhi. Mr Richard Marles, Deputy Prime "
        "Minister of Australia, opened the defence talks."
    )

    assert countries(text, source="IN")["Richard Marles"] == "AU"
