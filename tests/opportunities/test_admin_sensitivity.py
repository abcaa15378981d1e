"""The admin: restricted records are absent from lists, inlines and exports of desk staff and
their pages are a 404; a team lead sees and labels them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.support.html_forms import form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning"),
]

LISTS = [
    ("opportunities_opportunity", "Secret radar", "Open sonar"),
    ("opportunities_followup", "Restricted call", "Open call"),
    ("opportunities_followup", "Call on the secret", "Open call"),
    ("opportunities_note", "Restricted note", "Open note"),
]


@pytest.mark.parametrize(("model", "hidden", "shown"), LISTS)
def test_admin_lists_show_restricted_records_to_the_lead_only(
    model, hidden, shown, restricted, session_for, desk_staff, team_lead
) -> None:
    url = reverse(f"admin:{model}_changelist")
    desk = session_for(desk_staff).get(url)
    assert desk.status_code == 200
    assert shown.encode() in desk.content and hidden.encode() not in desk.content
    assert hidden.encode() in session_for(team_lead).get(url).content


@pytest.mark.parametrize(
    ("model", "record"),
    [
        ("opportunities_opportunity", "opportunity"),
        ("opportunities_followup", "follow_up"),
        ("opportunities_followup", "own_follow_up"),
        ("opportunities_note", "note"),
    ],
)
def test_a_restricted_change_and_history_page_is_a_404_for_desk_staff(
    model, record, restricted, session_for, desk_staff, team_lead
) -> None:
    pk = getattr(restricted, record).pk
    desk, lead = session_for(desk_staff), session_for(team_lead)
    for view in ("change", "history", "delete"):
        url = reverse(f"admin:{model}_{view}", args=[pk])
        assert desk.get(url).status_code == 404, view
    assert lead.get(reverse(f"admin:{model}_change", args=[pk])).status_code == 200


def test_the_opportunity_page_leaves_restricted_follow_ups_and_notes_out_of_its_inlines(
    restricted, session_for, desk_staff, team_lead
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[restricted.open_opportunity.pk])
    desk = session_for(desk_staff).get(url)
    assert desk.status_code == 200
    assert b"Open call" in desk.content and b"Restricted call" not in desk.content
    assert b"Open note" in desk.content and b"Restricted note" not in desk.content
    lead = session_for(team_lead).get(url)
    assert b"Restricted call" in lead.content and b"Restricted note" in lead.content


def test_saving_the_page_leaves_a_hidden_restricted_follow_up_alone(
    restricted, session_for, desk_staff
) -> None:
    client = session_for(desk_staff)
    url = reverse("admin:opportunities_opportunity_change", args=[restricted.open_opportunity.pk])
    data = form_data(client.get(url), id="opportunity_form")
    assert client.post(url, data).status_code == 302
    restricted.own_follow_up.refresh_from_db()
    assert restricted.own_follow_up.title == "Restricted call"
    assert restricted.own_follow_up.sensitivity == "restricted"


def test_only_a_lead_is_offered_the_restricted_label(
    restricted, session_for, desk_staff, team_lead
) -> None:
    url = reverse("admin:opportunities_opportunity_change", args=[restricted.open_opportunity.pk])
    desk = session_for(desk_staff).get(url).content
    assert b'name="sensitivity"' in desk and b'value="restricted"' not in desk
    lead_client = session_for(team_lead)
    data = form_data(lead_client.get(url), id="opportunity_form")
    assert data["sensitivity"] == "internal"
    data["sensitivity"] = "restricted"
    assert lead_client.post(url, data).status_code == 302
    restricted.open_opportunity.refresh_from_db()
    assert restricted.open_opportunity.sensitivity == "restricted"


def test_a_desk_user_posting_the_restricted_label_is_refused(
    restricted, session_for, desk_staff
) -> None:
    client = session_for(desk_staff)
    url = reverse("admin:opportunities_opportunity_change", args=[restricted.open_opportunity.pk])
    data = form_data(client.get(url), id="opportunity_form")
    data["sensitivity"] = "restricted"
    page = client.post(url, data)
    assert page.status_code == 200 and "sensitivity" in page.context["adminform"].form.errors
    restricted.open_opportunity.refresh_from_db()
    assert restricted.open_opportunity.sensitivity == "internal"


def _export_all(client, model: str) -> list[dict[str, str]]:
    export_url = reverse(f"admin:{model}_export")
    page = client.get(export_url)
    assert page.status_code == 200
    data = form_data(page, action="")
    data["format"] = "0"  # CSV
    response = client.post(export_url, data)
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_admin_export_leaves_restricted_rows_out_for_desk_staff(
    restricted, session_for, desk_staff, team_lead
) -> None:
    desk = _export_all(session_for(desk_staff), "opportunities_opportunity")
    assert [row["title"] for row in desk] == ["Open sonar"]
    lead = _export_all(session_for(team_lead), "opportunities_opportunity")
    assert {row["title"]: row["sensitivity"] for row in lead} == {
        "Open sonar": "internal",
        "Secret radar": "restricted",
    }
    follow_ups = _export_all(session_for(desk_staff), "opportunities_followup")
    assert [row["title"] for row in follow_ups] == ["Open call"]
