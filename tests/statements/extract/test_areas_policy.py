"""Areas (spelling variants, new areas, generic words only beside defence) and policy openings
(phrases for every kind, percentages in any spelling, owner fallback, cap and instrument): one
failing-before example per defect kind of issue 13."""

from __future__ import annotations

import pytest

from partners.models import Country, PolicyOpening
from statements.extract import statement_extract
from statements.models import Mention, Statement
from tests.statements.factories import SourceFactory
from tests.support.extraction import statement_from_text

# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]
Kind = PolicyOpening.Kind


def slugs(text: str, title: str = "Statement") -> set[str]:
    statement = statement_from_text(text, title=title)
    statement_extract(statement_id=statement.pk)
    return set(statement.areas.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("They agreed on the co-production of defence engines.", "co-development"),
        ("They agreed on the coproduction of defence engines.", "co-development"),
        ("They agreed on the co production of defence engines.", "co-development"),
        ("Engineers are co-designing the missile seeker.", "co-innovation"),
        ("They welcomed technology-sharing in the defence programme.", "technology-transfer"),
        ("They welcomed technology sharing in the defence programme.", "technology-transfer"),
        ("Both militaries expanded cooperation on space situational awareness.", "space"),
        ("A defence cyber security dialogue will meet in May.", "cyber"),
        ("Their navies will deepen maritime domain awareness.", "maritime-domain-awareness"),
        ("The navies agreed to share white shipping information.", "maritime-domain-awareness"),
        ("They reviewed defence industrial cooperation.", "industrial-cooperation"),
        ("They reviewed military cooperation and military-to-military ties.", "military"),
        ("The two armies agreed to hold joint exercise Dharma next year.", "training-exercises"),
    ],
)
def test_areas_are_found_in_any_spelling(text: str, slug: str) -> None:
    assert any(found.startswith(slug) for found in slugs(text))


def test_a_statement_that_says_nothing_of_defence_links_no_area() -> None:
    # Joint training camps for athletes, joint research in agriculture, film co-production.
    assert slugs("Coaches will run joint training camps and joint research on sport.") == set()
    assert slugs("The treaty covers the co-production of films.") == set()
    assert slugs("The pact covers the co-production of films.", title="Defence and film") != set()


def test_a_generic_word_counts_only_beside_defence() -> None:
    # "training and exercises" for an agreement on training nurses.
    assert (
        slugs("India and Japan agreed on the training of nurses and exercises for students.")
        == set()
    )
    assert slugs("They agreed on exports of rice.") == set()
    assert slugs("The armed forces will step up training.") == {"training-exercises"}
    assert slugs("Defence exports and naval exercises grew.") >= {
        "defence-exports",
        "training-exercises",
    }


def openings(statement: Statement) -> set[tuple[str, str]]:
    return set(statement.policy_openings.values_list("country__code", "kind"))


def extracted(text: str, **kwargs) -> Statement:
    statement = statement_from_text(text, **kwargs)
    statement_extract(statement_id=statement.pk)
    return statement


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Japan has eased its export controls on defence equipment.", Kind.EXPORT),
        ("France has revised its procurement procedure to open tenders.", Kind.PROCUREMENT),
        ("Australia relaxed its offset obligations for small buyers.", Kind.OFFSETS),
        ("Brazil launched a tax incentive scheme for defence firms.", Kind.INCENTIVE),
        ("Italy simplified industrial licensing for defence items.", Kind.OTHER),
        ("Israel raised the FDI cap to 49 per cent.", Kind.FDI),
    ],
)
def test_every_opening_kind_has_phrases(text: str, kind: str) -> None:
    statement = extracted(text)

    assert {kind for _, kind in openings(statement)} == {kind}


def test_naming_a_policy_without_opening_it_proposes_nothing() -> None:
    statement = extracted("Japan tightened its export controls on drones.")

    assert openings(statement) == set()
    assert statement.mentions.filter(kind=Mention.Kind.POLICY).exists()


@pytest.mark.parametrize("spelling", ["74%", "74 %", "74 per cent", "74 percent", "74 percent."])
def test_a_percentage_in_any_spelling_is_the_cap(spelling: str) -> None:
    statement = extracted(
        f"India has permitted FDI in defence up to {spelling} under the automatic route."
    )

    opening = statement.policy_openings.get()
    assert (opening.country.code, opening.kind) == ("IN", Kind.FDI)
    assert opening.cap == "74% automatic route"
    assert statement.mentions.filter(kind=Mention.Kind.POLICY, term__startswith="74").exists()


def test_the_opening_carries_the_instrument_found() -> None:
    statement = extracted(
        "Japan relaxed its export controls by Notification No. 12/2026 under the "
        "Open General Export Licence."
    )

    opening = statement.policy_openings.get()
    assert opening.instrument.startswith("Notification No. 12/2026")


def test_a_press_note_that_never_names_its_country_is_owned_by_its_source() -> None:
    source = SourceFactory(country=Country.objects.get(code="FR"))

    statement = extracted("The Ministry has liberalised the offset policy.", source=source)

    assert openings(statement) == {("FR", Kind.OFFSETS)}


def test_and_failing_a_source_country_by_the_home_country() -> None:
    statement = extracted("Foreign direct investment in defence is now allowed up to 74 per cent.")

    assert openings(statement) == {("IN", Kind.FDI)}
    assert statement.policy_openings.get().cap == "74%"


def test_a_foreign_party_alone_owns_what_its_statement_opens() -> None:
    statement = extracted(
        "Japan and Australia signed an agreement on submarines. The export control rules were "
        "eased for both.",
    )

    # Two parties and no home country: nobody can be said to own the rules.
    assert openings(statement) == set()
