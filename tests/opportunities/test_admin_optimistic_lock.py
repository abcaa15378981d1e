"""Saving an opportunity from a stale change form is refused, so no one's edit is lost."""

from __future__ import annotations

from django.urls import reverse

from opportunities.models import Note, Opportunity
from tests.support.html_forms import form_data

STALE = "Someone else saved this opportunity after you opened it."


def _change_url(opportunity: Opportunity) -> str:
    return reverse("admin:opportunities_opportunity_change", args=[opportunity.pk])


def _errors(response) -> str:
    """All errors the change form shows: the form's and its inlines'."""
    return " ".join(str(error) for error in response.context["errors"])


def test_second_save_from_a_stale_form_is_refused_and_the_first_survives(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    first, second = session_for(desk_staff), session_for(team_lead)
    url = _change_url(team_opportunity)
    first_form = form_data(first.get(url), id="opportunity_form")
    second_form = form_data(second.get(url), id="opportunity_form")
    assert first_form["loaded_version"] == second_form["loaded_version"] == "1"

    first_form["title"] = "Radar co-development, phase 2"
    assert first.post(url, first_form).status_code == 302

    second_form["title"] = "Radar co-development (cancelled?)"
    second_form["notes-1-body"] = "Written on the stale form"
    response = second.post(url, second_form)

    assert response.status_code == 200
    assert STALE in _errors(response)
    team_opportunity.refresh_from_db()
    assert team_opportunity.title == "Radar co-development, phase 2"
    assert team_opportunity.version == 2
    assert team_opportunity.history.count() == 2
    assert not Note.objects.filter(body="Written on the stale form").exists()


def test_resubmitting_the_same_form_after_saving_it_is_refused(
    team_opportunity, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    data["probability"] = "40"
    assert client.post(url, data).status_code == 302

    data["probability"] = "90"
    response = client.post(url, data)

    assert STALE in _errors(response)
    team_opportunity.refresh_from_db()
    assert team_opportunity.probability == 40


def test_a_fresh_form_saves_after_someone_elses_change(
    team_opportunity, desk_staff, team_lead, session_for
) -> None:
    url = _change_url(team_opportunity)
    first, second = session_for(desk_staff), session_for(team_lead)
    data = form_data(first.get(url), id="opportunity_form")
    data["title"] = "First edit"
    first.post(url, data)

    data = form_data(second.get(url), id="opportunity_form")
    data["title"] = "Second edit"
    response = second.post(url, data)

    assert response.status_code == 302
    team_opportunity.refresh_from_db()
    assert (team_opportunity.title, team_opportunity.version) == ("Second edit", 3)


def test_moving_to_won_in_the_change_form_without_a_reason_shows_an_error_and_saves_nothing(
    team_opportunity, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    data["stage"] = Opportunity.Stage.WON
    data["close_reason"] = "   "

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["close_reason"] == ["Say why the opportunity was won or lost."]
    team_opportunity.refresh_from_db()
    assert team_opportunity.stage == Opportunity.Stage.IDENTIFIED
    assert team_opportunity.closed_at is None
    assert team_opportunity.version == 1
    assert team_opportunity.history.count() == 1


def test_moving_to_won_in_the_change_form_with_a_reason_closes_the_opportunity(
    team_opportunity, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    data["stage"] = Opportunity.Stage.WON
    data["close_reason"] = "Signed the teaming agreement"

    response = client.post(url, data)

    assert response.status_code == 302
    team_opportunity.refresh_from_db()
    assert team_opportunity.stage == Opportunity.Stage.WON
    assert team_opportunity.closed_at is not None
    assert team_opportunity.stage_changed_at == team_opportunity.closed_at
    assert team_opportunity.version == 2


def test_restoring_an_old_version_from_history_is_not_refused_as_stale(
    team_opportunity, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    data["title"] = "Renamed"
    assert client.post(url, data).status_code == 302
    first = team_opportunity.history.earliest()
    revert = reverse(
        "admin:opportunities_opportunity_simple_history",
        args=[team_opportunity.pk, first.history_id],
    )
    restore = form_data(client.get(revert), id="historicalopportunity_form")
    assert restore["loaded_version"] == "2"

    assert client.post(revert, restore).status_code == 302

    team_opportunity.refresh_from_db()
    assert (team_opportunity.title, team_opportunity.version) == ("Japan radar co-development", 3)
