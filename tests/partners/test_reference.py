"""Reference data loads every country and the starter investment areas, only ever creates what
is missing (staff edits survive a reload), and its keywords cover the vocabulary of real
statements."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from partners.models import Country, Firm, InvestmentArea, Term
from partners.reference import FIRM_DATA, INVESTMENT_AREAS, TERM_DATA, reference_load

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "000_2025c57bb3c034ba.txt"

# Phrases of the seed statement (the Foreign Secretary's briefing on India-Japan defence
# cooperation) that an investment area must recognise.
SEED_VOCABULARY = [
    "co-innovation",
    "co-design",
    "co-creation",
    "investment partnership",
    "Foreign Direct Investment",
    "Make in India",
    "supply chains",
    "training",
    "exercises",
    # "research" and "design" side by side, as the briefing lists them.
    "research, design",
]


@pytest.fixture
def loaded() -> dict[str, int]:
    return reference_load()


def all_keywords() -> set[str]:
    return {
        keyword.casefold()
        for keywords in InvestmentArea.objects.values_list("keywords", flat=True)
        for keyword in keywords
    }


def test_first_load_creates_every_country_and_area(loaded: dict[str, int]) -> None:
    terms = len(TERM_DATA.read_text(encoding="utf-8").splitlines()) - 1
    firms = sum(1 for _ in FIRM_DATA.open(encoding="utf-8")) - 1
    assert loaded == {
        "countries": 249,
        "investment areas": len(INVESTMENT_AREAS),
        "terms": terms,
        "firms": firms,
    }
    assert Term.objects.count() == terms
    assert Country.objects.count() == 249
    assert InvestmentArea.objects.count() == len(INVESTMENT_AREAS)


def test_areas_are_loaded_as_a_tree(loaded: dict[str, int]) -> None:
    mro = InvestmentArea.objects.get(slug="mro")

    assert mro.parent.slug == "industrial-cooperation"
    assert InvestmentArea.objects.get(slug="investment").parent is None


def test_second_load_creates_nothing(loaded: dict[str, int]) -> None:
    assert reference_load() == {"countries": 0, "investment areas": 0, "terms": 0, "firms": 0}
    assert Country.objects.count() == 249
    assert InvestmentArea.objects.count() == len(INVESTMENT_AREAS)


def test_staff_edits_survive_a_second_load(loaded: dict[str, int]) -> None:
    area = InvestmentArea.objects.get(slug="mro")
    area.name = "MRO and sustainment"
    area.keywords = ["MRO", "sustainment"]
    area.save()
    training = InvestmentArea.objects.get(slug="training-exercises")
    training.keywords = [*training.keywords, "Dharma Guardian"]
    training.save()
    japan = Country.objects.get(code="JP")
    japan.aliases = []
    japan.save()

    reference_load()

    area.refresh_from_db()
    assert (area.name, area.keywords) == ("MRO and sustainment", ["MRO", "sustainment"])
    training.refresh_from_db()
    assert "Dharma Guardian" in training.keywords
    japan.refresh_from_db()
    assert japan.aliases == []


def test_area_whose_slug_staff_edited_does_not_break_the_next_load(
    loaded: dict[str, int],
) -> None:
    InvestmentArea.objects.filter(slug="mro").update(slug="maintenance")

    reference_load()

    assert InvestmentArea.objects.filter(name="Maintenance, repair and overhaul").count() == 1


def test_deleted_area_comes_back_on_the_next_load(loaded: dict[str, int]) -> None:
    InvestmentArea.objects.filter(slug="mro").delete()

    assert reference_load() == {"countries": 0, "investment areas": 1, "terms": 0, "firms": 0}

    restored = InvestmentArea.objects.get(slug="mro")
    assert restored.parent.slug == "industrial-cooperation"
    assert "MRO" in restored.keywords


def test_deleted_country_comes_back_on_the_next_load(loaded: dict[str, int]) -> None:
    korean_firms = Firm.objects.filter(country__code="KR").count()
    Firm.objects.filter(country__code="KR").delete()  # a country's firms protect it
    Country.objects.filter(code="KR").delete()

    assert reference_load() == {
        "countries": 1,
        "investment areas": 0,
        "terms": 0,
        "firms": korean_firms,
    }
    assert Country.objects.filter(code="KR", alpha_3="KOR").exists()


def test_reference_firms_never_twin_or_undo_what_staff_recorded(db) -> None:
    reference_load(firms=False)
    india = Country.objects.get(code="IN")
    staff = Firm.objects.create(name="Hindustan Aeronautics Ltd.", country=india, aliases=[])
    renamed = Firm.objects.create(name="Thales India", country=Country.objects.get(code="FR"))

    reference_load()

    # "Hindustan Aeronautics Ltd." is the reference's HAL: no twin, and the staff's name stays.
    hal = Firm.objects.filter(country=india, name__istartswith="Hindustan Aeronautics")
    assert hal.count() == 1
    staff.refresh_from_db()
    assert (staff.name, staff.aliases) == ("Hindustan Aeronautics Ltd.", [])
    # Another name of the same country is another firm: the reference's Thales is added.
    assert Firm.objects.filter(name="Thales", country__code="FR").exists()
    assert Firm.objects.filter(pk=renamed.pk, name="Thales India").exists()
    assert Firm.objects.get(name="Lockheed Martin").history.count() == 1  # created with history


def test_countries_carry_demonyms_and_aliases(loaded: dict[str, int]) -> None:
    india = Country.objects.get(code="IN")
    japan = Country.objects.get(code="JP")
    united_states = Country.objects.get(code="US")

    assert "Indian" in india.demonyms
    assert "Japanese" in japan.demonyms
    assert "USA" in united_states.aliases
    assert (india.alpha_3, japan.alpha_3, united_states.alpha_3) == ("IND", "JPN", "USA")


def test_country_with_a_common_name_keeps_the_formal_one_as_an_alias(
    loaded: dict[str, int],
) -> None:
    korea = Country.objects.get(code="KR")

    assert korea.name == "South Korea"
    assert "Korea, Republic of" in korea.aliases
    assert "South Korean" in korea.demonyms


def test_load_reference_command_loads_and_can_run_again() -> None:
    out = StringIO()

    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)

    assert Country.objects.count() == 249
    assert InvestmentArea.objects.count() == len(INVESTMENT_AREAS)
    first, second = out.getvalue().strip().splitlines()
    assert f"created 249 countries, {len(INVESTMENT_AREAS)} investment areas" in first
    assert "created 0 countries, 0 investment areas" in second


def test_technology_transfer_is_a_keyword(loaded: dict[str, int]) -> None:
    assert "technology transfer" in all_keywords()


@pytest.mark.parametrize("phrase", SEED_VOCABULARY)
def test_area_keywords_cover_the_seed_statement(loaded: dict[str, int], phrase: str) -> None:
    if not SEED.exists():
        pytest.skip(f"seed statement not found at {SEED}")
    seed_text = SEED.read_text(encoding="utf-8").casefold()

    assert phrase.casefold() in seed_text
    assert phrase.casefold() in all_keywords()
