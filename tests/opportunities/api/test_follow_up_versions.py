"""Follow-ups over REST carry their version as an ETag; a stale write is a 412 that changes
nothing, as for opportunities."""

from __future__ import annotations

import datetime

import pytest

from opportunities.models import FollowUp
from tests.opportunities.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(opportunity):
    return FollowUpFactory(
        opportunity=opportunity, title="Call the attaché", due_date=datetime.date(2026, 12, 1)
    )


def url_of(follow_up: FollowUp) -> str:
    return f"/api/follow-ups/{follow_up.pk}/"


def test_new_follow_up_is_version_1_with_its_etag(desk_api, opportunity):
    response = desk_api.post(
        "/api/follow-ups/",
        {"opportunity": "OPP-1", "title": "Call MoD", "due_date": "2026-12-01", "version": 7},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 1
    assert response["ETag"] == '"1"'
    detail = desk_api.get(f"/api/follow-ups/{response.json()['id']}/")
    assert detail["ETag"] == '"1"' and detail.json()["version"] == 1


def test_each_write_bumps_version_etag_and_calendar_sequence(desk_api, follow_up):
    url = url_of(follow_up)
    etag = desk_api.get(url)["ETag"]
    assert etag == '"1"'
    done = desk_api.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200, done.json()
    assert done.json()["version"] == 2 and done["ETag"] == '"2"'
    put = desk_api.put(
        url,
        {"opportunity": "OPP-1", "title": "Call again", "due_date": "2026-12-05", "version": 2},
        format="json",
    )
    assert put.status_code == 200, put.json()
    assert put["ETag"] == '"3"'
    follow_up.refresh_from_db()
    assert (follow_up.version, follow_up.sequence) == (3, 2)
    assert follow_up.title == "Call again" and follow_up.completed_at is not None
    assert follow_up.history.count() == 3


def test_stale_if_match_is_412_and_changes_nothing(desk_api, lead_api, follow_up):
    url = url_of(follow_up)
    etag = desk_api.get(url)["ETag"]
    first = desk_api.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    for method, body in (("patch", {"title": "Second"}), ("put", {"title": "Second"})):
        body = {"opportunity": "OPP-1", "due_date": "2027-01-01", **body}
        response = getattr(desk_api, method)(url, body, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 412, (method, response.json())
        assert "now version 2" in response.json()["detail"]
    assert lead_api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.due_date) == ("First", datetime.date(2026, 12, 1))
    assert (follow_up.version, follow_up.sequence) == (2, 1)
    assert follow_up.history.count() == 2
    assert lead_api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()


def test_stale_version_in_the_body_is_412(desk_api, lead_api, follow_up):
    url = url_of(follow_up)
    FollowUp.objects.filter(pk=follow_up.pk).update(version=5)
    response = desk_api.patch(url, {"title": "Mine", "version": 4}, format="json")
    assert response.status_code == 412
    assert FollowUp.objects.get(pk=follow_up.pk).title == "Call the attaché"
    assert lead_api.delete(url, {"version": 4}, format="json").status_code == 412
    mine = desk_api.patch(url, {"title": "Mine", "version": 5}, format="json")
    assert mine.status_code == 200 and mine.json()["version"] == 6
    assert lead_api.delete(url, {"version": 6}, format="json").status_code == 204
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("patch", {"data": {"title": "x"}, "HTTP_IF_MATCH": "nonsense"}),
        ("patch", {"data": {"title": "x", "version": "1"}}),
        ("patch", {"data": {"title": "x", "version": 0}}),
        ("delete", {"HTTP_IF_MATCH": '"1", "two"'}),
        ("delete", {"data": {"version": "one"}}),
        ("delete", {"data": {"version": True}}),
    ],
)
def test_malformed_preconditions_are_400_and_change_nothing(lead_api, follow_up, method, kwargs):
    response = getattr(lead_api, method)(url_of(follow_up), format="json", **kwargs)
    assert response.status_code == 400, response.content
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.version) == ("Call the attaché", 1)


def test_outsider_gets_404_whatever_the_precondition(outsider_api, follow_up):
    url = url_of(follow_up)
    assert outsider_api.get(url).status_code == 404
    assert (
        outsider_api.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 404
    )
    assert outsider_api.delete(url, HTTP_IF_MATCH='"1"').status_code == 404
    follow_up.refresh_from_db()
    assert (follow_up.title, follow_up.version) == ("Call the attaché", 1)


def test_a_write_costs_a_fixed_number_of_queries(
    desk_api, follow_up, django_assert_max_num_queries
):
    url = url_of(follow_up)
    desk_api.get(url)  # stamps the token's last use
    # Token, permissions, the follow-up, model validation (2), the row locked, the update and
    # its history record, the read-back; five savepoints. Then the open follow-ups' tally,
    # adjusted by the change (opportunities.tallies.adjust): a savepoint and its release, the
    # team locked, its opportunity's open follow-ups grouped before and after, one UPDATE and
    # one DELETE of the row it leaves (done: it joins none).
    with django_assert_max_num_queries(22):
        response = desk_api.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
