"""Admin exports are safe to open in a spreadsheet: no cell is a live formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lib.sheets.safety import FORMULA_TRIGGERS
from opportunities.models import Opportunity
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory, InvestmentAreaFactory
from tests.support.admin_exports import admin_export, csv_rows, xlsx_cells
from tests.support.html_forms import form_data

# A selection sent to the export view makes django-import-export warn about a method it calls
# for itself; nothing we can change.
pytestmark = pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning")

FORMULA_TITLES = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def formula_opportunities(team):
    """Opportunities whose title, partner country, area and firm read as formulae."""
    country = CountryFactory(code="ZZ", alpha_3="ZZZ", name="=1+2")
    area = InvestmentAreaFactory(name="@evil", slug="@evil")
    firm = FirmFactory(name="-1-1", country=country)
    opportunities = [
        OpportunityFactory(team=team, title=title, countries=[country]) for title in FORMULA_TITLES
    ]
    for opportunity in opportunities:
        opportunity.areas.add(area)
        opportunity.firms.add(firm)
    return opportunities


def test_csv_export_prefixes_every_formula_cell_with_an_apostrophe(
    formula_opportunities, desk_staff, session_for
) -> None:
    response = admin_export(
        session_for(desk_staff), "opportunities_opportunity", formula_opportunities, "csv"
    )

    header, *rows = csv_rows(response)
    assert len(rows) == len(FORMULA_TITLES)
    titles = [row[header.index("title")] for row in rows]
    assert sorted(titles) == sorted("'" + title for title in FORMULA_TITLES)
    for row in rows:
        assert row[header.index("country_names")] == "'=1+2"
        assert row[header.index("areas")] == "'@evil"
        assert row[header.index("firms")] == "'-1-1 (ZZ)"
    cells = [cell for row in [header, *rows] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]


def test_xlsx_export_holds_no_formula_cells(formula_opportunities, desk_staff, session_for) -> None:
    response = admin_export(
        session_for(desk_staff), "opportunities_opportunity", formula_opportunities, "xlsx"
    )

    cells = xlsx_cells(response)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert [text for text in texts if text.startswith(FORMULA_TRIGGERS)] == []
    assert "'" + FORMULA_TITLES[0] in texts


def test_export_never_contains_another_teams_opportunities(
    team_opportunity, other_team_opportunity, outsider, session_for
) -> None:
    client = session_for(outsider)
    export_url = reverse("admin:opportunities_opportunity_export")
    page = client.post(
        reverse("admin:opportunities_opportunity_changelist"),
        {
            "action": "export_admin_action",
            "_selected_action": [str(other_team_opportunity.pk)],
            "index": "0",
        },
    )
    data = form_data(page, action=export_url)
    data["format"] = "0"
    # Tamper with the hidden selection, as a user could: ask for the other team's row too.
    data["export_items"] = [str(team_opportunity.pk), str(other_team_opportunity.pk)]

    header, *rows = csv_rows(client.post(export_url, data))

    assert [row[header.index("title")] for row in rows] == ["Europe frigate refit"]


def test_follow_up_export_carries_the_version_beside_the_id(
    team_opportunity, desk_staff, session_for
) -> None:
    follow_up = team_opportunity.follow_ups.get()
    client = session_for(desk_staff)
    change = reverse("admin:opportunities_followup_change", args=[follow_up.pk])
    data = form_data(client.get(change), id="followup_form")
    data["title"] = "Call the MoD again"
    assert client.post(change, data).status_code == 302

    header, row = csv_rows(admin_export(client, "opportunities_followup", [follow_up], "csv"))

    assert header[:5] == ["id", "version", "opportunity", "opportunity_title", "title"]
    assert row[:5] == [
        str(follow_up.pk),
        "2",
        team_opportunity.external_id,
        "Japan radar co-development",
        "Call the MoD again",
    ]


def test_an_admin_export_is_the_api_export_and_goes_back_through_bulk_unchanged(
    formula_opportunities, desk_staff, session_for
) -> None:
    # Titles that start with a tab or CR are stripped by the upsert, so they would come back
    # changed; those are the upsert's own concern
    # (tests/opportunities/sheets/test_opportunities.py).
    chosen = [o for o in formula_opportunities if not o.title.startswith(("\t", "\r"))]
    Opportunity.objects.exclude(pk__in=[o.pk for o in chosen]).delete()
    for index, opportunity in enumerate(chosen):
        Opportunity.objects.filter(pk=opportunity.pk).update(external_id=f"X-{index}")
    client = session_for(desk_staff)
    admin_file = admin_export(client, "opportunities_opportunity", chosen, "csv")
    api_file = client.get("/api/opportunities/?format=csv&ordering=id")
    admin_rows = csv_rows(admin_file)
    api_rows = list(
        csv.reader(io.StringIO(b"".join(api_file.streaming_content).decode("utf-8-sig")))
    )
    assert admin_rows[0] == api_rows[0]
    assert sorted(admin_rows[1:]) == sorted(row for row in api_rows[1:])

    upload = SimpleUploadedFile("back.csv", admin_file.content)
    report = client.post("/api/opportunities/bulk/", {"file": upload}).json()
    assert (report["created"], report["updated"], report["errors"]) == (0, 0, [])
    assert report["unchanged"] == len(chosen) == 4
