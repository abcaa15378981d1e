"""A follow-up's version starts at 1 and every saved edit bumps it, with the calendar SEQUENCE
beside it; counting is from the stored row, so it never goes back."""

from __future__ import annotations

import pytest

from opportunities.models import FollowUp, Team
from opportunities.services import StaleVersion, follow_up_save, follow_ups_complete
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(team: Team) -> FollowUp:
    return FollowUpFactory(opportunity=OpportunityFactory(team=team), title="Call the MoD")


def test_a_new_follow_up_is_version_1_and_sequence_0(team: Team) -> None:
    made = follow_up_save(
        follow_up=FollowUp(
            opportunity=OpportunityFactory(team=team),
            title="Visit",
            due_date="2026-12-01",
            status=FollowUp.Status.DONE,
        )
    )
    made.refresh_from_db()
    assert (made.version, made.sequence) == (1, 0)
    assert made.completed_at is not None


def test_each_saved_edit_bumps_version_and_sequence(follow_up: FollowUp) -> None:
    for expected in (2, 3):
        follow_up.title = f"Call the MoD ({expected})"
        follow_up_save(follow_up=follow_up, expected_version=expected - 1)
    follow_up.refresh_from_db()
    assert (follow_up.version, follow_up.sequence) == (3, 2)
    assert list(follow_up.history.values_list("version", flat=True)) == [3, 2, 1]


def test_a_stale_expected_version_is_refused_and_changes_nothing(follow_up: FollowUp) -> None:
    read_before = FollowUp.objects.get(pk=follow_up.pk)
    follow_up.title = "Saved first"
    follow_up_save(follow_up=follow_up, expected_version=1)
    read_before.title = "Saved second"
    with pytest.raises(StaleVersion):
        follow_up_save(follow_up=read_before, expected_version=read_before.version)
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.version) == ("Saved first", 2)


def test_restoring_an_old_copy_still_moves_the_counters_forward(follow_up: FollowUp) -> None:
    for title in ("Second", "Third"):
        follow_up.title = title
        follow_up_save(follow_up=follow_up)
    oldest = follow_up.history.earliest().instance  # version 1, sequence 0
    follow_up_save(follow_up=oldest)
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.version, follow_up.sequence) == ("Call the MoD", 4, 3)


def test_completing_bumps_only_what_it_completes(follow_up: FollowUp) -> None:
    cancelled = FollowUpFactory(opportunity=follow_up.opportunity, status=FollowUp.Status.CANCELLED)
    assert follow_ups_complete(follow_ups=FollowUp.objects.all()) == 1
    follow_up.refresh_from_db()
    cancelled.refresh_from_db()
    assert (follow_up.status, follow_up.version, follow_up.sequence) == ("done", 2, 1)
    assert (cancelled.version, cancelled.sequence) == (1, 0)
