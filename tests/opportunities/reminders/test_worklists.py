"""Work lists in the database: next follow-up before/after, none set, overdue, stale, mine."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def quiet_since(opportunity: Opportunity, n_days: int) -> None:
    """Backdate every sign of activity on `opportunity` by `n_days`."""
    when = timezone.now() - datetime.timedelta(days=n_days)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_changed_at=when)
    FollowUp.objects.filter(opportunity=opportunity).update(updated_at=when)
    opportunity.notes.update(created_at=when)


@pytest.fixture
def board(team):
    """Four opportunities: overdue, next week, far off (with a done one sooner), nothing set."""
    overdue = OpportunityFactory(title="overdue", team=team)
    FollowUpFactory(opportunity=overdue, due_date=days(-2))
    FollowUpFactory(opportunity=overdue, due_date=days(5))
    week = OpportunityFactory(title="week", team=team)
    FollowUpFactory(opportunity=week, due_date=days(6))
    far = OpportunityFactory(title="far", team=team)
    FollowUpFactory(opportunity=far, due_date=days(40))
    FollowUpFactory(opportunity=far, due_date=days(1), status="done", completed_at=timezone.now())
    none = OpportunityFactory(title="none", team=team)
    FollowUpFactory(opportunity=none, due_date=days(1), status="cancelled")
    return {"overdue": overdue, "week": week, "far": far, "none": none}


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_next_follow_up_is_the_soonest_open_one(board, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        rows = Opportunity.objects.with_next_follow_up().values_list("title", "next_follow_up")
        rows = dict(rows)
    assert rows == {"overdue": days(-2), "week": days(6), "far": days(40), "none": None}


def test_before_after_none_and_overdue(board) -> None:
    assert titles(Opportunity.objects.next_follow_up_before(days(7))) == {"overdue", "week"}
    assert titles(Opportunity.objects.next_follow_up_after(days(7))) == {"far"}
    # "overdue" has one due in 5 days, but its next one is earlier, so it is not "after today".
    assert titles(Opportunity.objects.next_follow_up_after(TODAY)) == {"week", "far"}
    assert titles(Opportunity.objects.without_follow_up()) == {"none"}
    assert titles(Opportunity.objects.overdue()) == {"overdue"}


def test_owner_list_is_open_and_soonest_first(team, desk_staff, team_lead) -> None:
    opportunity = OpportunityFactory(team=team)
    later = FollowUpFactory(opportunity=opportunity, owner=desk_staff, due_date=days(9))
    sooner = FollowUpFactory(opportunity=opportunity, owner=desk_staff, due_date=days(-1))
    FollowUpFactory(opportunity=opportunity, owner=desk_staff, status="cancelled")
    FollowUpFactory(opportunity=opportunity, owner=team_lead, due_date=days(-5))

    assert list(FollowUp.objects.for_owner(desk_staff)) == [sooner, later]


def test_stale_follows_the_threshold_of_each_stage(team, settings) -> None:
    settings.REMINDERS_STALE_DAYS = {"identified": 30, "proposal": 10}
    settings.REMINDERS_STALE_DAYS_DEFAULT = 20
    quiet_identified = OpportunityFactory(title="identified 25", team=team, stage="identified")
    quiet_proposal = OpportunityFactory(title="proposal 12", team=team, stage="proposal")
    quiet_engaged = OpportunityFactory(title="engaged 21", team=team, stage="engaged")
    lost = OpportunityFactory(title="lost 99", team=team, stage="lost", close_reason="Budget cut")
    quiet_since(quiet_identified, 25)
    quiet_since(quiet_proposal, 12)
    quiet_since(quiet_engaged, 21)
    quiet_since(lost, 99)

    assert titles(Opportunity.objects.stale()) == {"proposal 12", "engaged 21"}
    assert titles(Opportunity.objects.fresh()) == {"identified 25", "lost 99"}
    flags = dict(Opportunity.objects.with_stale().values_list("title", "is_stale"))
    assert flags == {
        "identified 25": False,
        "proposal 12": True,
        "engaged 21": True,
        "lost 99": False,
    }


@pytest.mark.parametrize("activity", ["note", "follow-up", "stage change"])
def test_any_activity_makes_work_fresh_again(team, activity) -> None:
    opportunity = OpportunityFactory(title="quiet", team=team, stage="engaged")
    FollowUpFactory(opportunity=opportunity)
    quiet_since(opportunity, 60)
    assert titles(Opportunity.objects.stale()) == {"quiet"}

    if activity == "note":
        NoteFactory(opportunity=opportunity)
    elif activity == "follow-up":
        FollowUpFactory(opportunity=opportunity)
    else:
        Opportunity.objects.filter(pk=opportunity.pk).update(stage_changed_at=timezone.now())

    assert not Opportunity.objects.stale().exists()


def test_stale_query_is_one_query_however_many(team, django_assert_num_queries) -> None:
    for n in range(30):
        opportunity = OpportunityFactory(team=team, stage="engaged")
        NoteFactory(opportunity=opportunity)
        quiet_since(opportunity, 30 + n)
    with django_assert_num_queries(1):
        assert len(list(Opportunity.objects.stale())) == 30


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def changelist(session_for, superuser):
    client = session_for(superuser)

    def get(**params):
        return client.get(reverse("admin:opportunities_opportunity_changelist"), params)

    return get


def listed(response) -> set[str]:
    return {str(row) for row in response.context["cl"].result_list}


def test_admin_filters_before_after_none_overdue(board, changelist) -> None:
    assert listed(changelist(next_before=str(days(7)))) == {"overdue", "week"}
    assert listed(changelist(next_after=str(days(7)))) == {"far"}
    assert listed(changelist(next_after=str(TODAY), next_before=str(days(7)))) == {"week"}
    assert listed(changelist(follow_up="none")) == {"none"}
    assert listed(changelist(follow_up="overdue")) == {"overdue"}


def test_admin_refuses_a_bad_date_without_a_500(board, changelist) -> None:
    response = changelist(next_before="31/12/2026")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_admin_flags_and_filters_stale_work(team, changelist) -> None:
    stale = OpportunityFactory(title="stale one", team=team, stage="proposal")
    OpportunityFactory(title="busy one", team=team, stage="proposal")
    quiet_since(stale, 45)

    response = changelist()
    assert "quiet 45 days" in response.content.decode()
    assert listed(changelist(stale="yes")) == {"stale one"}
    assert listed(changelist(stale="no")) == {"busy one"}


def test_admin_stale_filter_is_scoped_to_the_users_teams(team, session_for, outsider) -> None:
    stale = OpportunityFactory(title="Japan quiet", team=team, stage="proposal")
    quiet_since(stale, 45)
    response = session_for(outsider).get(
        reverse("admin:opportunities_opportunity_changelist"), {"stale": "yes"}
    )
    assert listed(response) == set()


@pytest.mark.parametrize("rows", [10, 60])
def test_admin_list_with_filters_keeps_its_query_budget(
    team, changelist, django_assert_max_num_queries, rows
) -> None:
    other = TeamFactory()
    for n in range(rows):
        opportunity = OpportunityFactory(team=team if n % 2 else other, stage="engaged")
        FollowUpFactory(opportunity=opportunity, due_date=days(n - 30))
        NoteFactory(opportunity=opportunity)
        if n % 3 == 0:
            quiet_since(opportunity, 40)
    with django_assert_max_num_queries(14):
        response = changelist(stale="yes", next_before=str(days(30)))
    assert response.status_code == 200
    assert len(listed(response)) == len(range(0, rows, 3))
