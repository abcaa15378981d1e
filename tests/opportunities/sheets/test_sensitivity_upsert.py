"""The bulk upsert carries the sensitivity column, and never lets someone not cleared touch or
label a restricted record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import FollowUp, Opportunity
from tests.support.sheets import export_csv, to_csv, upload

pytestmark = pytest.mark.django_db


def follow_up_upload(api, rows: list[list]):
    return api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("f.csv", to_csv(rows))},
        format="multipart",
    ).json()


def test_an_export_round_trips_its_sensitivity_column(restricted, lead_api) -> None:
    rows = export_csv(lead_api)
    assert "sensitivity" in rows[0]
    body = upload(lead_api, "o.csv", to_csv(rows)).json()
    assert (body["errors"], body["created"], body["updated"]) == ([], 0, 0)


def test_a_lead_labels_rows_restricted_a_desk_user_may_not(restricted, desk_api, lead_api) -> None:
    rows = [["external_id", "sensitivity"], ["OPEN-1", "restricted"]]
    refused = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert refused["updated"] == 0
    assert "cleared" in refused["errors"][0]["errors"]["sensitivity"][0]
    bad = upload(desk_api, "o.csv", to_csv([rows[0], ["OPEN-1", "secret"]])).json()
    assert "sensitivity" in bad["errors"][0]["errors"]
    done = upload(lead_api, "o.csv", to_csv(rows)).json()
    assert done["updated"] == 1 and done["changes"][0]["fields"] == ["sensitivity"]
    assert Opportunity.objects.get(external_id="OPEN-1").sensitivity == "restricted"


def test_a_desk_user_cannot_overwrite_a_restricted_opportunity(restricted, desk_api) -> None:
    rows = [["external_id", "title"], ["SECRET-1", "Overwritten"]]
    body = upload(desk_api, "o.csv", to_csv(rows)).json()
    assert body["updated"] == 0 and body["created"] == 0
    assert body["errors"][0]["errors"]["external_id"] == ["Not found."]
    assert Opportunity.objects.get(external_id="SECRET-1").title == "Secret radar"


def test_follow_up_rows_neither_match_nor_label_restricted_ones_for_desk_staff(
    restricted, desk_api, lead_api
) -> None:
    header = ["id", "opportunity", "title", "due_date", "sensitivity"]
    hidden = restricted.own_follow_up
    by_id = follow_up_upload(
        desk_api, [header, [hidden.pk, "OPEN-1", "Overwritten", "2026-12-30", "internal"]]
    )
    assert by_id["errors"][0]["errors"]["id"] == ["No such follow-up on this opportunity."]
    onto_secret = follow_up_upload(desk_api, [header, ["", "SECRET-1", "x", "2026-12-30", ""]])
    assert "opportunity" in onto_secret["errors"][0]["errors"]
    labelled = follow_up_upload(
        desk_api, [header, ["", "OPEN-1", "New", "2026-12-30", "restricted"]]
    )
    assert "sensitivity" in labelled["errors"][0]["errors"]
    made = follow_up_upload(lead_api, [header, ["", "OPEN-1", "New", "2026-12-30", "restricted"]])
    assert made["created"] == 1, made["errors"]
    assert FollowUp.objects.get(title="New").sensitivity == "restricted"
    hidden.refresh_from_db()
    assert hidden.title == "Restricted call"
