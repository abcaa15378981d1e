"""Every admin path that saves a follow-up bumps its version, so an API client or a sheet that
read the old one gets refused rather than writing over the admin's edit."""

from __future__ import annotations

from django.urls import reverse

from opportunities.models import FollowUp
from tests.opportunities.factories import FollowUpFactory
from tests.support.html_forms import form_data


def _counters(follow_up: FollowUp) -> tuple[int, int]:
    follow_up.refresh_from_db()
    return follow_up.version, follow_up.sequence


def test_change_form_save_bumps_version(team_opportunity, desk_staff, session_for) -> None:
    follow_up = team_opportunity.follow_ups.get()
    client = session_for(desk_staff)
    url = reverse("admin:opportunities_followup_change", args=[follow_up.pk])
    page = client.get(url)
    assert "Version" in page.content.decode()
    data = form_data(page, id="followup_form")
    data["title"] = "Call the MoD again"

    assert client.post(url, data).status_code == 302

    assert _counters(follow_up) == (2, 1)
    assert follow_up.title == "Call the MoD again"


def test_inline_edit_bumps_only_the_edited_follow_up(
    team_opportunity, desk_staff, session_for
) -> None:
    edited = team_opportunity.follow_ups.get()
    untouched = FollowUpFactory(opportunity=team_opportunity, title="Send the proposal")
    client = session_for(desk_staff)
    url = reverse("admin:opportunities_opportunity_change", args=[team_opportunity.pk])
    data = form_data(client.get(url), id="opportunity_form")
    row = next(key for key, value in data.items() if value == "Call the MoD")
    data[row.replace("-title", "-status")] = FollowUp.Status.DONE

    assert client.post(url, data).status_code == 302

    assert _counters(edited) == (2, 1)
    assert _counters(untouched) == (1, 0)


def test_mark_done_action_bumps_version(team_opportunity, desk_staff, session_for) -> None:
    follow_up = team_opportunity.follow_ups.get()
    response = session_for(desk_staff).post(
        reverse("admin:opportunities_followup_changelist"),
        {"action": "mark_done", "_selected_action": [follow_up.pk]},
    )
    assert response.status_code == 302
    assert _counters(follow_up) == (2, 1)
    assert follow_up.status == FollowUp.Status.DONE


def test_reverting_to_an_old_version_moves_the_version_forward(
    team_opportunity, desk_staff, session_for
) -> None:
    follow_up = team_opportunity.follow_ups.get()
    client = session_for(desk_staff)
    change = reverse("admin:opportunities_followup_change", args=[follow_up.pk])
    data = form_data(client.get(change), id="followup_form")
    data["title"] = "Renamed"
    assert client.post(change, data).status_code == 302
    first = follow_up.history.earliest()
    revert = reverse(
        "admin:opportunities_followup_simple_history", args=[follow_up.pk, first.history_id]
    )

    restore = form_data(client.get(revert), id="historicalfollowup_form")
    assert client.post(revert, restore).status_code == 302

    assert _counters(follow_up) == (3, 2)
    assert follow_up.title == "Call the MoD"


def test_outsider_cannot_save_and_bump(team_opportunity, outsider, session_for) -> None:
    follow_up = team_opportunity.follow_ups.get()
    url = reverse("admin:opportunities_followup_change", args=[follow_up.pk])
    assert session_for(outsider).post(url, {"title": "Mine now"}).status_code == 404
    assert _counters(follow_up) == (1, 0)
