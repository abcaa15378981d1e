"""The pipeline board and a card's move: the dashboards' filters, team scoping, the version
check, reasons for won and lost, the plain-form path and the script's JSON path."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opportunities.models import Opportunity, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

BOARD = "/dashboards/board/"
JSON = {"HTTP_ACCEPT": "application/json"}


def cards(response) -> dict[str, list[str]]:
    return {
        column.stage: [card.title for card in column.cards]
        for column in response.context["columns"]
    }


def move_url(opportunity) -> str:
    return reverse("dashboards:board_move", args=[opportunity.pk])


def test_the_board_needs_a_login(client):
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_one_column_per_stage_with_the_teams_cards(known, team_lead, session_for):
    response = session_for(team_lead).get(BOARD)

    assert response.status_code == 200
    assert [c.stage for c in response.context["columns"]] == Opportunity.Stage.values
    assert cards(response) == {
        "identified": ["Opportunity b", "Opportunity a"],
        "qualifying": [],
        "engaged": [],
        "proposal": ["Opportunity c"],
        "agreement": [],
        "won": ["Opportunity won"],
        "lost": ["Opportunity lost"],
        "on_hold": [],
    }
    html = response.content.decode()
    assert "Opportunity other" not in html  # the other team's
    card = html[html.index(f'id="card-{known.opportunities["a"].pk}"') :]
    card = card[: card.index("</li>")]
    assert "Opportunity a" in card
    assert "Japan" in card
    assert "USD 1,000,000" in card
    assert "desk" in card  # the owner
    assert 'class="alert"' in card  # its next follow-up is overdue
    assert f'value="{known.opportunities["a"].version}"' in card


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=FR", {"Opportunity c", "Opportunity lost"}),
        ("?area=training", {"Opportunity b"}),
        ("?area=co-development&country=JP", {"Opportunity a", "Opportunity won"}),
    ],
)
def test_the_dashboards_filters_apply(known, team_lead, session_for, query, expected):
    response = session_for(team_lead).get(BOARD + query)
    assert {title for titles in cards(response).values() for title in titles} == expected
    # They stay in the URL: each card's form brings the move back to this very board.
    assert f'name="next" value="{BOARD}{query.replace("&", "&amp;")}"' in response.content.decode()


def test_owner_filter_and_the_more_link_keep_the_filters(known, desk_staff, session_for):
    response = session_for(desk_staff).get(f"{BOARD}?owner={desk_staff.pk}&country=JP")
    assert cards(response)["identified"] == ["Opportunity a"]
    identified = response.context["columns"][0]
    assert identified.more_href == (
        f"/dashboards/opportunities/?owner={desk_staff.pk}&stage=identified&country=JP"
    )


def test_a_bad_filter_is_a_400(known, team_lead, session_for):
    response = session_for(team_lead).get(BOARD + "?country=Japan")
    assert response.status_code == 400


def test_a_plain_form_moves_a_card_and_goes_back_to_the_filtered_board(
    known, team_lead, session_for
):
    a = known.opportunities["a"]
    client = session_for(team_lead)

    response = client.post(
        move_url(a), {"stage": "engaged", "version": a.version, "next": f"{BOARD}?country=JP"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BOARD}?country=JP"
    a.refresh_from_db()
    assert (a.stage, a.version) == ("engaged", 2)
    # Who moved it is in the history, as for an edit in the admin.
    assert a.history.latest("history_id").history_user == team_lead
    page = client.get(response["Location"])
    assert "“Opportunity a” moved to Engaged." in page.content.decode()
    assert cards(page)["engaged"] == ["Opportunity a"]


def test_the_script_gets_json(known, team_lead, session_for):
    a = known.opportunities["a"]
    response = session_for(team_lead).post(
        move_url(a), {"stage": "proposal", "version": a.version}, **JSON
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "“Opportunity a” moved to Proposal.",
        "id": a.pk,
        "stage": "proposal",
        "stage_label": "Proposal",
        "version": 2,
    }


def test_a_stale_card_says_so_and_changes_nothing(known, team_lead, session_for):
    a = known.opportunities["a"]
    Opportunity.objects.filter(pk=a.pk).update(version=4)  # someone saved it meanwhile
    client = session_for(team_lead)

    response = client.post(move_url(a), {"stage": "engaged", "version": 1}, **JSON)

    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert "changed by someone else" in response.json()["message"].lower()
    assert "Nothing was changed" in response.json()["message"]
    response = client.post(move_url(a), {"stage": "engaged", "version": 1, "next": BOARD})
    assert response.status_code == 302
    assert "Nothing was changed" in client.get(BOARD).content.decode()
    a.refresh_from_db()
    assert (a.stage, a.version) == ("identified", 4)


@pytest.mark.parametrize("stage", ["won", "lost"])
def test_won_and_lost_ask_for_a_reason(known, team_lead, session_for, stage):
    a = known.opportunities["a"]
    client = session_for(team_lead)

    # Without JavaScript: a page asks for it, carrying the move.
    asked = client.post(move_url(a), {"stage": stage, "version": 1, "next": BOARD})
    assert asked.status_code == 200
    assert b'name="reason"' in asked.content
    assert f'name="stage" value="{stage}"'.encode() in asked.content
    # The script asks in place; a move sent without one is refused.
    refused = client.post(move_url(a), {"stage": stage, "version": 1}, **JSON)
    assert refused.status_code == 400
    assert refused.json()["error"] == "reason"
    assert "won or lost" in refused.json()["message"]
    a.refresh_from_db()
    assert a.stage == "identified"

    done = client.post(move_url(a), {"stage": stage, "version": 1, "reason": "Budget decided"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert (a.stage, a.close_reason) == (stage, "Budget decided")
    assert a.closed_at is not None


def test_another_teams_card_is_not_there_to_move(known, team_lead, session_for):
    other = known.opportunities["other"]
    response = session_for(team_lead).post(move_url(other), {"stage": "engaged", "version": 1})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.stage == "identified"


def test_an_analyst_sees_the_board_but_may_not_move(known, analyst, session_for):
    client = session_for(analyst)
    page = client.get(BOARD)
    assert page.status_code == 200
    assert b'class="move"' not in page.content
    a = known.opportunities["a"]
    assert client.post(move_url(a), {"stage": "engaged", "version": 1}).status_code == 403
    a.refresh_from_db()
    assert a.stage == "identified"


def test_a_move_needs_post_and_a_valid_form(known, team_lead, session_for):
    a = known.opportunities["a"]
    client = session_for(team_lead)
    assert client.get(move_url(a)).status_code == 405
    response = client.post(move_url(a), {"stage": "nowhere", "version": "x"}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_next_elsewhere_goes_back_to_the_board(known, team_lead, session_for):
    a = known.opportunities["a"]
    response = session_for(team_lead).post(
        move_url(a), {"stage": "engaged", "version": 1, "next": "https://evil.example/"}
    )
    assert response["Location"] == BOARD


def test_a_board_move_fires_the_stage_change_webhook(known, team, team_lead, session_for):
    WebhookEndpoint.objects.create(team=team, url="http://127.0.0.1:9/hook")
    a = known.opportunities["a"]

    session_for(team_lead).post(move_url(a), {"stage": "qualifying", "version": 1}, **JSON)

    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "opportunity.stage_changed"
    assert delivery.payload["opportunity"]["id"] == a.pk
    assert delivery.payload["opportunity"]["previous_stage"] == "identified"


def test_the_page_has_no_inline_script(known, team_lead, session_for):
    html = session_for(team_lead).get(BOARD).content.decode()
    assert '<script src="/static/dashboards/board.js" defer></script>' in html
    assert "<script>" not in html
    assert " onclick=" not in html and " onsubmit=" not in html
