"""Changelist actions and list filters of the opportunity and follow-up admins."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

OPPORTUNITIES = "admin:opportunities_opportunity_changelist"

FOLLOW_UPS = "admin:opportunities_followup_changelist"


def _days(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _run(client: Client, changelist: str, action: str, selected, **fields: str):
    """Choose `action` for `selected` rows on the changelist and press Go, as a browser would."""
    data = {
        "action": action,
        "_selected_action": [str(row.pk) for row in selected],
        "index": "0",
        **fields,
    }
    return client.post(reverse(changelist), data, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _offered_actions(response) -> set[str]:
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


def _shown(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


@pytest.fixture
def two_opportunities(team, desk_staff):
    return OpportunityFactory.create_batch(2, team=team, owner=desk_staff)


# --- move_stage -------------------------------------------------------------------------------


def test_move_to_won_without_a_reason_is_refused_and_changes_nothing(
    two_opportunities, desk_staff, session_for
) -> None:
    response = _run(
        session_for(desk_staff),
        OPPORTUNITIES,
        "move_stage",
        two_opportunities,
        stage="won",
    )

    assert _messages(response) == ["A move to won or lost needs a reason."]
    for opportunity in two_opportunities:
        opportunity.refresh_from_db()
        assert opportunity.stage == Opportunity.Stage.IDENTIFIED
        assert opportunity.version == 1
        assert opportunity.history.count() == 1


def test_move_to_won_with_a_reason_moves_bumps_version_and_keeps_history(
    two_opportunities, desk_staff, session_for
) -> None:
    response = _run(
        session_for(desk_staff),
        OPPORTUNITIES,
        "move_stage",
        two_opportunities,
        stage="won",
        reason="Contract signed in Tokyo",
    )

    assert _messages(response) == ["Moved 2 opportunities to Won."]
    for opportunity in two_opportunities:
        opportunity.refresh_from_db()
        assert opportunity.stage == Opportunity.Stage.WON
        assert opportunity.close_reason == "Contract signed in Tokyo"
        assert opportunity.closed_at is not None
        assert opportunity.version == 2
        latest, first = opportunity.history.order_by("-history_date", "-history_id")[:2]
        assert (first.stage, latest.stage) == ("identified", "won")
        assert latest.version == 2


def test_move_to_an_open_stage_needs_no_reason(two_opportunities, desk_staff, session_for) -> None:
    response = _run(
        session_for(desk_staff),
        OPPORTUNITIES,
        "move_stage",
        two_opportunities,
        stage="engaged",
    )

    assert _messages(response) == ["Moved 2 opportunities to Engaged."]
    assert {o.stage for o in Opportunity.objects.all()} == {Opportunity.Stage.ENGAGED}


def test_move_without_choosing_a_stage_changes_nothing(
    two_opportunities, desk_staff, session_for
) -> None:
    response = _run(session_for(desk_staff), OPPORTUNITIES, "move_stage", two_opportunities)

    assert _messages(response) == ["Unknown stage ''."]
    assert {o.version for o in Opportunity.objects.all()} == {1}


def test_move_skips_opportunities_already_in_that_stage(team, desk_staff, session_for) -> None:
    engaged = OpportunityFactory(team=team, stage=Opportunity.Stage.ENGAGED)
    fresh = OpportunityFactory(team=team)

    response = _run(
        session_for(desk_staff),
        OPPORTUNITIES,
        "move_stage",
        [engaged, fresh],
        stage="engaged",
    )

    assert _messages(response) == ["Moved 1 opportunities to Engaged."]
    engaged.refresh_from_db()
    assert engaged.version == 1


def test_move_ignores_selected_opportunities_of_another_team(
    team_opportunity, outsider, session_for
) -> None:
    _run(
        session_for(outsider),
        OPPORTUNITIES,
        "move_stage",
        [team_opportunity],
        stage="lost",
        reason="Sabotage",
    )

    team_opportunity.refresh_from_db()
    assert team_opportunity.stage == Opportunity.Stage.IDENTIFIED
    assert team_opportunity.version == 1


def test_analyst_is_offered_no_action_that_writes(team_opportunity, analyst, session_for) -> None:
    response = session_for(analyst).get(reverse(OPPORTUNITIES))

    assert not _offered_actions(response) & {"move_stage", "assign_owner", "complete_follow_ups"}


# --- assign_owner -----------------------------------------------------------------------------


def test_team_lead_assigns_selected_opportunities_to_a_team_member(
    team, team_lead, analyst, session_for
) -> None:
    opportunities = OpportunityFactory.create_batch(2, team=team)

    response = _run(
        session_for(team_lead),
        OPPORTUNITIES,
        "assign_owner",
        opportunities,
        owner=str(analyst.pk),
    )

    assert _messages(response) == ["Assigned 2 opportunities to analyst."]
    for opportunity in opportunities:
        opportunity.refresh_from_db()
        assert opportunity.owner == analyst
        assert opportunity.version == 2


def test_assign_owner_is_offered_to_a_team_lead(team_opportunity, team_lead, session_for) -> None:
    response = session_for(team_lead).get(reverse(OPPORTUNITIES))

    assert "assign_owner" in _offered_actions(response)


def test_assign_owner_offers_only_the_leads_teams_people(
    team_opportunity, team_lead, analyst, other_team, session_for
) -> None:
    response = session_for(team_lead).get(reverse(OPPORTUNITIES))

    offered = {user.username for user in response.context["action_form"].fields["owner"].queryset}
    assert offered == {"analyst", "desk", "lead"}  # the Japan desk; not the Europe desk's outsider


def test_assign_owner_is_not_offered_to_desk_staff(
    team_opportunity, desk_staff, session_for
) -> None:
    response = session_for(desk_staff).get(reverse(OPPORTUNITIES))

    assert "assign_owner" not in _offered_actions(response)
    assert "move_stage" in _offered_actions(response)


def test_desk_staff_posting_assign_owner_anyway_changes_nothing(
    team_opportunity, desk_staff, analyst, session_for
) -> None:
    response = _run(
        session_for(desk_staff),
        OPPORTUNITIES,
        "assign_owner",
        [team_opportunity],
        owner=str(analyst.pk),
    )

    assert _messages(response) == ["No action selected."]
    team_opportunity.refresh_from_db()
    assert team_opportunity.owner == desk_staff
    assert team_opportunity.version == 1


def test_assign_owner_without_choosing_an_owner_warns_and_changes_nothing(
    team_opportunity, team_lead, desk_staff, session_for
) -> None:
    response = _run(session_for(team_lead), OPPORTUNITIES, "assign_owner", [team_opportunity])

    assert _messages(response) == ["Choose an owner first."]
    team_opportunity.refresh_from_db()
    assert team_opportunity.owner == desk_staff


def test_assign_owner_refuses_a_user_outside_the_team(
    team_opportunity, team_lead, desk_staff, outsider, session_for
) -> None:
    response = _run(
        session_for(team_lead),
        OPPORTUNITIES,
        "assign_owner",
        [team_opportunity],
        owner=str(outsider.pk),
    )

    assert _messages(response) == ["outsider is not a member of team Japan desk."]
    team_opportunity.refresh_from_db()
    assert team_opportunity.owner == desk_staff
    assert team_opportunity.version == 1


def test_assign_owner_changes_none_when_one_selected_opportunity_is_refused(
    team_opportunity, other_team_opportunity, superuser, team_lead, desk_staff, session_for
) -> None:
    # The lead is in the first opportunity's team but not the second's: all or nothing.
    response = _run(
        session_for(superuser),
        OPPORTUNITIES,
        "assign_owner",
        [team_opportunity, other_team_opportunity],
        owner=str(team_lead.pk),
    )

    assert _messages(response) == ["lead is not a member of team Europe desk."]
    team_opportunity.refresh_from_db()
    other_team_opportunity.refresh_from_db()
    assert team_opportunity.owner == desk_staff
    assert team_opportunity.version == 1
    assert other_team_opportunity.version == 1


# --- follow-ups -------------------------------------------------------------------------------


def test_complete_follow_ups_marks_the_open_follow_ups_of_the_selected_opportunities_done(
    team, desk_staff, session_for
) -> None:
    chosen, other = OpportunityFactory.create_batch(2, team=team)
    open_ones = FollowUpFactory.create_batch(2, opportunity=chosen)
    cancelled = FollowUpFactory(opportunity=chosen, status=FollowUp.Status.CANCELLED)
    untouched = FollowUpFactory(opportunity=other)

    response = _run(session_for(desk_staff), OPPORTUNITIES, "complete_follow_ups", [chosen])

    assert _messages(response) == ["Marked 2 follow-ups done."]
    for follow_up in open_ones:
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.DONE
        assert follow_up.completed_at is not None
    cancelled.refresh_from_db()
    untouched.refresh_from_db()
    assert cancelled.status == FollowUp.Status.CANCELLED
    assert untouched.status == FollowUp.Status.OPEN


def test_mark_done_completes_the_selected_follow_ups_with_a_history_record(
    team_opportunity, desk_staff, session_for
) -> None:
    chosen = FollowUpFactory.create_batch(2, opportunity=team_opportunity)
    left = team_opportunity.follow_ups.get(title="Call the MoD")

    response = _run(session_for(desk_staff), FOLLOW_UPS, "mark_done", chosen)

    assert _messages(response) == ["Marked 2 follow-ups done."]
    for follow_up in chosen:
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.DONE
        assert follow_up.completed_at is not None
        assert follow_up.history.latest().status == FollowUp.Status.DONE
        assert follow_up.history.count() == 2
    left.refresh_from_db()
    assert left.status == FollowUp.Status.OPEN


def test_mark_done_leaves_follow_ups_that_are_not_open(
    team_opportunity, desk_staff, session_for
) -> None:
    done_at = timezone.now() - datetime.timedelta(days=3)
    done = FollowUpFactory(
        opportunity=team_opportunity, status=FollowUp.Status.DONE, completed_at=done_at
    )
    cancelled = FollowUpFactory(opportunity=team_opportunity, status=FollowUp.Status.CANCELLED)

    response = _run(session_for(desk_staff), FOLLOW_UPS, "mark_done", [done, cancelled])

    assert _messages(response) == ["Marked 0 follow-ups done."]
    done.refresh_from_db()
    cancelled.refresh_from_db()
    assert done.completed_at == done_at
    assert cancelled.status == FollowUp.Status.CANCELLED


# --- filters ----------------------------------------------------------------------------------


def test_mine_open_filter_lists_only_the_requesting_users_open_follow_ups(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    mine = team_opportunity.follow_ups.get()  # open, owned by desk_staff
    FollowUpFactory(
        opportunity=team_opportunity,
        owner=desk_staff,
        status=FollowUp.Status.DONE,
        completed_at=timezone.now(),
    )
    FollowUpFactory(opportunity=team_opportunity, owner=desk_staff, status="cancelled")
    FollowUpFactory(opportunity=team_opportunity, owner=team_lead)
    FollowUpFactory(opportunity=team_opportunity, owner=None)

    response = session_for(desk_staff).get(reverse(FOLLOW_UPS), {"mine": "open"})

    assert _shown(response) == {mine.pk}


def test_due_overdue_filter_lists_only_open_follow_ups_due_before_today(
    team_opportunity, desk_staff, session_for
) -> None:
    overdue = FollowUpFactory(opportunity=team_opportunity, due_date=_days(-1))
    FollowUpFactory(opportunity=team_opportunity, due_date=_days(0))
    FollowUpFactory(opportunity=team_opportunity, due_date=_days(1))
    FollowUpFactory(
        opportunity=team_opportunity,
        due_date=_days(-5),
        status=FollowUp.Status.DONE,
        completed_at=timezone.now(),
    )
    FollowUpFactory(
        opportunity=team_opportunity, due_date=_days(-5), status=FollowUp.Status.CANCELLED
    )

    response = session_for(desk_staff).get(reverse(FOLLOW_UPS), {"due": "overdue"})

    assert _shown(response) == {overdue.pk}


@pytest.fixture
def follow_up_states(team):
    """Opportunities whose soonest open follow-up is overdue, upcoming, or missing."""
    overdue = OpportunityFactory(team=team, title="overdue")
    FollowUpFactory(opportunity=overdue, due_date=_days(-1))
    FollowUpFactory(opportunity=overdue, due_date=_days(4))
    upcoming = OpportunityFactory(team=team, title="upcoming")
    FollowUpFactory(opportunity=upcoming, due_date=_days(2))
    FollowUpFactory(
        opportunity=upcoming,
        due_date=_days(-10),
        status=FollowUp.Status.DONE,
        completed_at=timezone.now(),
    )
    only_closed = OpportunityFactory(team=team, title="only closed")
    FollowUpFactory(opportunity=only_closed, due_date=_days(-3), status="cancelled")
    nothing = OpportunityFactory(team=team, title="nothing")
    return {"overdue": overdue, "upcoming": upcoming, "only closed": only_closed, "none": nothing}


def test_follow_up_overdue_filter_lists_opportunities_whose_next_open_follow_up_is_late(
    follow_up_states, desk_staff, session_for
) -> None:
    response = session_for(desk_staff).get(reverse(OPPORTUNITIES), {"follow_up": "overdue"})

    assert _shown(response) == {follow_up_states["overdue"].pk}


def test_follow_up_none_filter_lists_opportunities_without_an_open_follow_up(
    follow_up_states, desk_staff, session_for
) -> None:
    response = session_for(desk_staff).get(reverse(OPPORTUNITIES), {"follow_up": "none"})

    assert _shown(response) == {follow_up_states["only closed"].pk, follow_up_states["none"].pk}
