"""Staff see and change only their own teams' opportunities, follow-ups and notes."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Note, Opportunity
from opportunities.roles import DESK_STAFF
from tests.opportunities.factories import FollowUpFactory, TeamFactory
from tests.support.html_forms import form_data
from tests.tracker.factories import UserFactory

OPPORTUNITY_CHANGELIST = "admin:opportunities_opportunity_changelist"


def _target(opportunity: Opportunity, kind: str):
    if kind == "opportunity":
        return opportunity
    if kind == "followup":
        return opportunity.follow_ups.get()
    return opportunity.notes.get()


def _shown(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


@pytest.fixture
def auditor(roles, team, other_team):
    """Desk staff in no team, but allowed to see every team's work."""
    user = UserFactory(username="auditor", groups=[roles[DESK_STAFF]])
    user.user_permissions.add(Permission.objects.get(codename="view_all_teams"))
    return user


@pytest.mark.parametrize("page", ["change", "history", "delete"])
@pytest.mark.parametrize("kind", ["opportunity", "followup", "note"])
def test_outsider_is_refused_every_page_of_another_teams_record(
    kind: str, page: str, team_opportunity, outsider, session_for
) -> None:
    target = _target(team_opportunity, kind)
    url = reverse(f"admin:opportunities_{kind}_{page}", args=[target.pk])

    response = session_for(outsider).get(url)

    assert response.status_code == 404
    assert team_opportunity.title not in response.content.decode()


@pytest.mark.parametrize("kind", ["opportunity", "followup", "note"])
def test_outsider_is_refused_a_historical_version_of_another_teams_record(
    kind: str, team_opportunity, outsider, session_for
) -> None:
    target = _target(team_opportunity, kind)
    record = target.history.latest()
    url = reverse(f"admin:opportunities_{kind}_simple_history", args=[target.pk, record.history_id])

    response = session_for(outsider).get(url)

    assert response.status_code == 404
    assert team_opportunity.title not in response.content.decode()


@pytest.mark.parametrize("kind", ["opportunity", "followup", "note"])
def test_outsider_cannot_delete_another_teams_record(
    kind: str, team_opportunity, outsider, session_for
) -> None:
    target = _target(team_opportunity, kind)
    url = reverse(f"admin:opportunities_{kind}_delete", args=[target.pk])

    response = session_for(outsider).post(url, {"post": "yes"})

    assert response.status_code in {403, 404}
    assert type(target).objects.filter(pk=target.pk).exists()


def test_member_opens_their_own_teams_opportunity(
    team_opportunity, desk_staff, session_for
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])

    assert session_for(desk_staff).get(url).status_code == 200


def test_opportunity_changelist_shows_only_the_users_own_teams(
    team_opportunity, other_team_opportunity, outsider, desk_staff, session_for
) -> None:
    url = reverse(OPPORTUNITY_CHANGELIST)

    assert _shown(session_for(outsider).get(url)) == {other_team_opportunity.pk}
    assert _shown(session_for(desk_staff).get(url)) == {team_opportunity.pk}


@pytest.mark.parametrize("kind", ["followup", "note"])
def test_follow_up_and_note_changelists_show_only_the_users_own_teams(
    kind: str, team_opportunity, other_team_opportunity, outsider, session_for
) -> None:
    FollowUpFactory(opportunity=other_team_opportunity)
    other_team_opportunity.notes.create(body="Their note")
    own = _target(other_team_opportunity, kind)

    response = session_for(outsider).get(reverse(f"admin:opportunities_{kind}_changelist"))

    assert _shown(response) == {own.pk}


def test_outsider_posting_a_change_to_another_teams_opportunity_changes_nothing(
    team_opportunity, desk_staff, outsider, session_for
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])
    data = form_data(session_for(desk_staff).get(url), id="opportunity_form")
    data["title"] = "Hijacked"
    data["team"] = str(outsider.teams.get().pk)

    response = session_for(outsider).post(url, data)

    assert response.status_code in {403, 404}
    team_opportunity.refresh_from_db()
    assert team_opportunity.title == "Japan radar co-development"
    assert team_opportunity.team.name == "Japan desk"
    assert team_opportunity.version == 1


