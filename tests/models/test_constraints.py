"""Every invariant is refused twice: by the database, and by `full_clean()` with a message a
person can act on (it is what the admin shows)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity, Suggestion
from partners.models import Contact, Country, Firm, PolicyOpening
from statements.models import Mention, Statement
from tests.opportunities.factories import (
    FollowUpFactory,
    OpportunityFactory,
    SuggestionFactory,
    TeamFactory,
)
from tests.partners.factories import (
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)
from tests.statements.factories import MentionFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db


def full_clean_error(instance) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value


def refused_by_full_clean(instance) -> None:
    # A constraint's own error is not tied to one field; any field error would be a false pass.
    assert list(full_clean_error(instance).message_dict) == [NON_FIELD_ERRORS]


def assert_clear(error: ValidationError, *phrases: str) -> None:
    text = " ".join(error.messages)
    assert "Constraint “" not in text, text
    for phrase in phrases:
        assert phrase.lower() in text.lower(), text


def refused_by_database(create) -> None:
    # A savepoint per expected failure, so PostgreSQL lets the test go on afterwards.
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def japan() -> Country:
    return CountryFactory(code="JP")


@pytest.fixture
def france() -> Country:
    return CountryFactory(code="FR")


def unsaved_opportunity(**fields) -> Opportunity:
    return OpportunityFactory.build(team=TeamFactory(), **fields)


# Opportunity: probability, value, currency, close reason, external id


@pytest.mark.parametrize("probability", [-1, 101])
def test_probability_outside_0_to_100_is_refused_by_the_database(probability: int) -> None:
    team = TeamFactory()

    refused_by_database(
        lambda: Opportunity.objects.create(title="Radar", team=team, probability=probability)
    )

    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("probability", [-1, 101])
def test_probability_outside_0_to_100_is_refused_by_an_update(probability: int) -> None:
    opportunity = OpportunityFactory(probability=50)

    refused_by_database(
        lambda: Opportunity.objects.filter(pk=opportunity.pk).update(probability=probability)
    )

    opportunity.refresh_from_db()
    assert opportunity.probability == 50


@pytest.mark.parametrize(
    ("probability", "phrase"),
    [(-1, "greater than or equal to 0"), (101, "between 0 and 100")],
)
def test_probability_outside_0_to_100_is_explained_by_full_clean(
    probability: int, phrase: str
) -> None:
    # -1 is caught by the field's own minimum, 101 by the check constraint.
    error = full_clean_error(unsaved_opportunity(probability=probability))

    assert_clear(error, phrase)


def test_probability_0_and_100_are_accepted() -> None:
    unsaved_opportunity(probability=0).full_clean()
    unsaved_opportunity(probability=100).full_clean()
    OpportunityFactory(probability=0)
    OpportunityFactory(probability=100)


def test_negative_value_is_refused_by_the_database() -> None:
    opportunity = OpportunityFactory(value=Decimal("10.00"))

    refused_by_database(
        lambda: Opportunity.objects.filter(pk=opportunity.pk).update(value=Decimal("-0.01"))
    )
    refused_by_database(lambda: OpportunityFactory(value=Decimal("-1")))

    OpportunityFactory(value=None)
    OpportunityFactory(value=0)


def test_negative_value_is_explained_by_full_clean() -> None:
    error = full_clean_error(unsaved_opportunity(value=Decimal("-5")))

    assert_clear(error, "Value cannot be negative")


@pytest.mark.parametrize("currency", ["usd", "ABC"])
def test_currency_that_is_not_iso_4217_is_refused_by_the_database(currency: str) -> None:
    refused_by_database(lambda: OpportunityFactory(currency=currency))


def test_currency_longer_than_three_letters_is_refused_by_the_database() -> None:
    # SQLite does not enforce varchar lengths, so there the check constraint refuses "XXXX"
    # (IntegrityError); PostgreSQL refuses it earlier as too long for varchar(3) (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        OpportunityFactory(currency="XXXX")


@pytest.mark.parametrize("currency", ["usd", "XXXX", "ABC"])
def test_currency_that_is_not_iso_4217_is_explained_by_full_clean(currency: str) -> None:
    error = full_clean_error(unsaved_opportunity(currency=currency))

    # The field's ISO 4217 choices answer before the check constraint is consulted.
    assert "currency" in error.message_dict
    assert_clear(error, f"Value '{currency}' is not a valid choice")


def test_inr_is_an_accepted_currency() -> None:
    unsaved_opportunity(currency="INR").full_clean()
    opportunity = OpportunityFactory(currency="INR")

    Opportunity.objects.filter(pk=opportunity.pk).update(currency="JPY")


@pytest.mark.parametrize("stage", [Opportunity.Stage.WON, Opportunity.Stage.LOST])
def test_won_or_lost_without_close_reason_is_refused_by_the_database(stage: str) -> None:
    opportunity = OpportunityFactory()

    refused_by_database(lambda: OpportunityFactory(stage=stage, close_reason=""))
    refused_by_database(lambda: Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage))

    Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage, close_reason="Signed MoU")


@pytest.mark.parametrize("stage", [Opportunity.Stage.WON, Opportunity.Stage.LOST])
def test_won_or_lost_without_close_reason_is_explained_by_full_clean(stage: str) -> None:
    error = full_clean_error(unsaved_opportunity(stage=stage, close_reason=""))

    assert "close_reason" in error.message_dict
    assert_clear(error, "won or lost")


def test_whitespace_is_not_a_close_reason_for_full_clean() -> None:
    error = full_clean_error(unsaved_opportunity(stage=Opportunity.Stage.WON, close_reason="  "))

    assert "close_reason" in error.message_dict


def test_opportunity_external_id_is_unique_when_set() -> None:
    OpportunityFactory(external_id="SHEET-1")

    refused_by_database(lambda: OpportunityFactory(external_id="SHEET-1"))

    OpportunityFactory(external_id="SHEET-2")


def test_opportunity_external_id_may_be_blank_many_times() -> None:
    OpportunityFactory.create_batch(3, external_id="")

    assert Opportunity.objects.filter(external_id="").count() == 3
    unsaved_opportunity(external_id="").full_clean()


def test_duplicate_opportunity_external_id_is_explained_by_full_clean() -> None:
    OpportunityFactory(external_id="SHEET-1")

    error = full_clean_error(unsaved_opportunity(external_id="SHEET-1"))

    assert_clear(error, "external id")


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


# Statements: mentions, content hash, canonical URL, suggestions


def test_mention_must_end_after_it_starts() -> None:
    statement = StatementFactory()

    refused_by_database(lambda: MentionFactory(statement=statement, start=5, end=5))
    refused_by_database(lambda: MentionFactory(statement=statement, start=5, end=4))
    mention = MentionFactory(statement=statement, start=5, end=10)
    refused_by_database(lambda: Mention.objects.filter(pk=mention.pk).update(end=0))

    refused_by_full_clean(MentionFactory.build(statement=statement, start=8, end=8))


def test_mention_that_ends_before_it_starts_is_explained_by_full_clean() -> None:
    error = full_clean_error(MentionFactory.build(statement=StatementFactory(), start=8, end=3))

    assert_clear(error, "end")


def test_a_mention_is_unique_per_statement_span_and_entity() -> None:
    statement = StatementFactory()
    japan = CountryFactory(code="JP")
    MentionFactory(statement=statement, country=japan, start=0, end=5)

    refused_by_database(lambda: MentionFactory(statement=statement, country=japan, start=0, end=5))

    # Another entity, another kind or another statement at the same span is a mention of its own.
    MentionFactory(statement=statement, country=CountryFactory(code="FR"), start=0, end=5)
    MentionFactory(
        statement=statement,
        kind=Mention.Kind.AREA,
        country=None,
        area=InvestmentAreaFactory(),
        start=0,
        end=5,
    )
    MentionFactory(statement=StatementFactory(), country=japan, start=0, end=5)
    error = full_clean_error(
        MentionFactory.build(statement=statement, country=japan, start=0, end=5)
    )
    assert_clear(error, "already exists")


def test_a_policy_phrase_is_stored_once_per_span() -> None:
    statement = StatementFactory()
    MentionFactory(statement=statement, kind=Mention.Kind.POLICY, country=None, start=0, end=3)

    refused_by_database(
        lambda: MentionFactory(
            statement=statement, kind=Mention.Kind.POLICY, country=None, start=0, end=3
        )
    )


def test_a_mention_names_the_entity_its_kind_says() -> None:
    statement = StatementFactory()
    japan = CountryFactory(code="JP")

    refused_by_database(lambda: MentionFactory(statement=statement, country=None))
    refused_by_database(lambda: MentionFactory(statement=statement, kind=Mention.Kind.AREA))
    refused_by_database(
        lambda: MentionFactory(statement=statement, kind=Mention.Kind.POLICY, country=japan)
    )
    refused_by_database(
        lambda: MentionFactory(statement=statement, country=japan, firm=FirmFactory())
    )

    error = full_clean_error(
        MentionFactory.build(statement=statement, kind=Mention.Kind.FIRM, country=japan)
    )
    assert_clear(error, "exactly the entity")


def test_statement_content_hash_is_unique() -> None:
    StatementFactory(content_hash="a" * 64)

    refused_by_database(lambda: StatementFactory(content_hash="a" * 64))

    error = full_clean_error(StatementFactory.build(source=SourceFactory(), content_hash="a" * 64))
    assert_clear(error, "already exists")


def test_statement_canonical_url_is_unique_when_set() -> None:
    StatementFactory(canonical_url="https://mea.gov.in/statement/1")

    refused_by_database(lambda: StatementFactory(canonical_url="https://mea.gov.in/statement/1"))

    StatementFactory.create_batch(2, canonical_url="")
    assert Statement.objects.filter(canonical_url="").count() == 2
    refused_by_full_clean(
        StatementFactory.build(
            source=SourceFactory(), canonical_url="https://mea.gov.in/statement/1"
        )
    )


def test_duplicate_canonical_url_is_explained_by_full_clean() -> None:
    StatementFactory(canonical_url="https://mea.gov.in/statement/1")

    error = full_clean_error(
        StatementFactory.build(
            source=SourceFactory(), canonical_url="https://mea.gov.in/statement/1"
        )
    )

    assert_clear(error, "url")


def test_suggestion_key_is_unique_per_statement() -> None:
    statement = StatementFactory()
    SuggestionFactory(statement=statement, key="IN-JP")

    refused_by_database(lambda: SuggestionFactory(statement=statement, key="IN-JP"))

    SuggestionFactory(statement=statement, key="IN-FR")
    SuggestionFactory(statement=StatementFactory(), key="IN-JP")
    error = full_clean_error(Suggestion(statement=statement, key="IN-JP", title="Again"))
    assert_clear(error, "already exists")


# Follow-ups


def test_done_follow_up_needs_completed_at_in_the_database() -> None:
    follow_up = FollowUpFactory()

    refused_by_database(lambda: FollowUpFactory(status=FollowUp.Status.DONE, completed_at=None))
    refused_by_database(
        lambda: FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.DONE)
    )

    FollowUp.objects.filter(pk=follow_up.pk).update(
        status=FollowUp.Status.DONE, completed_at=timezone.now()
    )
    FollowUpFactory(status=FollowUp.Status.CANCELLED, completed_at=None)


def test_done_follow_up_without_completed_at_is_explained_by_full_clean() -> None:
    follow_up = FollowUpFactory.build(
        opportunity=OpportunityFactory(),
        status=FollowUp.Status.DONE,
        completed_at=None,
        due_date=datetime.date(2026, 2, 1),
    )

    error = full_clean_error(follow_up)

    assert_clear(error, "completed")
