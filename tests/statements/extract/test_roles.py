"""Country mentions carry a role: party (acts in the statement), place or other; suggestions and
their pairings use parties only. One made-up example per defect kind of issue 13, each of which
failed before roles existed."""

from __future__ import annotations

import pytest

from partners.models import Country
from statements.extract import statement_extract
from statements.models import Mention, Statement
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("tasks_in_process", "reference"), pytest.mark.django_db]


def roles(statement: Statement) -> dict[str, set[str]]:
    """Country code -> the roles its mentions have."""
    found: dict[str, set[str]] = {}
    for code, role in statement.mentions.filter(kind=Mention.Kind.COUNTRY).values_list(
        "country__code", "role"
    ):
        found.setdefault(code, set()).add(role)
    return found


def parties(statement: Statement) -> set[str]:
    return set(statement.mentions.parties().values_list("country__code", flat=True).distinct())


def test_a_topic_country_is_no_partner(extract) -> None:
    # "India-Ukraine" proposed for an India-France engine deal whose text only mentions the war.
    statement = statement_from_text(
        "India and France signed an agreement to co-develop jet engines. The two sides also "
        "discussed the situation in Ukraine and the war in Ukraine."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-FR"
    assert set(suggestion.countries.values_list("code", flat=True)) == {"IN", "FR"}
    assert roles(statement)["UA"] == {"other"}
    assert "UA" in set(statement.countries.values_list("code", flat=True))  # named, not paired


def test_a_place_is_no_partner(extract) -> None:
    statement = statement_from_text(
        "India and Australia agreed to expand maritime domain awareness. Their navies held "
        "joint exercises off Indonesia and in the South China Sea."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-AU"
    assert roles(statement)["ID"] == {"place"}
    assert "CN" not in roles(statement)  # "South China Sea" is a place term of its own
    assert statement.mentions.filter(kind=Mention.Kind.PLACE, term="South China Sea").exists()


def test_a_third_party_and_an_exercise_host_are_no_partners(extract) -> None:
    statement = statement_from_text(
        "India and Japan condemned the attack in Mali. Their navies took part in joint "
        "exercises hosted by Australia."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-JP"
    assert roles(statement)["ML"] == {"other"}  # "the attack in Mali": a topic
    assert roles(statement)["AU"] == {"other"}


def test_parties_by_title_delegation_ministry_and_visit(extract) -> None:
    statement = statement_from_text(
        "The Japanese side welcomed the progress. Japan's Ministry of Defence will lead. "
        "The Prime Minister of Australia paid a visit to Singapore.",
        title="India-Philippines Joint Statement on defence industrial cooperation",
    )

    extract(statement)

    assert parties(statement) == {"IN", "PH", "JP", "AU"}
    assert statement.mentions.filter(in_title=True, country__code="PH", role="party").exists()
    # A visit's destination is a party where no title says who the statement is between...
    untitled = statement_from_text("The Prime Minister of Australia paid a visit to Singapore.")
    extract(untitled)
    assert parties(untitled) == {"AU", "SG"}
    # ...and not beside a title that pairs India and the Philippines: SG stands only by place.
    assert roles(statement)["SG"] == {"other"}


def test_partners_by_position_only_are_others_when_the_title_pairs(extract) -> None:
    statement = statement_from_text(
        "The Ministers affirmed the importance of trilateral cooperation with the U.S, and "
        "welcomed the Japan-Philippines-U.S. maritime activities. They also welcomed cooperation "
        "with Australia. Australia announced it would join the next exercise.",
        title="Joint Statement of the Japan-Philippines Defence Ministerial Meeting",
    )

    extract(statement)

    # Australia acts in the last sentence; the U.S. is only beside the parties.
    assert parties(statement) == {"JP", "PH", "AU"}
    assert roles(statement)["US"] == {"other"}


def test_a_demonym_that_stands_for_no_government_is_other(extract) -> None:
    statement = statement_from_text(
        "India and France agreed on co-production. Japanese companies and Korean cuisine were "
        "on show; the Indian side thanked Japanese industry."
    )

    extract(statement)

    assert roles(statement)["JP"] == {"other"}
    assert roles(statement)["KR"] == {"other"}
    assert parties(statement) == {"IN", "FR"}


def test_the_sources_own_government_is_a_party(extract) -> None:
    source = SourceFactory(country=Country.objects.get(code="IN"))
    statement = statement_from_text(
        "The Ministry welcomed Japan's decision: Japan will join defence co-innovation in India.",
        source=source,
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-JP"
    assert roles(statement)["IN"] == {"party"}


def test_a_border_between_two_countries_makes_neither_a_party(extract) -> None:
    statement = statement_from_text(
        "India and the United States agreed to co-develop drones. They discussed the "
        "India-China border and tensions in Korea."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-US"
    assert roles(statement)["CN"] == {"other"}


# The gazetteer: longest match, place terms, aliases


def codes(statement: Statement) -> set[str]:
    return set(statement.countries.values_list("code", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        "Ships patrolled the Indian Ocean and the Indian Ocean Region.",
        "Firms from South America and Latin American markets attended.",
        "A plant in New Jersey and one in New Mexico were named.",
        "The state of Georgia and Washington State hosted the delegation.",
        "Oil from the Niger Delta reached the Gulf of Guinea.",
        "Security in the Indo-Pacific and the Korean Peninsula was discussed.",
    ],
)
def test_a_place_inside_which_a_country_name_sits_names_no_country(text: str) -> None:
    statement = statement_from_text(text)

    statement_extract(statement_id=statement.pk)

    assert codes(statement) == set()
    assert statement.mentions.filter(kind=Mention.Kind.PLACE).exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("India and the US agreed to co-develop engines.", {"IN", "US"}),
        ("The U.S and India agreed to co-develop engines.", {"IN", "US"}),
        ("The Indo-US partnership agreed on engines.", {"IN", "US"}),
        ("India-U.S. talks agreed to co-develop engines.", {"IN", "US"}),
        ("New Delhi and Canberra agreed to co-develop drones.", {"IN", "AU"}),
        ("India and the ROK signed a shipbuilding pact.", {"IN", "KR"}),
        ("India and the UAE signed a pact on drones.", {"IN", "AE"}),
        ("The India-France co-production of engines was agreed.", {"IN", "FR"}),
        ("The India\u2013Japan (en dash) co-design agreement was signed.", {"IN", "JP"}),
    ],
)
def test_aliases_name_the_parties(extract, text: str, expected: set[str]) -> None:
    statement = statement_from_text(text)

    extract(statement)

    assert parties(statement) == expected


def test_korean_alone_is_south_korea_and_north_korean_is_not() -> None:
    statement = statement_from_text("Korean and North Korean officials met.")

    statement_extract(statement_id=statement.pk)

    assert codes(statement) == {"KR", "KP"}


def test_a_place_before_the_verb_is_no_subject(extract) -> None:
    statement = statement_from_text(
        "India and Egypt agreed to co-produce drones. They condemned the attack on the Indian "
        "Embassy in Kabul and reiterated their resolve against terrorism."
    )

    [suggestion] = extract(statement)

    assert suggestion.key == "IN-EG"
    assert roles(statement)["AF"] == {"place"}
