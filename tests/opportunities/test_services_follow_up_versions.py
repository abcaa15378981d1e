"""A follow-up's version starts at 1 and every saved edit bumps it, with the calendar SEQUENCE
beside it; counting is from the stored row, so it never goes back."""

from __future__ import annotations

import pytest

from opportunities.models import FollowUp, Team
from opportunities.services import StaleVersion, follow_up_save, follow_ups_complete
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_follow_up(team: Team) -> FollowUp:
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


def test_each_saved_edit_bumps_version_and_sequence(saved_follow_up: FollowUp) -> None:
    for expected in (2, 3):
        saved_follow_up.title = f"Call the MoD ({expected})"
        follow_up_save(follow_up=saved_follow_up, expected_version=expected - 1)
    saved_follow_up.refresh_from_db()
    assert (saved_follow_up.version, saved_follow_up.sequence) == (3, 2)
    assert list(saved_follow_up.history.values_list("version", flat=True)) == [3, 2, 1]


def test_a_stale_expected_version_is_refused_and_changes_nothing(saved_follow_up: FollowUp) -> None:
    read_before = FollowUp.objects.get(pk=saved_follow_up.pk)
    saved_follow_up.title = "Saved first"
    follow_up_save(follow_up=saved_follow_up, expected_version=1)
    read_before.title = "Saved second"
    with pytest.raises(StaleVersion):
        follow_up_save(follow_up=read_before, expected_version=read_before.version)
    saved_follow_up.refresh_from_db()
    assert (saved_follow_up.title, saved_follow_up.version) == ("Saved first", 2)


def test_restoring_an_old_copy_still_moves_the_counters_forward(saved_follow_up: FollowUp) -> None:
    for title in ("Second", "Third"):
        saved_follow_up.title = title
        follow_up_save(follow_up=saved_follow_up)
    oldest = saved_follow_up.history.earliest().instance  # version 1, sequence 0
    follow_up_save(follow_up=oldest)
    saved_follow_up.refresh_from_db()
    assert (saved_follow_up.title, saved_follow_up.version, saved_follow_up.sequence) == (
        "Call the MoD",
        4,
        3,
    )


def test_completing_bumps_only_what_it_completes(saved_follow_up: FollowUp) -> None:
    cancelled = FollowUpFactory(
        opportunity=saved_follow_up.opportunity, status=FollowUp.Status.CANCELLED
    )
    assert follow_ups_complete(follow_ups=FollowUp.objects.all()) == 1
    saved_follow_up.refresh_from_db()
    cancelled.refresh_from_db()
    assert (saved_follow_up.status, saved_follow_up.version, saved_follow_up.sequence) == (
        "done",
        2,
        1,
    )
    assert (cancelled.version, cancelled.sequence) == (1, 0)
