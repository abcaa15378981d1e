"""The opportunity change form's inlines: notes and follow-ups edited beside the opportunity."""

from __future__ import annotations

from django.urls import reverse

from opportunities.models import FollowUp, Opportunity
from tests.support.html_forms import form_data


def _change_url(opportunity: Opportunity) -> str:
    return reverse("admin:opportunities_opportunity_change", args=[opportunity.pk])


def test_note_added_in_the_opportunity_form_records_its_author(
    team_opportunity, team_lead, session_for
) -> None:
    client = session_for(team_lead)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    data["notes-1-body"] = "Their CTO wants a demo in March."

    response = client.post(url, data)

    assert response.status_code == 302
    note = team_opportunity.notes.get(body="Their CTO wants a demo in March.")
    assert note.author == team_lead


def test_marking_a_follow_up_done_in_the_opportunity_form_records_when(
    team_opportunity, desk_staff, session_for
) -> None:
    client = session_for(desk_staff)
    url = _change_url(team_opportunity)
    data = form_data(client.get(url), id="opportunity_form")
    assert data["follow_ups-0-title"] == "Call the MoD"
    data["follow_ups-0-status"] = FollowUp.Status.DONE

    response = client.post(url, data)

    assert response.status_code == 302
    follow_up = team_opportunity.follow_ups.get()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.completed_at is not None
