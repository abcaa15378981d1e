"""Saved views: created from a page's filters, private or shared with a team, listed in the
navigation, deleted only by their owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tracker.models import SavedView

pytestmark = pytest.mark.django_db

CREATE = reverse("dashboards:saved_view_create")


def save(client, **data):
    return client.post(CREATE, {"page": "board", "query": "", "team": "", **data})


def test_a_view_is_saved_from_the_current_filters_and_opens_them(known, desk_staff, session_for):
    client = session_for(desk_staff)
    board = client.get(f"/dashboards/board/?country=JP&owner={desk_staff.pk}")
    # The page offers to save exactly what it shows.
    assert f'value="country=JP&amp;owner={desk_staff.pk}"' in board.content.decode()

    response = save(client, name="My Japan cards", query=f"country=JP&owner={desk_staff.pk}&page=2")

    view = SavedView.objects.get()
    assert (view.owner, view.team, view.page) == (desk_staff, None, "board")
    assert view.query == f"owner={desk_staff.pk}&country=JP"  # the page number is not a filter
    assert response["Location"] == f"/dashboards/board/?owner={desk_staff.pk}&country=JP"
    opened = client.get(response["Location"])
    assert [c.title for c in opened.context["columns"][0].cards] == ["Opportunity a"]
    nav = opened.content.decode()
    nav = nav[nav.index('id="saved-views"') :]
    assert (
        f'href="/dashboards/board/?owner={desk_staff.pk}&amp;country=JP">My Japan cards</a>' in nav
    )


def test_each_list_can_be_saved(known, desk_staff, session_for):
    client = session_for(desk_staff)
    save(client, name="Overdue", page="follow_ups", query="due=overdue")
    save(client, name="Won in Japan", page="opportunities", query="stage=won&country=JP")
    urls = [v.get_absolute_url() for v in SavedView.objects.order_by("name")]
    assert urls == [
        "/dashboards/follow-ups/?due=overdue",
        "/dashboards/opportunities/?country=JP&stage=won",
    ]
    for url in urls:
        assert client.get(url).status_code == 200


def test_a_shared_view_is_listed_for_the_team_only(
    known, team, desk_staff, team_lead, outsider, session_for
):
    save(session_for(desk_staff), name="Team board", team=team.pk, query="area=training")
    save(session_for(desk_staff), name="Mine", query="country=FR")

    lead_nav = session_for(team_lead).get("/").content.decode()
    assert "Team board" in lead_nav and "Mine" not in lead_nav
    assert "Delete the view Team board" not in lead_nav  # not theirs to delete
    outsider_nav = session_for(outsider).get("/").content.decode()
    assert "Team board" not in outsider_nav and "Mine" not in outsider_nav


def test_a_view_cannot_be_shared_with_a_team_one_does_not_see(
    known, other_team, desk_staff, session_for
):
    client = session_for(desk_staff)
    response = save(client, name="Theirs", team=other_team.pk, query="")
    assert response.status_code == 302
    assert not SavedView.objects.exists()
    assert "Select a valid choice" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Bad", "query": "country=Japan"}, "These filters are not valid for that page."),
        ({"name": "  "}, "This field is required."),
        ({"name": "X", "page": "elsewhere"}, "Select a valid choice."),
    ],
)
def test_bad_views_are_refused_with_a_message(known, desk_staff, session_for, data, message):
    client = session_for(desk_staff)
    save(client, **data)
    assert not SavedView.objects.exists()
    assert message in client.get("/").content.decode()


def test_a_name_is_used_once_per_person(known, desk_staff, team_lead, session_for):
    save(session_for(desk_staff), name="Mine")
    save(session_for(team_lead), name="Mine")  # someone else's may share the name
    client = session_for(desk_staff)
    save(client, name="Mine", query="country=FR")
    assert SavedView.objects.count() == 2
    assert "You already have a view called “Mine”." in client.get("/").content.decode()


def test_only_the_owner_deletes_a_view(known, team, desk_staff, team_lead, session_for):
    save(session_for(desk_staff), name="Team board", team=team.pk)
    view = SavedView.objects.get()
    delete = reverse("dashboards:saved_view_delete", args=[view.pk])

    assert session_for(team_lead).post(delete).status_code == 404
    assert SavedView.objects.exists()
    response = session_for(desk_staff).post(delete, {"next": "/dashboards/board/?country=JP"})
    assert response["Location"] == "/dashboards/board/?country=JP"
    assert not SavedView.objects.exists()


def test_saving_needs_a_login_and_a_post(client, known, desk_staff, session_for):
    assert client.post(CREATE, {"name": "x", "page": "board"}).status_code == 302
    assert session_for(desk_staff).get(CREATE).status_code == 405
    assert not SavedView.objects.exists()
