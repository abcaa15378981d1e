"""`?atomic=` or `?dry_run=` with no value is refused with a 400 naming the option, and
nothing is written: read as false, it would write a sheet its sender meant only to check
(schemathesis found it: the schema says boolean). The firms' and contacts' bulk upsert reads
its `?dry_run=` with the same field (lib.api.fields.QueryBoolean)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import Opportunity
from partners.models import Firm
from tests.support.sheets import opportunity_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.mark.parametrize("query", ["?atomic=", "?dry_run=", "?dry_run=true&atomic="])
def test_an_empty_option_is_refused_and_writes_nothing(desk_api, team, query: str) -> None:
    sheet = SimpleUploadedFile("sheet.csv", opportunity_rows(3))
    response = desk_api.post(
        f"/api/opportunities/bulk/{query}", {"file": sheet}, format="multipart"
    )

    assert response.status_code == 400
    assert "Must be a valid boolean." in str(response.json())
    assert not Opportunity.objects.exists()


def test_a_named_option_still_works(desk_api, team) -> None:
    sheet = SimpleUploadedFile("sheet.csv", opportunity_rows(3))
    response = desk_api.post(
        "/api/opportunities/bulk/?dry_run=true", {"file": sheet}, format="multipart"
    )

    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert not Opportunity.objects.exists()


def test_the_firms_bulk_upsert_refuses_an_empty_dry_run_too(lead_api) -> None:
    rows = [{"name": "Bharat Forge", "country": "IN", "kind": "private"}]
    response = lead_api.post("/api/firms/bulk/?dry_run=", rows, format="json")

    assert response.status_code == 400
    assert "Must be a valid boolean." in str(response.json())
    assert not Firm.objects.exists()
