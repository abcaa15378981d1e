"""Writes go through services that lock, bump the version and stamp the stage change; reads are
limited to the teams a user belongs to."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity, Team
from opportunities.services import (
    StaleVersion,
    follow_ups_complete,
    opportunity_assign,
    opportunity_move,
    opportunity_save,
)
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory
from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def opportunity_in(team: Team, **fields) -> Opportunity:
    return OpportunityFactory(team=team, stage_changed_at=LONG_AGO, **fields)


# opportunity_save


def test_saving_an_edit_bumps_the_version(team: Team) -> None:
    opportunity = opportunity_in(team, title="Radar")

    opportunity.title = "Radar co-production"
    opportunity_save(opportunity=opportunity, expected_version=1)

    opportunity.refresh_from_db()
    assert opportunity.version == 2
    assert opportunity.title == "Radar co-production"
    assert opportunity.stage_changed_at == LONG_AGO


def test_saving_without_an_expected_version_still_bumps_it(team: Team) -> None:
    opportunity = opportunity_in(team)

    opportunity_save(opportunity=opportunity, expected_version=None)
    opportunity_save(opportunity=opportunity, expected_version=None)

    opportunity.refresh_from_db()
    assert opportunity.version == 3


def test_saving_a_stage_change_stamps_when_it_happened(team: Team) -> None:
    opportunity = opportunity_in(team)
    before = timezone.now()

    opportunity.stage = Opportunity.Stage.ENGAGED
    opportunity_save(opportunity=opportunity, expected_version=1)

    opportunity.refresh_from_db()
    assert opportunity.stage_changed_at >= before
    assert opportunity.closed_at is None


def test_saving_a_win_stamps_closed_at_and_reopening_clears_it(team: Team) -> None:
    opportunity = opportunity_in(team)
    before = timezone.now()

    opportunity.stage = Opportunity.Stage.WON
    opportunity.close_reason = "Contract signed"
    opportunity_save(opportunity=opportunity, expected_version=1)

    opportunity.refresh_from_db()
    assert opportunity.closed_at >= before
    assert opportunity.stage_changed_at == opportunity.closed_at

    opportunity.stage = Opportunity.Stage.ENGAGED
    opportunity_save(opportunity=opportunity, expected_version=2)

    opportunity.refresh_from_db()
    assert opportunity.closed_at is None
    assert opportunity.version == 3


def test_saving_a_win_without_a_reason_is_refused(team: Team) -> None:
    opportunity = opportunity_in(team)

    opportunity.stage = Opportunity.Stage.WON
    with pytest.raises(ValidationError):
        opportunity_save(opportunity=opportunity, expected_version=1)

    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (Opportunity.Stage.IDENTIFIED, 1)


def test_saving_from_a_stale_version_is_refused_and_changes_nothing(team: Team) -> None:
    opportunity = opportunity_in(team, title="Radar", probability=10)
    mine = Opportunity.objects.get(pk=opportunity.pk)
    theirs = Opportunity.objects.get(pk=opportunity.pk)
    theirs.title = "Radar (their edit)"
    opportunity_save(opportunity=theirs, expected_version=1)

    mine.probability = 90
    mine.stage = Opportunity.Stage.PROPOSAL
    with pytest.raises(StaleVersion, match="version 2"):
        opportunity_save(opportunity=mine, expected_version=1)

    opportunity.refresh_from_db()
    assert opportunity.version == 2
    assert opportunity.title == "Radar (their edit)"
    assert opportunity.probability == 10
    assert opportunity.stage == Opportunity.Stage.IDENTIFIED
    assert opportunity.stage_changed_at == LONG_AGO


# opportunity_move


def test_moving_to_an_unknown_stage_is_refused(team: Team) -> None:
    opportunity = opportunity_in(team)

    with pytest.raises(ValidationError, match="Unknown stage"):
        opportunity_move(opportunities=Opportunity.objects.all(), stage="signed")

    opportunity.refresh_from_db()
    assert opportunity.stage == Opportunity.Stage.IDENTIFIED


@pytest.mark.parametrize("stage", [Opportunity.Stage.WON, Opportunity.Stage.LOST])
@pytest.mark.parametrize("reason", ["", "   "])
def test_moving_to_won_or_lost_without_a_reason_is_refused(
    team: Team, stage: str, reason: str
) -> None:
    opportunity = opportunity_in(team)

    with pytest.raises(ValidationError, match="needs a reason"):
        opportunity_move(opportunities=Opportunity.objects.all(), stage=stage, reason=reason)

    opportunity.refresh_from_db()
    assert opportunity.stage == Opportunity.Stage.IDENTIFIED


def test_moving_many_opportunities_at_once(team: Team) -> None:
    first, second = opportunity_in(team), opportunity_in(team)
    already_there = opportunity_in(team, stage=Opportunity.Stage.ENGAGED)
    untouched = opportunity_in(team)
    before = timezone.now()

    moved = opportunity_move(
        opportunities=Opportunity.objects.exclude(pk=untouched.pk),
        stage=Opportunity.Stage.ENGAGED,
    )

    assert moved == 2
    for opportunity in (first, second):
        opportunity.refresh_from_db()
        assert opportunity.stage == Opportunity.Stage.ENGAGED
        assert opportunity.version == 2
        assert opportunity.stage_changed_at >= before
    already_there.refresh_from_db()
    assert (already_there.version, already_there.stage_changed_at) == (1, LONG_AGO)
    untouched.refresh_from_db()
    assert (untouched.stage, untouched.version) == (Opportunity.Stage.IDENTIFIED, 1)


def test_moving_to_lost_records_the_reason_and_closes(team: Team) -> None:
    opportunities = [opportunity_in(team), opportunity_in(team)]
    before = timezone.now()

    moved = opportunity_move(
        opportunities=Opportunity.objects.all(),
        stage=Opportunity.Stage.LOST,
        reason="  Budget withdrawn ",
    )

    assert moved == 2
    for opportunity in opportunities:
        opportunity.refresh_from_db()
        assert opportunity.close_reason == "Budget withdrawn"
        assert opportunity.closed_at >= before


# opportunity_assign


def test_desk_staff_cannot_assign(team: Team, desk_staff, team_lead) -> None:
    opportunity = opportunity_in(team)

    with pytest.raises(PermissionDenied):
        opportunity_assign(opportunities=Opportunity.objects.all(), owner=team_lead, by=desk_staff)

    opportunity.refresh_from_db()
    assert opportunity.owner is None


def test_owner_outside_the_team_is_refused(team: Team, other_team: Team, team_lead) -> None:
    outsider = other_team.members.get()
    mine = opportunity_in(team)
    theirs = opportunity_in(other_team)

    with pytest.raises(ValidationError, match="not a member of team Japan desk"):
        opportunity_assign(opportunities=Opportunity.objects.all(), owner=outsider, by=team_lead)

    # All or nothing: the opportunity the outsider could own is not assigned either.
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.owner, mine.version) == (None, 1)
    assert (theirs.owner, theirs.version) == (None, 1)


def test_inactive_owner_is_refused(team: Team, team_lead, desk_staff) -> None:
    opportunity_in(team)
    desk_staff.is_active = False
    desk_staff.save()

    with pytest.raises(ValidationError, match="not an active user"):
        opportunity_assign(opportunities=Opportunity.objects.all(), owner=desk_staff, by=team_lead)


def test_team_lead_assigns_within_the_team(team: Team, team_lead, desk_staff) -> None:
    opportunities = [opportunity_in(team), opportunity_in(team)]

    assigned = opportunity_assign(
        opportunities=Opportunity.objects.all(), owner=desk_staff, by=team_lead
    )

    assert assigned == 2
    for opportunity in opportunities:
        opportunity.refresh_from_db()
        assert opportunity.owner == desk_staff
        assert opportunity.version == 2


# follow_ups_complete


def test_completing_follow_ups_only_touches_open_ones(team: Team) -> None:
    opportunity = opportunity_in(team)
    first_open = FollowUpFactory(opportunity=opportunity)
    second_open = FollowUpFactory(opportunity=opportunity)
    done_at = timezone.now() - datetime.timedelta(days=10)
    done = FollowUpFactory(
        opportunity=opportunity, status=FollowUp.Status.DONE, completed_at=done_at
    )
    cancelled = FollowUpFactory(opportunity=opportunity, status=FollowUp.Status.CANCELLED)
    before = timezone.now()

    completed = follow_ups_complete(follow_ups=FollowUp.objects.all())

    assert completed == 2
    for follow_up in (first_open, second_open):
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.DONE
        assert follow_up.completed_at >= before
        assert follow_up.history.count() == 2
    done.refresh_from_db()
    assert done.completed_at == done_at
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.completed_at) == (FollowUp.Status.CANCELLED, None)


# visible_to


@pytest.fixture
def team_work(team: Team, other_team: Team) -> dict[str, Opportunity]:
    ours = opportunity_in(team, title="Ours")
    theirs = opportunity_in(other_team, title="Theirs")
    FollowUpFactory(opportunity=ours, title="Call MHI")
    FollowUpFactory(opportunity=theirs, title="Call Safran")
    return {"ours": ours, "theirs": theirs}


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_member_sees_only_their_teams_work(team_work, desk_staff) -> None:
    assert titles(Opportunity.objects.visible_to(desk_staff)) == {"Ours"}
    assert titles(FollowUp.objects.visible_to(desk_staff)) == {"Call MHI"}


def test_outsider_does_not_see_another_teams_work(team_work, other_team: Team) -> None:
    outsider = other_team.members.get()

    assert titles(Opportunity.objects.visible_to(outsider)) == {"Theirs"}
    assert titles(FollowUp.objects.visible_to(outsider)) == {"Call Safran"}


def test_user_in_no_team_sees_nothing(team_work) -> None:
    loner = UserFactory(username="loner")

    assert not Opportunity.objects.visible_to(loner).exists()
    assert not FollowUp.objects.visible_to(loner).exists()


def test_member_of_two_teams_sees_both_once(team_work, other_team: Team, analyst) -> None:
    other_team.members.add(analyst)

    assert sorted(Opportunity.objects.visible_to(analyst).values_list("title", flat=True)) == [
        "Ours",
        "Theirs",
    ]


def test_superuser_sees_every_team(team_work, superuser) -> None:
    assert titles(Opportunity.objects.visible_to(superuser)) == {"Ours", "Theirs"}
    assert titles(FollowUp.objects.visible_to(superuser)) == {"Call MHI", "Call Safran"}


def test_view_all_teams_permission_sees_every_team(team_work) -> None:
    auditor = UserFactory(username="auditor")
    auditor.user_permissions.add(
        Permission.objects.get(codename="view_all_teams", content_type__app_label="opportunities")
    )
    # Fetched again: has_perm caches permissions on the instance.
    auditor = get_user_model().objects.get(pk=auditor.pk)

    assert titles(Opportunity.objects.visible_to(auditor)) == {"Ours", "Theirs"}
    assert titles(FollowUp.objects.visible_to(auditor)) == {"Call MHI", "Call Safran"}


def test_inactive_member_sees_nothing(team_work, desk_staff) -> None:
    desk_staff.is_active = False
    desk_staff.save()

    assert not Opportunity.objects.visible_to(desk_staff).exists()
    assert not FollowUp.objects.visible_to(desk_staff).exists()


def test_inactive_superuser_sees_nothing(team_work, superuser) -> None:
    superuser.is_active = False
    superuser.save()

    assert not Opportunity.objects.visible_to(superuser).exists()
    assert not FollowUp.objects.visible_to(superuser).exists()


# with_next_follow_up


def test_next_follow_up_is_the_soonest_open_one(team: Team) -> None:
    opportunity = opportunity_in(team)
    today = timezone.localdate()
    FollowUpFactory(opportunity=opportunity, due_date=today + datetime.timedelta(days=9))
    FollowUpFactory(opportunity=opportunity, due_date=today + datetime.timedelta(days=4))
    FollowUpFactory(
        opportunity=opportunity,
        due_date=today - datetime.timedelta(days=2),
        status=FollowUp.Status.DONE,
        completed_at=timezone.now(),
    )
    FollowUpFactory(
        opportunity=opportunity,
        due_date=today + datetime.timedelta(days=1),
        status=FollowUp.Status.CANCELLED,
    )

    annotated = Opportunity.objects.with_next_follow_up().get(pk=opportunity.pk)

    assert annotated.next_follow_up == today + datetime.timedelta(days=4)


def test_overdue_open_follow_up_is_the_next_one(team: Team) -> None:
    opportunity = opportunity_in(team)
    overdue = timezone.localdate() - datetime.timedelta(days=5)
    FollowUpFactory(opportunity=opportunity, due_date=overdue)
    FollowUpFactory(opportunity=opportunity)

    annotated = Opportunity.objects.with_next_follow_up().get(pk=opportunity.pk)

    assert annotated.next_follow_up == overdue


def test_next_follow_up_is_none_without_open_follow_ups(team: Team) -> None:
    opportunity_in(team, title="Bare")
    finished = opportunity_in(team, title="Finished")
    FollowUpFactory(opportunity=finished, status=FollowUp.Status.DONE, completed_at=timezone.now())

    annotated = {
        opportunity.title: opportunity.next_follow_up
        for opportunity in Opportunity.objects.with_next_follow_up()
    }

    assert annotated == {"Bare": None, "Finished": None}


def test_next_follow_up_is_per_opportunity(team: Team) -> None:
    today = timezone.localdate()
    first, second = opportunity_in(team, title="First"), opportunity_in(team, title="Second")
    FollowUpFactory(opportunity=first, due_date=today + datetime.timedelta(days=1))
    FollowUpFactory(opportunity=second, due_date=today + datetime.timedelta(days=7))

    annotated = dict(
        Opportunity.objects.with_next_follow_up().values_list("title", "next_follow_up")
    )

    assert annotated == {
        "First": today + datetime.timedelta(days=1),
        "Second": today + datetime.timedelta(days=7),
    }
