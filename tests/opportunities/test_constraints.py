"""Every invariant of the opportunities app is refused twice: by the database, and by `full_clean()`
with a message a person can act on (it is what the admin shows; the checks:
tests/support/constraints.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity, Suggestion
from tests.opportunities.factories import (
    FollowUpFactory,
    OpportunityFactory,
    SuggestionFactory,
    TeamFactory,
)
from tests.statements.factories import StatementFactory
from tests.support.constraints import (
    assert_clear,
    full_clean_error,
    refused_by_database,
)

pytestmark = pytest.mark.django_db


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


# Suggestions


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
