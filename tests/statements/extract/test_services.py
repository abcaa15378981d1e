"""Extraction finds the gazetteer's countries, firms, contacts, areas and policy phrases in a
statement, stores them as mentions and links, and proposes candidate policy openings."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening
from statements.extract import (
    SNIPPET_LIMIT,
    find_mentions,
    gazetteer_build,
    gazetteer_get,
    statement_extract,
)
from statements.models import Mention, Statement
from statements.signals import statement_extracted
from tests.support.extraction import SAMPLES, statement_from_file, statement_from_text

pytestmark = pytest.mark.django_db


def sample(name: str) -> Statement:
    return statement_from_file(SAMPLES / name)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def area(slug: str) -> InvestmentArea:
    return InvestmentArea.objects.get(slug=slug)


def codes(statement: Statement) -> set[str]:
    return set(statement.countries.values_list("code", flat=True))


def slugs(statement: Statement) -> set[str]:
    return set(statement.areas.values_list("slug", flat=True))


def found_in(text: str) -> list[tuple[str, str]]:
    """(kind, term) for each match, against the current gazetteer."""
    return [(item.kind, item.term) for item in find_mentions(text, gazetteer_build())]


def terms(statement: Statement, kind: str) -> set[str]:
    return set(statement.mentions.filter(kind=kind).values_list("term", flat=True))


def snapshot(statement: Statement) -> dict:
    """Everything extraction writes for a statement, ids of mentions aside."""
    return {
        "mentions": sorted(
            statement.mentions.values_list(
                "kind", "term", "start", "end", "snippet", "country", "firm", "contact", "area"
            )
        ),
        "countries": sorted(statement.countries.values_list("pk", flat=True)),
        "firms": sorted(statement.firms.values_list("pk", flat=True)),
        "contacts": sorted(statement.contacts.values_list("pk", flat=True)),
        "areas": sorted(statement.areas.values_list("pk", flat=True)),
        "openings": sorted(statement.policy_openings.values_list("pk", flat=True)),
        "all_openings": PolicyOpening.objects.count(),
    }


def seed_people() -> list[Contact]:
    india, japan = country("IN"), country("JP")
    return [
        Contact.objects.create(
            name="Vinay Kwatra", role="Foreign Secretary", country=india, aliases=["FS Kwatra"]
        ),
        Contact.objects.create(
            name="Narendra Modi",
            role="Prime Minister",
            country=india,
            aliases=["Prime Minister Modi"],
        ),
        Contact.objects.create(
            name="Fumio Kishida",
            role="Prime Minister",
            country=japan,
            aliases=["Prime Minister Kishida"],
        ),
    ]


# The seed


def test_seed_names_india_and_japan(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)

    assert codes(seed) == {"IN", "JP"}
    assert {"Japanese", "Indian"} <= terms(seed, Mention.Kind.COUNTRY)


def test_seed_yields_the_investment_areas_a_desk_expects(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)

    assert slugs(seed) == {
        "co-innovation",
        "investment",
        "make-in-india",
        "supply-chains",
        "training-exercises",
        "research-design",
    }
    assert {
        "co-innovation",
        "co-design",
        "co-creation",
        "investment partnership",
        "Foreign Direct Investment",
        "Make in India",
        "trusted supply chains",
        "training",
        "exercises",
        "research, design",
    } <= terms(seed, Mention.Kind.AREA)


def test_seed_proposes_a_defence_fdi_opening_for_india_only(seed: Statement) -> None:
    result = statement_extract(statement_id=seed.pk)

    opening = PolicyOpening.objects.get()
    assert opening.country.code == "IN"
    assert opening.kind == PolicyOpening.Kind.FDI
    assert opening.status == PolicyOpening.Status.CANDIDATE
    assert opening.title == "Defence FDI opening (from statement)"
    assert "completely open in India" in opening.summary
    assert list(seed.policy_openings.all()) == [opening]
    assert result.policy_openings == {opening.pk}


def test_seed_policy_phrases_are_mentions_without_an_entity(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)

    policy = seed.mentions.filter(kind=Mention.Kind.POLICY)
    assert {
        "Foreign Direct Investment",
        "completely open",
        "policy framework liberalization",
        "private sector investments",
        "Make in India",
    } <= set(policy.values_list("term", flat=True))
    assert not policy.exclude(country=None, firm=None, contact=None, area=None).exists()


def test_seed_people_are_found_only_once_they_are_contacts(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)
    assert not seed.mentions.filter(kind=Mention.Kind.CONTACT).exists()

    people = seed_people()
    statement_extract(statement_id=seed.pk)

    assert set(seed.contacts.all()) == set(people)
    assert {
        "Vinay Kwatra",
        "FS Kwatra",
        "Narendra Modi",
        "Prime Minister Modi",
        "Prime Minister Kishida",
    } <= terms(seed, Mention.Kind.CONTACT)


def test_mentions_store_the_span_and_the_sentence_around_it(seed: Statement) -> None:
    statement_extract(statement_id=seed.pk)

    for mention in seed.mentions.all():
        source = seed.title if mention.in_title else seed.text
        assert source[mention.start : mention.end] == mention.term
        assert len(mention.snippet) <= SNIPPET_LIMIT + 2  # two ellipses at most
        assert mention.term in mention.snippet
    open_in_india = seed.mentions.get(kind=Mention.Kind.POLICY, term="completely open")
    assert open_in_india.snippet.endswith("those two sectors are completely open in India.")


# The project's samples


@pytest.mark.parametrize(
    ("name", "countries", "areas"),
    [
        (
            "india-france-engines.txt",
            {"IN", "FR"},
            {"co-development", "technology-transfer", "make-in-india", "naval-systems"},
        ),
        (
            "india-australia-maritime.txt",
            {"IN", "AU"},
            {"maritime-security", "training-exercises", "supply-chains", "research-design"},
        ),
        (
            "japan-india-industry-forum.txt",
            {"IN", "JP"},
            {"co-innovation", "supply-chains", "unmanned-systems", "investment"},
        ),
        (
            "india-us-fdi-liberalisation.txt",
            {"IN", "US"},
            {"investment", "co-development", "mro", "supply-chains"},
        ),
        ("routine-courtesy-call.txt", {"IN", "KR"}, set()),
    ],
)
def test_samples_yield_their_countries_and_areas(
    reference, name: str, countries: set[str], areas: set[str]
) -> None:
    statement = sample(name)

    statement_extract(statement_id=statement.pk)

    assert codes(statement) == countries
    assert areas <= slugs(statement)
    assert bool(areas) == statement.areas.exists()


def test_france_sample_names_its_firms_once_they_exist(reference) -> None:
    statement = sample("india-france-engines.txt")
    statement_extract(statement_id=statement.pk)
    assert not statement.firms.exists()

    firms = {
        Firm.objects.create(name="Safran", country=country("FR")),
        Firm.objects.create(
            name="Hindustan Aeronautics Limited", aliases=["HAL"], country=country("IN")
        ),
        Firm.objects.create(name="Naval Group", country=country("FR")),
    }
    statement_extract(statement_id=statement.pk)

    assert set(statement.firms.all()) == firms
    assert {"Safran", "Hindustan Aeronautics Limited", "HAL", "Naval Group"} <= terms(
        statement, Mention.Kind.FIRM
    )


def test_japan_forum_sample_proposes_an_indian_fdi_opening(reference) -> None:
    # "Japanese industry" benefits from the liberalised policy; "in India" owns it.
    statement = sample("japan-india-industry-forum.txt")

    statement_extract(statement_id=statement.pk)

    opening = statement.policy_openings.get()
    assert (opening.country.code, opening.kind) == ("IN", PolicyOpening.Kind.FDI)


def test_a_country_named_only_as_beneficiary_owns_no_opening(reference) -> None:
    # "briefed representatives of United States industry ... on the liberalised FDI policy"
    statement = sample("india-us-fdi-liberalisation.txt")

    statement_extract(statement_id=statement.pk)

    assert {"FDI", "automatic route", "74%"} <= terms(statement, Mention.Kind.POLICY)
    assert not PolicyOpening.objects.filter(country__code="US").exists()


def test_a_foreign_policy_is_proposed_for_the_country_that_owns_it(reference) -> None:
    statement = statement_from_text("France announced an offsets reform; India welcomed it.")
    statement_extract(statement_id=statement.pk)
    assert statement.policy_openings.get().country.code == "IN"  # home named: its policy

    statement = statement_from_text("France has eased its offsets rules for defence buyers.")
    statement_extract(statement_id=statement.pk)

    opening = statement.policy_openings.get()
    assert (opening.country.code, opening.kind) == ("FR", PolicyOpening.Kind.OFFSETS)


# Matching rules


def test_matches_stop_at_word_boundaries(reference) -> None:
    found = found_in("Officials from Indiana met Ukrainian and UK delegates and Omani ones.")

    assert ("country", "India") not in found
    assert ("country", "UK") in found
    assert ("country", "Ukrainian") in found
    assert ("country", "Omani") in found  # Oman's demonym, not "Oman" inside it


def test_a_name_inside_a_longer_word_is_not_its_demonym(reference) -> None:
    oman = country("OM")
    oman.demonyms = []
    oman.save()

    assert found_in("Omani officials attended.") == []
    assert found_in("Officials from Oman attended.") == [("country", "Oman")]


def test_short_capitalised_terms_match_only_in_capitals(reference) -> None:
    Firm.objects.create(
        name="Hindustan Aeronautics Limited", aliases=["HAL"], country=country("IN")
    )

    assert found_in("HAL and FDI and the UK and MRO and the ROK") == [
        ("firm", "HAL"),
        ("area", "FDI"),
        ("policy", "FDI"),
        ("country", "UK"),
        ("area", "MRO"),
        ("country", "ROK"),
    ]
    assert found_in("hal said fdi, uk, Mro and rok were Hal's words") == []


def test_names_match_capitalised_or_in_capitals_but_not_in_lower_case(reference) -> None:
    assert found_in("JAPAN, japan and Japan") == [("country", "JAPAN"), ("country", "Japan")]


def test_areas_match_in_any_case(reference) -> None:
    assert [kind for kind, _ in found_in("CO-INNOVATION and Co-Design")] == ["area", "area"]


def test_the_longest_overlapping_term_wins(reference) -> None:
    found = found_in(
        "South Sudanese and Papua New Guinean officers discussed trusted supply chains."
    )

    assert found == [
        ("country", "South Sudanese"),
        ("country", "Papua New Guinean"),
        ("area", "trusted supply chains"),
    ]
    assert found_in("Sudanese and Guinean officers") == [
        ("country", "Sudanese"),
        ("country", "Guinean"),
    ]


def test_a_term_shared_by_two_entities_links_both(reference) -> None:
    steel = Firm.objects.create(name="Tata Steel", aliases=["Tata"], country=country("IN"))
    systems = Firm.objects.create(
        name="Tata Advanced Systems", aliases=["Tata"], country=country("IN")
    )
    statement = statement_from_text("Tata will build defence parts under Make in India.")

    result = statement_extract(statement_id=statement.pk)

    assert result.firms == {steel.pk, systems.pk}
    assert set(statement.firms.all()) == {steel, systems}
    # One mention per entity, each at the same span.
    tata = statement.mentions.filter(kind=Mention.Kind.FIRM, term="Tata")
    assert sorted(tata.values_list("firm_id", "start", "end")) == sorted(
        [(steel.pk, 0, 4), (systems.pk, 0, 4)]
    )
    statement_extract(statement_id=statement.pk)
    assert tata.count() == 2  # and again after re-extraction, not four
    # One phrase, two kinds: an investment area and a policy phrase at the same span.
    make_in_india = statement.mentions.filter(term="Make in India")
    assert set(make_in_india.values_list("kind", flat=True)) == {"area", "policy"}
    assert make_in_india.get(kind="area").area == area("make-in-india")


def test_empty_gazetteer_finds_nothing(db) -> None:
    statement = statement_from_text("India and Japan discussed co-innovation.")

    result = statement_extract(statement_id=statement.pk)

    assert [item.kind for item in result.mentions] == []
    assert not statement.mentions.exists()


# Storing


def test_re_extraction_leaves_exactly_the_same_rows(seed: Statement) -> None:
    seed_people()
    statement_extract(statement_id=seed.pk)
    first = snapshot(seed)
    mention_count = Mention.objects.count()

    statement_extract(statement_id=seed.pk)

    assert snapshot(seed) == first
    assert Mention.objects.count() == mention_count
    assert PolicyOpening.objects.filter(status=PolicyOpening.Status.CANDIDATE).count() == 1


def test_re_extraction_drops_what_the_text_no_longer_names(reference) -> None:
    statement = statement_from_text("India and Japan agreed on co-innovation.")
    statement_extract(statement_id=statement.pk)
    Statement.objects.filter(pk=statement.pk).update(text="India and France spoke.")

    statement_extract(statement_id=statement.pk)

    assert codes(statement) == {"IN", "FR"}
    assert not statement.areas.exists()
    assert not statement.mentions.filter(term="Japan").exists()


def test_extraction_stamps_the_statement_and_signals_after_commit(
    reference, django_capture_on_commit_callbacks
) -> None:
    statement = statement_from_text("India and Japan agreed on co-innovation.")
    received = []

    def receiver(sender, statement_ids: list[int], **kwargs) -> None:
        received.extend(statement_ids)

    statement_extracted.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            statement_extract(statement_id=statement.pk)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        statement_extracted.disconnect(receiver)

    assert received == [statement.pk]
    statement.refresh_from_db()
    assert statement.extracted_at is not None


def test_an_edited_firm_alias_is_found_at_the_next_extraction(reference) -> None:
    firm = Firm.objects.create(name="Mazagon Dock Shipbuilders", country=country("IN"))
    statement = statement_from_text("MDL will build the submarines.")
    statement_extract(statement_id=statement.pk)
    before = gazetteer_get()
    assert not statement.firms.exists()

    firm.aliases = ["MDL"]
    firm.save()
    statement_extract(statement_id=statement.pk)

    assert gazetteer_get() is not before  # rebuilt, not served stale from the cache
    assert list(statement.firms.all()) == [firm]
    assert gazetteer_get() is gazetteer_get()  # and cached while nothing changes


def test_query_count_does_not_grow_with_the_mentions(
    reference, django_assert_max_num_queries
) -> None:
    firm = Firm.objects.create(name="Safran", country=country("FR"))
    sentence = "India, France, Safran, Make in India, FDI and defence supply chains. "
    few = statement_from_text(sentence, title="few")
    # Stays under SQLite's 99-row insert batch; PostgreSQL inserts any number in one batch.
    many = statement_from_text(sentence * 12, title="many")
    # The steady state: gazetteer built and the candidate opening already proposed once.
    statement_extract(statement_id=statement_from_text(sentence * 2, title="warm-up").pk)

    counts = []
    for statement in (few, many):
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(20):
            statement_extract(statement_id=statement.pk)
        counts.append(len(queries))

    assert many.mentions.count() >= 80
    assert list(many.firms.all()) == [firm]
    assert counts[0] == counts[1]


def test_the_gazetteer_is_read_in_a_fixed_number_of_queries(
    reference, django_assert_num_queries
) -> None:
    for index in range(5):
        Firm.objects.create(name=f"Firm {index}", aliases=[f"F{index}"], country=country("FR"))

    with django_assert_num_queries(5):  # countries, firms, contacts, areas, terms
        gazetteer_build()
    gazetteer_get()
    with django_assert_num_queries(1):  # the version check when nothing changed
        gazetteer_get()


def test_samples_folder_is_present() -> None:
    assert len(list(Path(SAMPLES).glob("*.txt"))) >= 5


def test_country_names_in_lower_case_running_text_are_not_countries(reference) -> None:
    found = found_in("They ate turkey in Chad, and the Polish delegation will polish the draft.")

    assert [term for kind, term in found if kind == "country"] == ["Chad", "Polish"]
