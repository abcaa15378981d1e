"""Firms that act stand for their countries when the statement names fewer than two acting
countries ("BEL and Saab sign a teaming agreement"); the reference firms come with
`load_reference`, so such a statement pairs on a fresh install."""

from __future__ import annotations

import pytest

from opportunities.models import Suggestion
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.models import Mention, Statement
from statements.parties import parties_of
from tests.support.extraction import statement_from_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_with_firms(tasks_in_process) -> None:
    reference_load()  # the firms too, as load_reference brings them


def extracted(text: str, *, title: str = "Statement", capture) -> Statement:
    statement = statement_from_text(text, title=title)
    with capture(execute=True):
        statement_extract(statement_id=statement.pk)
    return statement


def party_codes(statement: Statement) -> set[str]:
    from partners.models import Country

    ids = parties_of([statement.pk]).get(statement.pk, set())
    return set(Country.objects.filter(pk__in=ids).values_list("code", flat=True))


def test_two_firms_that_sign_make_their_countries_parties(django_capture_on_commit_callbacks):
    statement = extracted(
        "Bharat Dynamics Limited and Saab signed a teaming agreement in Pune on 4 May for the "
        "co-production of anti-tank weapons for the armed forces.",
        title="Teaming agreement on anti-tank weapons",
        capture=django_capture_on_commit_callbacks,
    )

    assert party_codes(statement) == {"IN", "SE"}
    # Each country stands at its firm's words, so the statement page shows why.
    terms = dict(
        statement.mentions.filter(kind=Mention.Kind.COUNTRY, role=Mention.Role.PARTY).values_list(
            "country__code", "term"
        )
    )
    assert terms == {"IN": "Bharat Dynamics Limited", "SE": "Saab"}
    (suggestion,) = Suggestion.objects.filter(statement=statement)
    assert set(suggestion.countries.values_list("code", flat=True)) == {"IN", "SE"}


def test_firms_in_the_title_act_as_the_title_says(django_capture_on_commit_callbacks):
    statement = extracted(
        "The facility will service the fleet from 2026.",
        title="Tata Advanced Systems and Lockheed Martin to set up an MRO facility",
        capture=django_capture_on_commit_callbacks,
    )

    assert party_codes(statement) == {"IN", "US"}


def test_firms_add_nothing_where_countries_already_pair(django_capture_on_commit_callbacks):
    statement = extracted(
        "India and France agreed to co-develop a combat aircraft engine. Lockheed Martin "
        "welcomed the agreement in a statement.",
        capture=django_capture_on_commit_callbacks,
    )

    assert party_codes(statement) == {"FR", "IN"}


def test_a_firm_named_for_its_product_does_not_act(django_capture_on_commit_callbacks):
    statement = extracted(
        "The Indian Navy inducted its twelfth Boeing P-8I maritime patrol aircraft at Arakkonam.",
        capture=django_capture_on_commit_callbacks,
    )

    assert "US" not in party_codes(statement)
    assert not Suggestion.objects.filter(statement=statement).exists()
