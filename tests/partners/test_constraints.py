"""Every invariant of the partners app is refused twice: by the database, and by `full_clean()`
with a message a person can act on (it is what the admin shows; the checks:
tests/support/constraints.py)."""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, transaction

from partners.models import Contact, Country, Firm, PolicyOpening
from tests.partners.factories import (
    CountryFactory,
    FirmFactory,
    PolicyOpeningFactory,
)
from tests.support.constraints import (
    assert_clear,
    full_clean_error,
    refused_by_database,
    refused_by_full_clean,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def france() -> Country:
    return CountryFactory(code="FR")


# Firm: external id, name per country


def test_firm_external_id_is_unique_when_set(japan: Country) -> None:
    FirmFactory(country=japan, external_id="F-1")

    refused_by_database(lambda: FirmFactory(country=japan, external_id="F-1"))


def test_firm_external_id_may_be_blank_many_times(japan: Country) -> None:
    FirmFactory.create_batch(3, country=japan, external_id="")

    assert Firm.objects.filter(external_id="").count() == 3
    FirmFactory.build(country=japan, external_id="").full_clean()


def test_duplicate_firm_external_id_is_explained_by_full_clean(japan: Country) -> None:
    FirmFactory(country=japan, external_id="F-1")

    error = full_clean_error(FirmFactory.build(country=japan, external_id="F-1"))

    assert_clear(error, "external id")


def test_firm_name_is_unique_per_country_ignoring_case(france: Country) -> None:
    Firm.objects.create(name="Safran", country=france)

    refused_by_database(lambda: Firm.objects.create(name="SAFRAN", country=france))
    refused_by_database(lambda: Firm.objects.create(name="Safran", country=france))

    assert Firm.objects.filter(country=france).count() == 1


def test_firm_rename_onto_another_firms_name_is_refused_by_the_database(
    france: Country,
) -> None:
    Firm.objects.create(name="Safran", country=france)
    thales = Firm.objects.create(name="Thales", country=france)

    refused_by_database(lambda: Firm.objects.filter(pk=thales.pk).update(name="safran"))


def test_same_firm_name_in_another_country_is_allowed(france: Country, japan: Country) -> None:
    Firm.objects.create(name="Safran", country=france)

    Firm(name="SAFRAN", country=japan).full_clean()
    Firm.objects.create(name="SAFRAN", country=japan)


def test_firm_name_clash_ignoring_case_is_refused_by_full_clean(france: Country) -> None:
    Firm.objects.create(name="Safran", country=france)

    refused_by_full_clean(Firm(name="SAFRAN", country=france))


def test_firm_name_clash_ignoring_case_is_explained_by_full_clean(france: Country) -> None:
    Firm.objects.create(name="Safran", country=france)

    error = full_clean_error(Firm(name="SAFRAN", country=france))

    assert_clear(error, "already")


# Policy opening, contact, country


def test_policy_opening_title_is_unique_per_country(japan: Country, france: Country) -> None:
    PolicyOpeningFactory(country=japan, title="Defence equipment transfer rules")

    refused_by_database(
        lambda: PolicyOpeningFactory(country=japan, title="Defence equipment transfer rules")
    )
    refused_by_database(
        lambda: PolicyOpeningFactory(country=japan, title="DEFENCE EQUIPMENT TRANSFER RULES")
    )

    PolicyOpeningFactory(country=france, title="Defence equipment transfer rules")
    refused_by_full_clean(PolicyOpening(country=japan, title="Defence equipment transfer rules"))


def test_policy_opening_title_clash_is_explained_by_full_clean(japan: Country) -> None:
    PolicyOpeningFactory(country=japan, title="Defence equipment transfer rules")

    error = full_clean_error(PolicyOpening(country=japan, title="Defence equipment transfer rules"))

    assert_clear(error, "already")


def test_contact_without_firm_or_country_is_refused_by_the_database(japan: Country) -> None:
    contact = Contact.objects.create(name="Takeshi Morinaga", country=japan)

    refused_by_database(lambda: Contact.objects.create(name="Nobody", firm=None, country=None))
    refused_by_database(lambda: Contact.objects.filter(pk=contact.pk).update(country=None))

    Contact.objects.create(name="Firm only", firm=FirmFactory(country=japan), country=None)


def test_contact_without_firm_or_country_is_explained_by_full_clean() -> None:
    error = full_clean_error(Contact(name="Nobody"))

    assert_clear(error, "firm or a country")


@pytest.mark.parametrize("code", ["jp", "Jp", "J"])
def test_country_code_that_is_not_two_upper_case_letters_is_refused_by_the_database(
    code: str,
) -> None:
    refused_by_database(lambda: Country.objects.create(code=code, alpha_3="JPN", name="Japan"))


def test_three_letter_country_code_is_refused_by_the_database() -> None:
    # SQLite ignores varchar(2), so its check constraint refuses; PostgreSQL raises DataError.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Country.objects.create(code="JPN", alpha_3="JPN", name="Japan")


def test_country_code_update_to_lower_case_is_refused_by_the_database(japan: Country) -> None:
    refused_by_database(lambda: Country.objects.filter(pk=japan.pk).update(code="jp"))


@pytest.mark.parametrize("code", ["12", "J1"])
def test_country_code_with_digits_is_refused_by_the_database(code: str) -> None:
    refused_by_database(lambda: Country.objects.create(code=code, alpha_3="ZZZ", name="Nowhere"))


def test_lower_case_country_code_is_refused_by_full_clean() -> None:
    refused_by_full_clean(Country(code="jp", alpha_3="JPN", name="Japan"))


def test_lower_case_country_code_is_explained_by_full_clean() -> None:
    error = full_clean_error(Country(code="jp", alpha_3="JPN", name="Japan"))

    assert_clear(error, "upper")
