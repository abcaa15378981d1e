"""The converted value beside the original, in the API's JSON and in its exports (one column
definition, opportunities/sheets/columns.py), and ignored when a sheet comes back."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opportunities.models import ExchangeRate
from tests.opportunities.factories import OpportunityFactory
from tests.support.sheets import read_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def valued(team, japan):
    ExchangeRate.objects.create(
        currency="USD", quote="INR", rate=Decimal("80"), on=timezone.localdate()
    )
    ExchangeRate.objects.create(
        currency="USD",
        quote="INR",
        rate=Decimal("1"),
        on=timezone.localdate() + datetime.timedelta(days=2),
    )  # not in force yet
    made = {}
    for key, value, currency in [
        ("R-1", Decimal("8000000"), "INR"),
        ("R-2", Decimal("5"), "USD"),
        ("R-3", Decimal("9"), "CHF"),
        ("R-4", None, "USD"),
    ]:
        made[key] = OpportunityFactory(
            team=team, value=value, currency=currency, external_id=key, countries=[japan]
        )
    return made


def test_the_api_carries_the_reporting_value_beside_the_original(desk_api, valued):
    rows = {
        row["external_id"]: row for row in desk_api.get("/api/opportunities/").json()["results"]
    }
    assert (rows["R-1"]["value"], rows["R-1"]["currency"]) == ("8000000.00", "INR")
    assert (rows["R-1"]["reporting_value"], rows["R-1"]["reporting_currency"]) == (
        "100000.00",
        "USD",
    )
    assert rows["R-2"]["reporting_value"] == "5.00"
    assert rows["R-3"]["reporting_value"] is None  # no rate for CHF
    assert rows["R-4"]["reporting_value"] is None
    detail = desk_api.get(f"/api/opportunities/{valued['R-1'].pk}/").json()
    assert detail["reporting_value"] == "100000.00"


def test_an_export_has_the_converted_value_as_a_column_of_its_own(desk_api, valued, settings):
    rows = read_csv(desk_api.get("/api/opportunities/?format=csv"))
    header = rows[0]
    at = header.index("currency")
    assert header[at + 1 : at + 3] == ["reporting_value", "reporting_currency"]
    by_key = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert (by_key["R-1"]["reporting_value"], by_key["R-1"]["reporting_currency"]) == (
        "100000.00",
        "USD",
    )
    assert by_key["R-3"]["reporting_value"] == ""
    settings.TRACKER_REPORTING_CURRENCY = "INR"
    rows = read_csv(desk_api.get("/api/opportunities/?format=csv&currency=USD"))
    by_key = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_key["R-2"]["reporting_value"] == "400.00"
    assert by_key["R-2"]["reporting_currency"] == "INR"


def test_an_exported_sheet_sent_back_changes_nothing(desk_api, valued):
    out = io.StringIO()
    csv.writer(out).writerows(read_csv(desk_api.get("/api/opportunities/?format=csv")))
    response = desk_api.post(
        "/api/opportunities/bulk/",
        {"file": SimpleUploadedFile("back.csv", out.getvalue().encode())},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["created"], report["updated"], report["errors"]) == (0, 0, [])
    assert report["unchanged"] == 4
