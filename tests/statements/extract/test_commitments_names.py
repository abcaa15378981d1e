"""Commitments (the phrases of issue 13, once per statement, on topic, kept without a suggestion,
tied to parties) and name candidates (people and firms not yet recorded, found by title and
surname, "is this the same as...?", accepted or dismissed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from partners.models import Contact, Country, Firm
from statements.extract import statement_extract
from statements.models import Mention, NameCandidate, Statement
from statements.names import name_candidate_accept, name_candidate_dismiss
from tests.support.extraction import statement_from_text
from tests.tracker.factories import UserFactory

# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def extracted(text: str, **kwargs) -> Statement:
    statement = statement_from_text(text, **kwargs)
    statement_extract(statement_id=statement.pk)
    return statement


def country(code: str) -> Country:
    return Country.objects.get(code=code)


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("India and France agreed that defence engine co-development would begin.", "agreed that"),
        ("It was agreed to expand defence industrial cooperation.", "it was agreed"),
        ("Both navies pledged to deepen maritime domain awareness.", "pledged to"),
        ("The ministers vowed to strengthen military cooperation.", "vowed to"),
        (
            "India and Japan reaffirmed their commitment to co-innovation in defence.",
            "reaffirmed their commitment to",
        ),
        ("The two sides will seek co-production of drones.", "will seek"),
    ],
)
def test_the_commitment_phrases_of_the_issue_are_found(sentence: str, phrase: str) -> None:
    statement = extracted(sentence)

    assert list(statement.commitments.values_list("phrase", flat=True)) == [phrase]


def test_two_commitments_that_differ_in_one_word_are_both_kept() -> None:
    statement = extracted(
        "India and Japan agreed to co-develop drones. India and Japan agreed to co-develop "
        "submarines."
    )

    assert statement.commitments.count() == 2


def test_a_quoted_restatement_is_stored_once() -> None:
    statement = extracted(
        "India and France agreed to co-develop a jet engine for the fighter. "
        "“India and France agreed to co-develop a jet engine for the fighter,” the minister "
        "said. Officials repeated that India and France agreed to co-develop a jet engine."
    )

    assert statement.commitments.count() == 1


def test_an_off_topic_commitment_is_dropped() -> None:
    statement = extracted(
        "India and Japan agreed to co-develop unmanned systems for the navy. The leaders also "
        "agreed to promote tourism and yoga festivals."
    )

    assert [c.phrase for c in statement.commitments.all()] == ["agreed to"]
    assert "unmanned" in statement.commitments.get().sentence
    assert extracted("The two leaders agreed to promote cricket.").commitments.count() == 0


def test_commitments_are_kept_without_a_suggestion_and_tied_to_their_parties() -> None:
    # Japan and Australia: no home country, so no suggestion; the commitments stay.
    statement = extracted(
        "Japan and Australia agreed to co-develop submarines. The two sides will hold "
        "joint naval exercises next year."
    )

    assert not statement.suggestions.exists()
    first, second = statement.commitments.order_by("start")
    assert first.countries == ["AU", "JP"]
    assert second.countries == ["AU", "JP"]  # "the two sides": the statement's parties


def test_re_extraction_keeps_the_same_commitments() -> None:
    statement = extracted("India and France agreed to co-develop engines for the navy.")
    before = list(statement.commitments.values_list("phrase", "sentence", "start", "countries"))

    statement_extract(statement_id=statement.pk)

    after = list(statement.commitments.values_list("phrase", "sentence", "start", "countries"))
    assert after == before


# Name candidates


def candidates(statement: Statement) -> set[tuple[str, str]]:
    return set(statement.name_candidates.values_list("kind", "name"))


def test_people_and_organisations_not_recorded_become_candidates() -> None:
    statement = extracted(
        "Defence Minister Rajnath Singh met Mr. Richard Marles, Deputy Prime Minister of "
        "Australia. Kestrel Aerospace and Bharat Optronics Limited signed an MoU on drones. "
        "The Joint Working Group met in the Ministry of Defence."
    )

    assert candidates(statement) == {
        ("person", "Rajnath Singh"),
        ("person", "Richard Marles"),
        ("organisation", "Kestrel Aerospace"),
        ("organisation", "Bharat Optronics Limited"),
    }
    marles = statement.name_candidates.get(name="Richard Marles")
    assert marles.title == "Mr."
    assert marles.country.code == "AU"
    assert "Deputy Prime Minister of Australia" in marles.sentence
    # "Bharat" (India) inside the firm's name makes India no party.
    assert not statement.mentions.parties().filter(country__code="IN").exists()


def test_a_known_name_is_no_candidate_and_a_title_with_a_surname_finds_the_contact() -> None:
    macron = Contact.objects.create(name="Emmanuel Macron", country=country("FR"))
    Firm.objects.create(name="Safran", country=country("FR"))

    statement = extracted("President Macron visited Safran Aircraft Engines and Mr. Safran.")

    assert list(statement.contacts.all()) == [macron]
    assert statement.mentions.get(kind=Mention.Kind.CONTACT).term == "President Macron"
    assert ("person", "Macron") not in candidates(statement)


def test_a_surname_two_contacts_share_finds_neither() -> None:
    Contact.objects.create(name="Ravi Kumar", country=country("IN"))
    Contact.objects.create(name="Anil Kumar", country=country("IN"))

    statement = extracted("Admiral Kumar reviewed the co-production of submarines.")

    assert not statement.contacts.exists()
    # Nor is a surname alone a candidate: staff could record nobody from it.
    assert candidates(statement) == set()


def test_a_close_known_name_is_offered_as_the_same() -> None:
    hanwha = Firm.objects.create(name="Hanwha Aerospace Co. Ltd", country=country("KR"))

    statement = extracted("Hanwha Aerospace Limited will co-produce howitzers in India.")

    candidate = statement.name_candidates.get()
    assert candidate.similar_firm == hanwha

    name_candidate_accept(candidate_id=candidate.pk, by=UserFactory(), same=True)

    hanwha.refresh_from_db()
    assert "Hanwha Aerospace Limited" in hanwha.aliases
    statement_extract(statement_id=statement.pk)
    assert list(statement.firms.all()) == [hanwha]


def test_accepting_records_a_contact_or_firm_for_every_statement_that_named_it() -> None:
    first = extracted("Korean firm Hanwha Ocean Limited will build ships with India.")
    second = extracted("Hanwha Ocean Limited met Larsen & Toubro Limited on submarines.")
    candidate = first.name_candidates.get(name="Hanwha Ocean Limited")
    assert candidate.country.code == "KR"

    statement_ids = name_candidate_accept(candidate_id=candidate.pk, by=UserFactory())

    firm = Firm.objects.get(name="Hanwha Ocean Limited")
    assert firm.country.code == "KR"
    assert sorted(statement_ids) == sorted([first.pk, second.pk])
    assert not NameCandidate.objects.filter(name="Hanwha Ocean Limited", status="open").exists()
    with pytest.raises(ValidationError, match="already accepted"):
        name_candidate_accept(candidate_id=candidate.pk, by=UserFactory())


def test_a_candidate_without_a_country_cannot_be_accepted_until_it_has_one() -> None:
    statement = extracted("Dr. Amara Okafor spoke on co-innovation.")
    candidate = statement.name_candidates.get()
    assert candidate.country is None

    with pytest.raises(ValidationError, match="set its country"):
        name_candidate_accept(candidate_id=candidate.pk, by=UserFactory())

    NameCandidate.objects.filter(pk=candidate.pk).update(country=country("NG"))
    name_candidate_accept(candidate_id=candidate.pk, by=UserFactory())
    assert Contact.objects.get(name="Amara Okafor").role == "Dr."


def test_a_dismissed_name_is_proposed_no_more() -> None:
    statement = extracted("Mr. Arjun Mehta spoke on co-innovation.")
    candidate = statement.name_candidates.get()

    name_candidate_dismiss(candidate_id=candidate.pk, by=UserFactory())
    statement_extract(statement_id=statement.pk)
    other = extracted("Mr. Arjun Mehta spoke again on co-design.")

    assert statement.name_candidates.get().status == "dismissed"
    assert not other.name_candidates.exists()


def test_re_extraction_changes_no_candidate() -> None:
    statement = extracted("Mr. Arjun Mehta of Tata Advanced Systems spoke on co-innovation.")
    before = list(statement.name_candidates.values())

    statement_extract(statement_id=statement.pk)

    assert list(statement.name_candidates.values()) == before


def test_the_future_commits_an_actor_and_not_a_thing() -> None:
    statement = extracted(
        "DRDO will provide test ranges to Indian start-ups in defence. The amended defence "
        "procedure will come into force in April. The next defence dialogue will be held in "
        "Tokyo. The Ministry announced that it would review its defence offset rules, and "
        "noted that the defence project would involve transfer of technology."
    )

    assert [c.phrase for c in statement.commitments.order_by("start")] == [
        "will provide",
        "will be held",
        "that it would review",
    ]
