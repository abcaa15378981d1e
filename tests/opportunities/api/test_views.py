from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory, InvestmentAreaFactory

pytestmark = pytest.mark.django_db


def test_create_with_natural_keys_and_read_names_back(desk_api, desk_staff, team, japan):
    area = InvestmentAreaFactory(name="Co-innovation", slug="co-innovation")
    firm = FirmFactory(name="Mitsubishi Heavy", country=japan)
    france = CountryFactory(code="FR")
    response = desk_api.post(
        "/api/opportunities/",
        {
            "title": "Radar co-development",
            "team": "Japan desk",
            "owner": "desk",
            "countries": ["JP", france.pk],
            "areas": ["co-innovation"],
            "firms": ["Mitsubishi Heavy (JP)"],
            "value": "2500000.00",
            "currency": "JPY",
            "external_id": "SHEET-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["team"] == team.pk and body["team_name"] == "Japan desk"
    assert body["owner"] == desk_staff.pk and body["owner_username"] == "desk"
    assert sorted(body["countries"]) == sorted([japan.pk, france.pk])
    assert body["country_names"] == ["France", "Japan"]
    assert body["areas"] == [area.pk] and body["area_names"] == ["Co-innovation"]
    assert body["firms"] == [firm.pk] and body["firm_names"] == ["Mitsubishi Heavy (JP)"]
    assert response["ETag"] == '"1"'
    opportunity = Opportunity.objects.get(external_id="SHEET-1")
    assert set(opportunity.countries.values_list("code", flat=True)) == {"JP", "FR"}


def test_unknown_keys_and_bad_values_are_400_field_by_field(desk_api, team):
    response = desk_api.post(
        "/api/opportunities/",
        {
            "title": "x",
            "team": team.pk,
            "countries": ["ZZ", 99999999999999999999],
            "probability": 150,
            "stage": "won",
            "currency": "XXXX",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert {"countries", "probability", "currency"} <= set(errors)
    assert "ZZ" in errors["countries"][0]
    assert not Opportunity.objects.exists()


def test_won_without_reason_is_refused_with_the_constraint_message(desk_api, opportunity):
    response = desk_api.patch(
        f"/api/opportunities/{opportunity.pk}/", {"stage": "won"}, format="json"
    )
    assert response.status_code == 400
    assert "why" in str(response.json()).lower()


def test_update_bumps_version_and_etag(desk_api, opportunity):
    url = f"/api/opportunities/{opportunity.pk}/"
    etag = desk_api.get(url)["ETag"]
    response = desk_api.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'


def test_stale_if_match_is_412_and_changes_nothing(desk_api, lead_api, opportunity):
    url = f"/api/opportunities/{opportunity.pk}/"
    etag = desk_api.get(url)["ETag"]
    first = desk_api.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    response = desk_api.patch(
        url, {"title": "Second", "countries": []}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    opportunity.refresh_from_db()
    assert opportunity.title == "First"
    assert opportunity.version == 2
    assert opportunity.countries.count() == 1
    assert lead_api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_stale_version_in_the_body_is_412(desk_api, opportunity):
    url = f"/api/opportunities/{opportunity.pk}/"
    Opportunity.objects.filter(pk=opportunity.pk).update(version=5)
    response = desk_api.patch(url, {"title": "Mine", "version": 4}, format="json")
    assert response.status_code == 412
    assert desk_api.patch(url, {"title": "Mine", "version": 5}, format="json").status_code == 200


def test_delete_with_a_stale_version_in_the_body_is_412(lead_api, opportunity):
    url = f"/api/opportunities/{opportunity.pk}/"
    Opportunity.objects.filter(pk=opportunity.pk).update(version=3)
    assert lead_api.delete(url, {"version": 2}, format="json").status_code == 412
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert lead_api.delete(url, {"version": 3}, format="json").status_code == 204
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_malformed_if_match_is_400(desk_api, opportunity):
    response = desk_api.patch(
        f"/api/opportunities/{opportunity.pk}/", {"title": "x"}, HTTP_IF_MATCH="nonsense"
    )
    assert response.status_code == 400


def test_desk_staff_may_not_assign_someone_else(desk_api, opportunity, team_lead):
    response = desk_api.patch(
        f"/api/opportunities/{opportunity.pk}/", {"owner": "lead"}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_team_lead_assigns_only_members(lead_api, opportunity, other_team):
    url = f"/api/opportunities/{opportunity.pk}/"
    assert lead_api.patch(url, {"owner": "desk"}, format="json").status_code == 200
    assert lead_api.patch(url, {"owner": "outsider"}, format="json").status_code == 400


def test_only_team_leads_delete(desk_api, lead_api, opportunity):
    url = f"/api/opportunities/{opportunity.pk}/"
    assert desk_api.delete(url).status_code == 403
    assert lead_api.delete(url).status_code == 204
    assert not Opportunity.objects.exists()


def test_creating_in_another_team_is_refused(desk_api, other_team):
    response = desk_api.post(
        "/api/opportunities/", {"title": "x", "team": other_team.pk}, format="json"
    )
    assert response.status_code == 400
    assert "team" in response.json()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filters(desk_api, team, japan, desk_staff):
    france = CountryFactory(code="FR")
    area = InvestmentAreaFactory(slug="fdi")
    a = OpportunityFactory(team=team, countries=[japan], stage="engaged", owner=desk_staff)
    b = OpportunityFactory(team=team, countries=[france], stage="identified")
    c = OpportunityFactory(team=team, countries=[japan], stage="identified", title="Sonar deal")
    c.areas.add(area)
    today = timezone.localdate()
    FollowUpFactory(opportunity=a, due_date=today - datetime.timedelta(days=2))
    FollowUpFactory(opportunity=b, due_date=today + datetime.timedelta(days=10))
    FollowUpFactory(
        opportunity=c,
        due_date=today - datetime.timedelta(days=9),
        status="done",
        completed_at=timezone.now(),
    )
    get = lambda query: ids(desk_api.get(f"/api/opportunities/?{query}"))  # noqa: E731
    assert get("country=JP") == {a.pk, c.pk}
    assert get(f"country={france.pk}") == {b.pk}
    assert get("country=JP&stage=identified") == {c.pk}
    assert get("stage=identified&stage=engaged") == {a.pk, b.pk, c.pk}
    assert get("area=fdi") == {c.pk}
    assert get("owner=desk") == {a.pk}
    assert get("team=Japan desk") == {a.pk, b.pk, c.pk}
    assert get("overdue=true") == {a.pk}
    assert get("overdue=false") == {b.pk, c.pk}
    assert get(f"follow_up_due_after={today.isoformat()}") == {b.pk}
    assert get(f"follow_up_due_before={today.isoformat()}") == {a.pk}
    assert get("q=sonar") == {c.pk}
    Opportunity.objects.filter(pk=c.pk).update(currency="JPY")
    assert get("currency=JPY") == {c.pk}
    assert desk_api.get("/api/opportunities/?currency=XYZ").status_code == 400
    Opportunity.objects.filter(pk=b.pk).update(updated_at=timezone.now() + datetime.timedelta(1))
    since = (timezone.now() + datetime.timedelta(hours=12)).isoformat()
    assert ids(desk_api.get("/api/opportunities/", {"updated_since": since})) == {b.pk}


def test_a_key_naming_two_firms_lists_each_opportunity_once(desk_api, team, japan):
    india = CountryFactory(code="IN")
    both = OpportunityFactory(team=team, title="both")
    both.firms.add(FirmFactory(name="Alpha KK", country=japan))
    both.firms.add(FirmFactory(name="Alpha KK", country=india))
    other = OpportunityFactory(team=team, title="other")
    other.firms.add(FirmFactory(name="Beta KK", country=japan))
    response = desk_api.get("/api/opportunities/", {"firm": "alpha kk"})
    assert [row["title"] for row in response.json()["results"]] == ["both"]
    assert response.json()["count"] == 1
    assert desk_api.get("/api/opportunities/", {"firm": "Alpha KK (IN)"}).json()["count"] == 1
    exported = desk_api.get("/api/opportunities/", {"firm": "Alpha KK", "format": "csv"})
    assert b"".join(exported.streaming_content).count(b"\r\n") == 2  # header and one row


def test_work_list_filters_next_follow_up_none_set_and_stale(desk_api, team, settings):
    settings.REMINDERS_STALE_DAYS = {"identified": 30}
    today = timezone.localdate()
    soon = OpportunityFactory(team=team, stage="identified")
    later = OpportunityFactory(team=team, stage="identified")
    unplanned = OpportunityFactory(team=team, stage="identified")
    FollowUpFactory(opportunity=soon, due_date=today + datetime.timedelta(days=2))
    FollowUpFactory(opportunity=later, due_date=today + datetime.timedelta(days=20))
    long_ago = timezone.now() - datetime.timedelta(days=45)
    Opportunity.objects.filter(pk=unplanned.pk).update(stage_changed_at=long_ago)
    get = lambda query: ids(desk_api.get(f"/api/opportunities/?{query}"))  # noqa: E731
    week = (today + datetime.timedelta(days=7)).isoformat()

    assert get(f"next_follow_up_before={week}") == {soon.pk}
    assert get(f"next_follow_up_after={week}") == {later.pk}
    assert get("no_follow_up=true") == {unplanned.pk}
    assert get("no_follow_up=false") == {soon.pk, later.pk}
    assert get("stale=true") == {unplanned.pk}
    assert get("stale=false") == {soon.pk, later.pk}
    assert desk_api.get("/api/opportunities/?stale=perhaps").status_code == 400
    assert desk_api.get("/api/opportunities/?next_follow_up_before=soon").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "stage=nonsense",
        "country=%00",
        "q=a%00b",
        "country=99999999999999999999999",
        "updated_since=yesterday",
        "overdue=maybe",
        "follow_up_due_before=2026-13-45",
        "country=",
    ],
)
def test_bad_filter_values_are_400_or_ignored_never_500(desk_api, opportunity, query):
    response = desk_api.get(f"/api/opportunities/?{query}")
    assert response.status_code in (200, 400), response.content
    if query != "country=":
        assert response.status_code == 400


def test_huge_and_non_numeric_ids_are_404(desk_api):
    assert desk_api.get("/api/opportunities/abc/").status_code == 404
    assert desk_api.get("/api/opportunities/99999999999999999999999/").status_code == 404


def test_ordering_is_stable_and_paged(desk_api, team):
    made = [OpportunityFactory(team=team) for _ in range(5)]
    Opportunity.objects.update(updated_at=timezone.now())
    seen = []
    for page in (1, 2, 3):
        response = desk_api.get(
            "/api/opportunities/", {"ordering": "updated_at", "page_size": 2, "page": page}
        )
        seen += [row["id"] for row in response.json()["results"]]
    assert seen == sorted(o.pk for o in made)


def test_page_size_is_bounded(desk_api, team, settings):
    OpportunityFactory.create_batch(3, team=team)
    response = desk_api.get("/api/opportunities/", {"page_size": 10**9})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_follow_up_crud_and_completion_stamp(desk_api, opportunity):
    response = desk_api.post(
        "/api/follow-ups/",
        {"opportunity": "OPP-1", "title": "Call MoD", "due_date": "2026-12-01", "kind": "call"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/follow-ups/{response.json()['id']}/"
    done = desk_api.patch(url, {"status": "done"}, format="json")
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
    reopened = desk_api.patch(url, {"status": "open"}, format="json").json()
    assert reopened["completed_at"] is None
    assert desk_api.delete(url).status_code == 204
    assert not FollowUp.objects.exists()


def test_follow_up_filters(desk_api, opportunity, desk_staff):
    today = timezone.localdate()
    late = FollowUpFactory(opportunity=opportunity, due_date=today - datetime.timedelta(1))
    soon = FollowUpFactory(
        opportunity=opportunity, due_date=today + datetime.timedelta(5), owner=desk_staff
    )
    get = lambda query: ids(desk_api.get(f"/api/follow-ups/?{query}"))  # noqa: E731
    assert get("overdue=true") == {late.pk}
    assert get("owner=desk") == {soon.pk}
    assert get(f"due_after={today.isoformat()}") == {soon.pk}
    assert get("opportunity=OPP-1") == {late.pk, soon.pk}
    assert get("status=done") == set()


def test_note_author_is_the_writer(desk_api, opportunity, desk_staff):
    response = desk_api.post(
        "/api/notes/", {"opportunity": opportunity.pk, "body": "Met the attaché"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author_username"] == "desk"
    url = f"/api/notes/{response.json()['id']}/"
    assert desk_api.patch(url, {"body": "Met twice"}, format="json").json()["body"] == "Met twice"
    assert desk_api.delete(url).status_code == 204


def test_names_stand_beside_their_ids(desk_api, team):
    britain = CountryFactory(code="GB", name="United Kingdom")
    israel = CountryFactory(code="IL", name="Israel")
    opportunity = OpportunityFactory(team=team, countries=[israel, britain])
    body = desk_api.get(f"/api/opportunities/{opportunity.pk}/").json()
    # Sorted by code, and each name at its country's place (not sorted on its own).
    assert body["countries"] == [britain.pk, israel.pk]
    assert body["country_names"] == ["United Kingdom", "Israel"]
