"""A statement that announces a change to a country's policy proposes the new step, linked to
the step in force; one that repeats the step in force is linked to it."""

from __future__ import annotations

import datetime

import pytest

from partners.models import Country, PolicyOpening
from statements.extract import statement_extract
from tests.support.extraction import statement_from_text

# The reference data (the root `reference` fixture) for every test here.
pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]
Status = PolicyOpening.Status


@pytest.fixture
def in_force() -> PolicyOpening:
    return PolicyOpening.objects.create(
        country=Country.objects.get(code="IN"),
        title="Press Note 4 (2020): defence FDI",
        kind=PolicyOpening.Kind.FDI,
        cap="74%",
        route=PolicyOpening.Route.AUTOMATIC,
        status=Status.IN_FORCE,
        effective_date=datetime.date(2020, 9, 30),
    )


def extracted(text: str, published_on: datetime.date | None = None):
    statement = statement_from_text(text)
    statement.published_on = published_on
    statement.save(update_fields=["published_on"])
    statement_extract(statement_id=statement.pk)
    return statement


def test_a_change_proposes_the_next_step_linked_to_the_one_in_force(in_force) -> None:
    statement = extracted(
        "India has permitted FDI in defence up to 100 per cent under the government route.",
        published_on=datetime.date(2026, 11, 2),
    )

    step = statement.policy_openings.get()
    assert step.previous == in_force
    assert (step.status, step.cap, step.route) == (
        Status.CANDIDATE,
        "100% government route",
        "government",
    )
    assert step.announced_on == datetime.date(2026, 11, 2)
    assert step.title == "Defence FDI opening: 100% government route (from statement)"
    # Extracted again, it finds the same step rather than proposing a twin.
    statement_extract(statement_id=statement.pk)
    assert PolicyOpening.objects.filter(previous=in_force).count() == 1


def test_a_statement_that_repeats_the_step_in_force_is_linked_to_it(in_force) -> None:
    statement = extracted("India has permitted FDI in defence up to 74% under the automatic route.")

    assert list(statement.policy_openings.all()) == [in_force]
    assert PolicyOpening.objects.count() == 1


def test_without_a_step_in_force_the_kinds_candidate_is_proposed_as_before() -> None:
    statement = extracted("India has permitted FDI in defence up to 74% under the automatic route.")

    opening = statement.policy_openings.get()
    assert opening.title == "Defence FDI opening (from statement)"
    assert (opening.route, opening.previous) == ("automatic", None)


def test_a_cue_without_a_cap_or_route_proposes_the_kinds_candidate(in_force) -> None:
    statement = extracted("India has liberalised FDI in defence.")

    opening = statement.policy_openings.get()
    assert opening.title == "Defence FDI opening (from statement)"
    assert opening.previous is None
