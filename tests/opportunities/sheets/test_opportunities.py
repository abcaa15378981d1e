from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from opportunities.models import Opportunity, WebhookDelivery, WebhookEndpoint
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory, InvestmentAreaFactory
from tests.support.sheets import export_csv, to_csv, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(team, japan):
    france = CountryFactory(code="FR")
    area = InvestmentAreaFactory(slug="radar", name="Radar")
    firm = FirmFactory(name="Thales, SA", country=france)
    made = []
    for index, title in enumerate(["=1+1", "Sonar", "-minus", "Plain"]):
        opportunity = OpportunityFactory(
            team=team,
            title=title,
            external_id=f"E-{index}",
            countries=[japan, france],
            value="1500.50",
        )
        opportunity.areas.add(area)
        opportunity.firms.add(firm)
        made.append(opportunity)
    return made


def snapshot() -> dict[str, tuple]:
    return {
        o.external_id: (
            o.title,
            o.stage,
            o.value,
            o.version,
            o.updated_at,
            sorted(o.countries.values_list("code", flat=True)),
            sorted(o.firms.values_list("name", flat=True)),
        )
        for o in Opportunity.objects.all()
    }


def test_resending_the_export_changes_nothing(desk_api, stock):
    before = snapshot()
    rows = export_csv(desk_api)
    response = upload(desk_api, "o.csv", to_csv(rows))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unchanged"] == len(stock) and body["updated"] == body["created"] == 0
    assert body["errors"] == []
    assert snapshot() == before


def test_csv_round_trip_changes_only_the_edited_cells(desk_api, stock):
    rows = export_csv(desk_api)
    header = rows[0]
    title, stage = header.index("title"), header.index("stage")
    rows[2][title] = "Sonar upgrade"
    rows[3][stage] = "engaged"
    before = snapshot()
    body = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert body["updated"] == 2 and body["unchanged"] == 2, body
    assert {(c["external_id"], tuple(c["fields"])) for c in body["changes"]} == {
        ("E-1", ("title",)),
        ("E-2", ("stage",)),
    }
    after = snapshot()
    assert after["E-0"] == before["E-0"] and after["E-3"] == before["E-3"]
    assert after["E-1"][0] == "Sonar upgrade" and after["E-1"][3] == before["E-1"][3] + 1
    assert after["E-2"][1] == "engaged"
    assert after["E-2"][5:] == before["E-2"][5:]
    assert Opportunity.objects.get(external_id="E-0").title == "=1+1"
    # The same edited file again: nothing more changes.
    again = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert again["unchanged"] == 4 and again["errors"] == []
    resent = upload(desk_api, "o.csv", to_csv(export_csv(desk_api))).json()
    assert resent["unchanged"] == 4


