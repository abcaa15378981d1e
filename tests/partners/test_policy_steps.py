"""A country's policy per kind read back from its steps: the state in force, the path to it and
what each step changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import PolicyOpening
from partners.policy_steps import Change, policy_states, step_changes
from tests.partners.factories import CountryFactory, PolicyOpeningFactory

pytestmark = pytest.mark.django_db
Status, Route, Kind = PolicyOpening.Status, PolicyOpening.Route, PolicyOpening.Kind


@pytest.fixture
def india_fdi():
    india = CountryFactory(code="IN")

    def step(title, day, previous=None, **fields):
        return PolicyOpeningFactory(
            country=india, title=title, effective_date=day, previous=previous,
            **{"status": Status.IN_FORCE, **fields},
        )  # fmt: skip

    first = step("FDI 26%", datetime.date(2001, 5, 1), cap="26%", route=Route.GOVERNMENT)
    second = step("FDI 49%", datetime.date(2016, 6, 20), first, cap="49%", route=Route.AUTOMATIC)
    third = step("FDI 74%", datetime.date(2020, 9, 30), second, cap="74%", route=Route.AUTOMATIC)
    proposed = step(
        "FDI 100% (from statement)", None, third, cap="100%", status=Status.CANDIDATE,
        announced_on=datetime.date(2026, 11, 2),
    )  # fmt: skip
    offsets = step("Offsets", datetime.date(2019, 1, 1), kind=Kind.OFFSETS, cap="30%")
    return india, [first, second, third], proposed, offsets


def test_the_state_in_force_and_the_steps_that_led_there(india_fdi) -> None:
    india, path, proposed, _ = india_fdi
    with CaptureQueriesContext(connection) as captured:
        states = policy_states(country_ids=[india.pk])
        fdi = next(state for state in states if state.kind == Kind.FDI)
        changes = [changes for _, changes in fdi.steps]
    assert len(captured) == 1  # the chains are followed in memory
    assert fdi.current == path[-1]
    assert fdi.path == path
    assert fdi.proposed == [proposed]
    assert changes[1] == [
        Change("cap", "26%", "49%"),
        Change("route", "Government route", "Automatic route"),
    ]
    assert changes[2] == [Change("cap", "49%", "74%")]
    assert [state.kind for state in states] == [Kind.FDI, Kind.OFFSETS]


def test_a_withdrawal_is_the_new_state(india_fdi) -> None:
    india, path, _, _ = india_fdi
    withdrawn = PolicyOpeningFactory(
        country=india, title="FDI rules withdrawn", previous=path[-1], cap="74%",
        route=Route.AUTOMATIC, status=Status.WITHDRAWN, effective_date=datetime.date(2027, 1, 1),
    )  # fmt: skip
    fdi = policy_states(country_ids=[india.pk])[0]
    assert fdi.current == withdrawn
    assert step_changes(withdrawn) == [Change("status", "In force", "Withdrawn")]


def test_the_step_before_is_of_the_same_country_and_kind_and_never_a_loop(india_fdi) -> None:
    _, path, _, offsets = india_fdi
    first = path[0]
    first.previous = offsets
    with pytest.raises(ValidationError, match="same country and kind"):
        first.clean()
    first.previous = path[-1]
    with pytest.raises(ValidationError, match="already follows"):
        first.clean()
    elsewhere = PolicyOpeningFactory(country=CountryFactory(code="JP"), title="JP FDI")
    elsewhere.previous = path[0]
    with pytest.raises(ValidationError):
        elsewhere.clean()
