"""Possible duplicates: same country, close names after normalising, or a shared alias; scored
in Python from one query per model."""

from __future__ import annotations

import pytest

from partners.duplicates import contact_duplicates, firm_duplicates
from tests.partners.factories import ContactFactory, CountryFactory, FirmFactory

pytestmark = pytest.mark.django_db


def pairs(found) -> dict[frozenset, tuple[int, str]]:
    return {frozenset((p.first_id, p.second_id)): (p.score, p.reason) for p in found}


def test_firms_differing_by_legal_form_and_case_score_100() -> None:
    japan = CountryFactory(code="JP")
    a = FirmFactory(name="Mitsubishi Heavy Industries, Ltd.", country=japan)
    b = FirmFactory(name="MITSUBISHI HEAVY INDUSTRIES K.K.", country=japan)
    found = pairs(firm_duplicates())
    assert found[frozenset((a.pk, b.pk))][0] == 100


def test_close_names_are_scored_below_100_and_far_ones_left_out() -> None:
    japan = CountryFactory(code="JP")
    a = FirmFactory(name="Kawasaki Heavy Industries", country=japan)
    b = FirmFactory(name="Kawasaki Heavy Industry", country=japan)
    c = FirmFactory(name="Kawasaki Motors", country=japan)
    found = pairs(firm_duplicates())
    score, reason = found[frozenset((a.pk, b.pk))]
    assert 85 <= score < 100 and reason == "similar names"
    assert frozenset((a.pk, c.pk)) not in found


def test_same_name_in_two_countries_is_no_duplicate() -> None:
    a = FirmFactory(name="Alpha Systems", country=CountryFactory(code="JP"))
    b = FirmFactory(name="Alpha Systems", country=CountryFactory(code="FR"))
    assert frozenset((a.pk, b.pk)) not in pairs(firm_duplicates())


def test_a_shared_alias_pairs_names_that_start_differently() -> None:
    japan = CountryFactory(code="JP")
    a = FirmFactory(name="Mitsubishi Heavy Industries", country=japan, aliases=["MHI"])
    b = FirmFactory(name="MHI Ltd", country=japan)
    assert pairs(firm_duplicates())[frozenset((a.pk, b.pk))] == (100, "same name or alias")


def test_one_query_per_model(django_assert_num_queries) -> None:
    japan = CountryFactory(code="JP")
    for n in range(30):
        FirmFactory(
            name=f"Firm {n % 10} Systems {'Ltd' if n < 10 else 'Inc' if n < 20 else 'KK'}",
            country=japan,
        )
        ContactFactory(name=f"Person {n % 10}", firm=None, country=japan)
    with django_assert_num_queries(1):
        assert firm_duplicates()
    with django_assert_num_queries(1):
        assert contact_duplicates()


def test_contacts_use_their_firms_country() -> None:
    firm = FirmFactory(country=CountryFactory(code="IN"))
    a = ContactFactory(name="Dr. S. Jaishankar", firm=firm, country=None)
    b = ContactFactory(name="S Jaishankar", firm=None, country=firm.country)
    assert pairs(contact_duplicates())[frozenset((a.pk, b.pk))][0] == 100