def test_follow_up_add_form_refuses_an_opportunity_of_another_team(
    team_opportunity, outsider, session_for
) -> None:
    client = session_for(outsider)
    url = reverse("admin:opportunities_followup_add")
    data = form_data(client.get(url), id="followup_form")
    data |= {
        "opportunity": str(team_opportunity.pk),
        "title": "Sneak in",
        "due_date": (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
    }
    before = FollowUp.objects.count()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "opportunity" in response.context["adminform"].form.errors
    assert FollowUp.objects.count() == before


def test_follow_up_add_form_accepts_an_opportunity_of_the_users_team(
    other_team_opportunity, outsider, session_for
) -> None:
    client = session_for(outsider)
    url = reverse("admin:opportunities_followup_add")
    data = form_data(client.get(url), id="followup_form")
    data |= {
        "opportunity": str(other_team_opportunity.pk),
        "title": "Send the brochure",
        "due_date": (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert other_team_opportunity.follow_ups.get().title == "Send the brochure"


def test_note_add_form_refuses_an_opportunity_of_another_team(
    team_opportunity, outsider, session_for
) -> None:
    client = session_for(outsider)
    url = reverse("admin:opportunities_note_add")
    data = form_data(client.get(url), id="note_form")
    data |= {"opportunity": str(team_opportunity.pk), "body": "Planted note"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "opportunity" in response.context["adminform"].form.errors
    assert not Note.objects.filter(body="Planted note").exists()


def test_opportunity_autocomplete_offers_only_the_users_teams(
    team_opportunity, other_team_opportunity, outsider, session_for
) -> None:
    response = session_for(outsider).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "opportunities",
            "model_name": "followup",
            "field_name": "opportunity",
            "term": "",
        },
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(other_team_opportunity.pk)]


def test_team_choice_on_the_opportunity_add_form_lists_only_the_users_teams(
    team, other_team, team_lead, session_for
) -> None:
    second = TeamFactory(name="Korea desk", members=[team_lead])

    response = session_for(team_lead).get(reverse("admin:opportunities_opportunity_add"))

    choices = response.context["adminform"].form.fields["team"].queryset
    assert set(choices) == {team, second}


def test_opportunity_add_form_refuses_a_team_the_user_is_not_in(
    team, other_team, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = reverse("admin:opportunities_opportunity_add")
    data = form_data(client.get(url), id="opportunity_form")
    data |= {"title": "Planted", "team": str(other_team.pk)}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "team" in response.context["adminform"].form.errors
    assert not Opportunity.objects.filter(title="Planted").exists()


def test_superuser_sees_every_teams_opportunities_and_teams(
    team, other_team, team_opportunity, other_team_opportunity, superuser, session_for
) -> None:
    client = session_for(superuser)

    assert _shown(client.get(reverse(OPPORTUNITY_CHANGELIST))) == {
        team_opportunity.pk,
        other_team_opportunity.pk,
    }
    add_form = client.get(reverse("admin:opportunities_opportunity_add")).context["adminform"]
    assert set(add_form.form.fields["team"].queryset) == {team, other_team}
    change = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])
    assert client.get(change).status_code == 200


def test_view_all_teams_permission_sees_every_teams_work(
    team, other_team, team_opportunity, other_team_opportunity, auditor, session_for
) -> None:
    client = session_for(auditor)

    assert _shown(client.get(reverse(OPPORTUNITY_CHANGELIST))) == {
        team_opportunity.pk,
        other_team_opportunity.pk,
    }
    add_form = client.get(reverse("admin:opportunities_opportunity_add")).context["adminform"]
    assert set(add_form.form.fields["team"].queryset) == {team, other_team}
    for kind in ("opportunity", "followup", "note"):
        target = _target(team_opportunity, kind)
        for page in ("change", "history"):
            url = reverse(f"admin:opportunities_{kind}_{page}", args=[target.pk])
            assert client.get(url).status_code == 200, (kind, page)


def test_analyst_views_their_teams_opportunity_read_only(
    team_opportunity, analyst, session_for
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])

    response = session_for(analyst).get(url)

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="title"' not in response.content.decode()


def test_analyst_posting_a_change_gets_403_and_changes_nothing(
    team_opportunity, desk_staff, analyst, session_for
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])
    data = form_data(session_for(desk_staff).get(url), id="opportunity_form")
    data["title"] = "Renamed by the analyst"

    response = session_for(analyst).post(url, data)

    assert response.status_code == 403
    team_opportunity.refresh_from_db()
    assert team_opportunity.title == "Japan radar co-development"
    assert team_opportunity.version == 1
    assert team_opportunity.history.count() == 1