def test_xlsx_round_trip(desk_api, stock):
    response = desk_api.get("/api/opportunities/?format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("probability") + 1, value=55)
    out = io.BytesIO()
    workbook.save(out)
    before = snapshot()
    body = upload(desk_api, "o.xlsx", out.getvalue()).json()
    assert body["errors"] == [] and body["updated"] == 1 and body["unchanged"] == 3, body
    edited = sheet.cell(row=2, column=header.index("external_id") + 1).value
    assert Opportunity.objects.get(external_id=edited).probability == 55
    after = snapshot()
    assert {k: v for k, v in after.items() if k != edited} == {
        k: v for k, v in before.items() if k != edited
    }


def test_bad_rows_come_back_with_row_numbers_and_good_rows_apply(desk_api, stock, team):
    rows = [
        ["external_id", "title", "probability", "countries", "stage", "currency"],
        ["NEW-1", "Good one", "20", "JP", "identified", "EUR"],
        ["NEW-2", "Bad one", "140", "ZZ", "won", "EURO"],
        ["", "No key", "10", "", "", "USD"],
        ["NEW-1", "Twice", "10", "", "identified", "USD"],
    ]
    body = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert body["created"] == 1 and body["applied"] is True
    errors = {error["row"]: error for error in body["errors"]}
    assert set(errors) == {3, 4, 5}
    assert set(errors[3]["errors"]) == {"probability", "countries", "close_reason", "currency"}
    assert "external_id" in errors[4]["errors"] and "external_id" in errors[5]["errors"]
    created = Opportunity.objects.get(external_id="NEW-1")
    assert created.team == team and created.currency == "EUR"
    assert list(created.countries.values_list("code", flat=True)) == ["JP"]


def codes(record) -> set[str]:
    return {row.country.code for row in record.countries.all()}


def test_upsert_history_carries_the_new_many_to_many_state(desk_api, desk_staff, stock):
    CountryFactory(code="US")
    opportunity = stock[1]
    body = upload(desk_api, "o.csv", to_csv([["external_id", "countries"], ["E-1", "US"]]))
    assert body.json()["updated"] == 1, body.json()
    latest, previous = opportunity.history.all()[:2]
    assert latest.history_type == "~" and latest.history_user == desk_staff
    assert codes(latest) == {"US"} and codes(previous) == {"FR", "JP"}
    # The links the sheet left alone are in the record too, unchanged.
    assert [row.investmentarea.slug for row in latest.areas.all()] == ["radar"]
    assert [row.firm.name for row in latest.firms.all()] == ["Thales, SA"]
    assert latest.diff_against(previous).changed_fields == ["countries"]


def test_upsert_created_rows_have_their_links_in_history(desk_api, team, japan):
    rows = [["external_id", "title", "countries"], ["NEW-1", "Radar", "JP"]]
    assert upload(desk_api, "o.csv", to_csv(rows)).json()["created"] == 1
    record = Opportunity.objects.get(external_id="NEW-1").history.get()
    assert record.history_type == "+" and codes(record) == {"JP"}


def test_unchanged_reupsert_adds_no_history(desk_api, stock):
    CountryFactory(code="US")
    rows = to_csv([["external_id", "countries", "title"], ["E-1", "US", "Sonar"]])
    upload(desk_api, "o.csv", rows)
    counts = (
        Opportunity.history.count(),
        Opportunity.history.model.countries.model.objects.count(),
    )
    assert upload(desk_api, "o.csv", rows).json()["unchanged"] == 1
    assert (
        Opportunity.history.count(),
        Opportunity.history.model.countries.model.objects.count(),
    ) == counts


def test_history_page_shows_a_sheet_changing_countries(desk_api, superuser, stock):
    CountryFactory(code="US")
    upload(desk_api, "o.csv", to_csv([["external_id", "countries"], ["E-1", "US"]]))
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:opportunities_opportunity_history", args=[stock[1].pk])
    page = client.get(url).content.decode()
    assert "United States" in page


def test_upsert_queries_do_not_grow_with_rows(desk_api, team, japan, django_assert_max_num_queries):
    # 30 stored rows each lose France and gain the United States (a delete and an insert of
    # links, then a history record carrying its links) and 30 new ones come with links: the
    # same queries as for one of each, so any per-row query would show here 30 times over.
    # The last query is the upload's log entry (tracker.SheetLog).
    france, _ = CountryFactory(code="FR"), CountryFactory(code="US")
    stored = [
        OpportunityFactory(team=team, external_id=f"E-{n}", countries=[japan, france])
        for n in range(30)
    ]
    rows = [["external_id", "title", "countries"]]
    rows += [[o.external_id, o.title, "JP; US"] for o in stored]
    rows += [[f"NEW-{n}", f"New {n}", "US"] for n in range(30)]
    # Per chunk also the dashboards' tallies, adjusted by the chunk's opportunities
    # (opportunities.tallies.adjust): a savepoint and its release, the teams locked, the home
    # country, 8 grouped reads before the writes and 8 after, then per table changed an
    # UPDATE and a DELETE of the rows they leave and an upsert of the rows they join: 25
    # whatever the rows.
    with django_assert_max_num_queries(54):
        body = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert body["updated"] == 30 and body["created"] == 30, body["errors"]
    assert codes(stored[-1].history.first()) == {"JP", "US"}
    assert codes(Opportunity.objects.get(external_id="NEW-29").history.get()) == {"US"}


def test_atomic_applies_nothing_when_a_row_is_bad(desk_api, stock):
    rows = [["external_id", "title", "probability"], ["E-1", "Changed", "10"], ["E-2", "Bad", "x"]]
    before = snapshot()
    response = upload(desk_api, "o.csv", to_csv(rows), "?atomic=true")
    assert response.status_code == 422
    assert response.json()["applied"] is False
    assert response.json()["errors"][0]["row"] == 3
    assert snapshot() == before


def test_dry_run_reports_and_writes_nothing(desk_api, stock):
    rows = [["external_id", "title"], ["E-1", "Changed"], ["NEW", "New one"]]
    before = snapshot()
    body = upload(desk_api, "o.csv", to_csv(rows), "?dry_run=true").json()
    assert body["applied"] is False and body["updated"] == 1 and body["created"] == 1
    assert snapshot() == before


def test_stale_version_row_is_refused(desk_api, stock):
    rows = export_csv(desk_api)
    header = rows[0]
    opportunity = stock[1]
    opportunity.title = "Edited in the admin"
    opportunity.version += 1
    opportunity.save()
    rows[2][header.index("title")] = "Edited in the sheet"
    body = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert body["updated"] == 0
    assert body["errors"][0]["row"] == 3
    assert "version" in body["errors"][0]["errors"]
    opportunity.refresh_from_db()
    assert opportunity.title == "Edited in the admin"


def test_json_rows(desk_api, team):
    rows = [{"external_id": "J-1", "title": "From JSON", "countries": ["JP"], "value": 10}]
    CountryFactory(code="JP")
    response = desk_api.post("/api/opportunities/bulk/", rows, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    assert desk_api.post("/api/opportunities/bulk/", rows, format="json").json()["unchanged"] == 1


@pytest.mark.parametrize(
    "name,data",
    [
        ("o.csv", b""),
        ("o.xlsx", b"PK\x03\x04 broken"),
        ("o.json", b"{not json"),
        ("o.csv", b"a,a\n1,2\n"),
        ("o.csv", b"external_id\x00,title\n"),
    ],
)
def test_unreadable_files_are_400(desk_api, name, data):
    response = upload(desk_api, name, data)
    assert response.status_code == 400
    assert "file" in response.json()


def test_an_overlong_cell_is_400_and_writes_nothing(desk_api, team):
    data = to_csv([["external_id", "title"], ["L-1", "x"], ["L-2", "y" * 100_001]])
    response = upload(desk_api, "o.csv", data)
    assert response.status_code == 400
    assert "longer than 100000 characters" in str(response.json()["file"])
    assert not Opportunity.objects.filter(external_id__startswith="L-").exists()


def test_keys_with_quotes_and_braces_are_found_again(desk_api, team):
    # Keys go to PostgreSQL as one array parameter: its quoting must hold for any text.
    keys = ["it's", 'say "hi"', "a,b", "{x}", "back\\slash", "NULL", "  "]
    data = to_csv([["external_id", "title"], *[[key, f"Title {key}"] for key in keys]])
    assert upload(desk_api, "o.csv", data).json()["created"] == len(keys) - 1  # "  " is blank
    again = upload(desk_api, "o.csv", data).json()
    assert (again["created"], again["unchanged"]) == (0, len(keys) - 1)


def test_another_teams_external_id_is_not_written(desk_api, other_team):
    theirs = OpportunityFactory(team=other_team, external_id="THEIRS", title="Theirs")
    body = upload(desk_api, "o.csv", to_csv([["external_id", "title"], ["THEIRS", "Mine"]])).json()
    assert body["errors"][0]["row"] == 2
    # Said as for a missing record: nothing tells the desk another team has one.
    assert body["errors"][0]["errors"] == {"external_id": ["Not found."]}
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_read_only_token_and_analyst_may_not_upload(token_for, analyst, desk_staff, team):
    data = to_csv([["external_id", "title"], ["X", "Y"]])
    assert upload(token_for(analyst), "o.csv", data).status_code == 403
    assert upload(token_for(desk_staff, read_only=True), "o.csv", data).status_code == 403
    assert not Opportunity.objects.exists()


def test_xlsx_formula_cells_are_read_as_values_never_run(desk_api, team):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["external_id", "title"])
    sheet.append(["F-1", '=HYPERLINK("http://evil")'])
    out = io.BytesIO()
    workbook.save(out)
    body = upload(desk_api, "o.xlsx", out.getvalue()).json()
    # No cached value (never calculated): the title is blank, so the row is refused.
    assert body["errors"][0]["row"] == 2
    assert json.dumps(body)


def test_follow_up_sheet_round_trip_and_resend(desk_api, opportunity, desk_staff):
    rows = [
        ["opportunity", "title", "due_date", "kind", "owner"],
        ["OPP-1", "Call the attaché", "2026-12-01", "call", "desk"],
        ["OPP-1", "Send the proposal", "2026-12-10", "document", ""],
        ["NOPE", "Lost row", "2026-12-10", "call", ""],
        ["OPP-1", "No date", "", "call", ""],
    ]
    first = desk_api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("f.csv", to_csv(rows))},
        format="multipart",
    ).json()
    assert first["created"] == 2
    assert {error["row"] for error in first["errors"]} == {4, 5}
    again = desk_api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("f.csv", to_csv(rows[:3]))},
        format="multipart",
    ).json()
    assert again["unchanged"] == 2 and again["created"] == 0
    exported = desk_api.get("/api/follow-ups/?format=csv&ordering=id")
    sheet = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    header = sheet[0]
    sheet[1][header.index("status")] = "done"
    body = desk_api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("f.csv", to_csv(sheet))},
        format="multipart",
    ).json()
    assert body["updated"] == 1 and body["unchanged"] == 1, body
    done = opportunity.follow_ups.get(title="Call the attaché")
    assert done.status == "done" and done.completed_at is not None
    assert done.owner == desk_staff


def test_a_stage_changed_from_a_sheet_sends_the_webhook_the_api_sends(desk_api, stock, team):
    endpoint = WebhookEndpoint.objects.create(team=team, url="https://hooks.example/tracker")
    rows = [{"external_id": "E-1", "stage": "engaged"}, {"external_id": "E-2", "title": "New"}]
    response = desk_api.post("/api/opportunities/bulk/", rows, format="json")
    assert response.status_code == 200, response.json()
    moved = Opportunity.objects.get(external_id="E-1")
    (delivery,) = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event == WebhookDelivery.Event.STAGE_CHANGED
    assert delivery.key == f"stage:{moved.pk}:{moved.version}"
    assert delivery.payload["opportunity"]["stage"] == "engaged"
    assert delivery.payload["opportunity"]["previous_stage"] == "identified"
    assert moved.stage_changed_at is not None
