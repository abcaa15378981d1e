"""`POST /api/firms/bulk/` and `/api/contacts/bulk/`: a row whose name differs from a stored
one only by case, punctuation or legal form updates it; no twin is ever created."""

from __future__ import annotations

import pytest

from partners.models import Contact, Firm
from tests.partners.factories import (
    ContactFactory,
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(db):
    japan = CountryFactory(code="JP")
    CountryFactory(code="FR")
    return FirmFactory(name="Mitsubishi Heavy Industries", country=japan)


@pytest.mark.parametrize(
    "name",
    [
        "MITSUBISHI HEAVY INDUSTRIES, LTD.",
        "Mitsubishi Heavy Industries K.K.",
        "mitsubishi-heavy industries",
    ],
)
def test_a_twin_name_updates_the_stored_firm(lead_api, stored, name) -> None:
    area = InvestmentAreaFactory(slug="co-innovation")
    rows = [{"name": name, "country": "JP", "website": "https://mhi.example", "areas": area.slug}]
    answer = lead_api.post("/api/firms/bulk/", rows, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 0 and answer.json()["updated"] == 1
    assert Firm.objects.count() == 1
    stored.refresh_from_db()
    assert stored.name == "Mitsubishi Heavy Industries"  # the stored spelling stays
    assert stored.website == "https://mhi.example" and list(stored.areas.all()) == [area]
    # A spelling with other words (a legal form) is kept as an alias; case and hyphens alone
    # are not (the gazetteer already folds them).
    assert stored.aliases == ([] if name == "mitsubishi-heavy industries" else [name])


def test_the_same_name_in_another_country_is_another_firm(lead_api, stored) -> None:
    rows = [{"name": "Mitsubishi Heavy Industries SA", "country": "FR"}]
    assert lead_api.post("/api/firms/bulk/", rows, format="json").json()["created"] == 1
    assert Firm.objects.count() == 2


def test_twins_within_one_upload_are_one_firm(lead_api, stored) -> None:
    rows = [
        {"name": "Tata Advanced Systems Pvt Ltd", "country": "JP"},
        {"name": "TATA ADVANCED SYSTEMS", "country": "JP", "kind": "state_owned"},
    ]
    report = lead_api.post("/api/firms/bulk/", rows, format="json").json()
    assert (report["created"], report["updated"]) == (1, 1)
    assert Firm.objects.filter(name__istartswith="tata").get().kind == "state_owned"


def test_an_unchanged_row_changes_nothing_and_a_dry_run_writes_nothing(lead_api, stored) -> None:
    same = lead_api.post(
        "/api/firms/bulk/", [{"name": stored.name, "country": "JP"}], format="json"
    )
    assert same.json()["unchanged"] == 1
    dry = lead_api.post(
        "/api/firms/bulk/?dry_run=true", [{"name": "New Firm", "country": "JP"}], format="json"
    )
    assert dry.json()["created"] == 1 and dry.json()["applied"] is False
    assert Firm.objects.count() == 1


def test_bad_rows_are_reported_and_good_ones_applied(lead_api, stored) -> None:
    rows = [
        {"name": "Nowhere Ltd", "country": "XX"},
        {"name": "No Country"},
        {"name": "Good Firm", "country": "JP", "areas": "no-such-area"},
        {"name": "Fine Firm", "country": "JP"},
    ]
    report = lead_api.post("/api/firms/bulk/", rows, format="json").json()
    assert [error["row"] for error in report["errors"]] == [1, 2, 3]
    assert "country" in report["errors"][0]["errors"]
    assert report["created"] == 1 and Firm.objects.count() == 2


def test_an_unreadable_body_is_a_400(lead_api, stored) -> None:
    assert lead_api.post("/api/firms/bulk/", {"rows": "x"}, format="json").status_code == 400


def test_desk_staff_may_upsert_analysts_may_not(desk_api, token_for, analyst, stored) -> None:
    rows = [{"name": "MHI LTD", "country": "JP"}]
    assert desk_api.post("/api/firms/bulk/", rows, format="json").status_code == 200
    assert token_for(analyst).post("/api/firms/bulk/", rows, format="json").status_code == 403


def test_a_csv_upload(lead_api, stored) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = b"name,country,website\r\nMitsubishi Heavy Industries Co. Ltd,JP,https://m.example\r\n"
    upload = SimpleUploadedFile("firms.csv", data, content_type="text/csv")
    answer = lead_api.post("/api/firms/bulk/", {"file": upload}, format="multipart")
    assert answer.json()["updated"] == 1 and Firm.objects.count() == 1


def test_contacts_twins_update_the_stored_one(lead_api, stored) -> None:
    contact = ContactFactory(name="S. Jaishankar", firm=None, country=stored.country)
    rows = [
        {"name": "Dr S Jaishankar", "country": "JP", "role": "Minister"},
        {"name": "Kenji Sato", "firm": "Mitsubishi Heavy Industries Ltd (JP)"},
    ]
    report = lead_api.post("/api/contacts/bulk/", rows, format="json").json()
    assert (report["created"], report["updated"], report["errors"]) == (1, 1, [])
    contact.refresh_from_db()
    assert contact.role == "Minister" and contact.name == "S. Jaishankar"
    assert Contact.objects.get(name="Kenji Sato").firm == stored


def test_a_bad_row_leaves_the_matched_firm_as_stored_for_the_rows_after(lead_api, stored):
    rows = [
        {
            "name": stored.name,
            "country": "JP",
            "kind": "no-such-kind",
            "website": "https://x.example",
        },
        {"name": stored.name, "country": "JP", "external_id": "MHI-1"},
    ]
    report = lead_api.post("/api/firms/bulk/", rows, format="json").json()
    assert [error["row"] for error in report["errors"]] == [1]
    assert report["changes"][0]["fields"] == ["external_id"]
    stored.refresh_from_db()
    assert (stored.website, stored.kind, stored.external_id) == ("", "private", "MHI-1")
