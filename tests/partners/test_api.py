"""The API of the partners app: countries, firms, areas, contacts and policy openings."""

from __future__ import annotations

import pytest

from partners.models import Firm, InvestmentArea
from tests.partners.factories import (
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)

pytestmark = pytest.mark.django_db


def test_country_crud_and_filters(admin_api, japan):
    response = admin_api.post(
        "/api/countries/", {"code": "FR", "alpha_3": "FRA", "name": "France"}, format="json"
    )
    assert response.status_code == 201
    assert admin_api.get("/api/countries/?code=JP").json()["count"] == 1
    assert admin_api.get("/api/countries/?q=fran").json()["results"][0]["code"] == "FR"
    bad = admin_api.post(
        "/api/countries/", {"code": "f1", "alpha_3": "XXX", "name": "X"}, format="json"
    )
    assert bad.status_code == 400
    assert "code" in bad.json() or "__all__" in bad.json() or "non_field_errors" in bad.json()


def test_country_in_use_is_409_not_500(admin_api, japan):
    FirmFactory(country=japan)
    response = admin_api.delete(f"/api/countries/{japan.pk}/")
    assert response.status_code == 409
    assert "firms" in response.json()["detail"]


def test_firm_written_with_natural_keys(desk_api, japan):
    area = InvestmentAreaFactory(slug="radar", name="Radar")
    response = desk_api.post(
        "/api/firms/",
        {"name": "Kawasaki", "country": "jp", "areas": ["radar"], "kind": "private"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country_name"] == "Japan" and body["area_names"] == ["Radar"]
    assert body["areas"] == [area.pk]
    duplicate = desk_api.post("/api/firms/", {"name": "KAWASAKI", "country": "JP"}, format="json")
    assert duplicate.status_code == 400
    assert "already exists" in str(duplicate.json())
    assert Firm.objects.count() == 1
    assert desk_api.get("/api/firms/?country=JP&area=radar").json()["count"] == 1
    assert desk_api.get("/api/firms/?country=FR").json()["count"] == 0


def test_desk_staff_may_not_edit_areas_but_team_lead_may(desk_api, lead_api):
    payload = {"name": "Space", "slug": "space"}
    assert desk_api.post("/api/areas/", payload, format="json").status_code == 403
    response = lead_api.post("/api/areas/", payload, format="json")
    assert response.status_code == 201
    child = lead_api.post(
        "/api/areas/", {"name": "Satellites", "slug": "sat", "parent": "space"}, format="json"
    )
    assert child.json()["parent_name"] == "Space"
    assert InvestmentArea.objects.get(slug="sat").parent.slug == "space"


def test_contact_and_policy_opening(desk_api, japan):
    firm = FirmFactory(name="IHI", country=japan)
    contact = desk_api.post(
        "/api/contacts/", {"name": "Sato", "firm": "IHI (JP)", "country": "JP"}, format="json"
    )
    assert contact.status_code == 201, contact.json()
    assert contact.json()["firm"] == firm.pk
    orphan = desk_api.post("/api/contacts/", {"name": "Nobody"}, format="json")
    assert orphan.status_code == 400
    opening = desk_api.post(
        "/api/policy-openings/",
        {"country": "JP", "title": "Three principles revised", "status": "in_force"},
        format="json",
    )
    assert opening.status_code == 201, opening.json()
    PolicyOpeningFactory(country=CountryFactory(code="FR"))
    assert desk_api.get("/api/policy-openings/?country=JP").json()["count"] == 1


def test_a_policy_step_names_the_step_before_of_its_own_country_and_kind(desk_api, japan):
    before = PolicyOpeningFactory(
        country=japan, title="Three principles", cap="", status="in_force"
    )
    step = desk_api.post(
        "/api/policy-openings/",
        {"country": "JP", "title": "Three principles revised", "status": "in_force",
         "previous": before.pk, "route": "government", "announced_on": "2023-12-22"},
        format="json",
    )  # fmt: skip
    assert step.status_code == 201, step.json()
    assert (step.json()["previous"], step.json()["route"]) == (before.pk, "government")
    french = PolicyOpeningFactory(country=CountryFactory(code="FR"), title="French FDI")
    wrong = desk_api.patch(
        f"/api/policy-openings/{step.json()['id']}/", {"previous": french.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert "same country and kind" in str(wrong.json())
    loop = desk_api.patch(
        f"/api/policy-openings/{before.pk}/", {"previous": step.json()["id"]}, format="json"
    )
    assert loop.status_code == 400
