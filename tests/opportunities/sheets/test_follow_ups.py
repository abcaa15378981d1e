"""A follow-up sheet that carries `version` never overwrites an edit made since the export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import FollowUp
from opportunities.services import follow_up_save
from tests.opportunities.factories import FollowUpFactory
from tests.support.sheets import to_csv

pytestmark = pytest.mark.django_db

HEADER = ["id", "opportunity", "version", "title", "due_date", "status"]


def upload(api, rows: list[list], query: str = "", header: list[str] = HEADER):
    return api.post(
        f"/api/follow-ups/bulk/{query}",
        {"file": SimpleUploadedFile("f.csv", to_csv([header, *rows]))},
        format="multipart",
    )


def sheet(follow_ups: list[FollowUp]) -> list[list]:
    """The rows as exported: each with the version it had then."""
    return [
        [f.pk, "OPP-1", f.version, f.title, f.due_date.isoformat(), f.status] for f in follow_ups
    ]


def stored() -> dict[int, tuple]:
    return {
        f.pk: (f.title, f.status, f.version, f.sequence, f.updated_at, f.history.count())
        for f in FollowUp.objects.all()
    }


@pytest.fixture
def follow_ups(opportunity) -> list[FollowUp]:
    return [
        FollowUpFactory(opportunity=opportunity, title=title, due_date=datetime.date(2026, 12, 1))
        for title in ("Call the attaché", "Send the proposal", "Book the visit")
    ]


def test_stale_row_is_reported_by_number_and_the_others_apply(desk_api, follow_ups):
    rows = sheet(follow_ups)
    edited_in_admin = follow_ups[1]
    edited_in_admin.title = "Send the proposal, v2"
    follow_up_save(follow_up=edited_in_admin)
    rows[0][HEADER.index("status")] = "done"
    rows[1][HEADER.index("title")] = "Edited in the sheet"

    response = upload(desk_api, rows)

    assert response.status_code == 200
    body = response.json()
    assert (body["updated"], body["unchanged"], body["created"]) == (1, 1, 0)
    [error] = body["errors"]
    assert error["row"] == 3 and error["external_id"] == "OPP-1"
    assert "now version 2" in error["errors"]["version"][0]
    done, kept, untouched = (FollowUp.objects.get(pk=f.pk) for f in follow_ups)
    assert (done.status, done.version, done.sequence) == ("done", 2, 1)
    assert done.completed_at is not None
    assert (kept.title, kept.version) == ("Send the proposal, v2", 2)
    assert untouched.version == 1


def test_resending_an_unchanged_sheet_bumps_nothing(desk_api, follow_ups):
    rows = sheet(follow_ups)
    before = stored()
    body = upload(desk_api, rows).json()
    assert (body["unchanged"], body["updated"], body["errors"]) == (3, 0, [])
    assert stored() == before
    # A row that asks for what is stored changes nothing, so its old version is no conflict.
    follow_ups[0].status = "cancelled"
    follow_up_save(follow_up=follow_ups[0])
    rows[0][HEADER.index("status")] = "cancelled"
    before = stored()
    body = upload(desk_api, rows).json()
    assert (body["unchanged"], body["errors"]) == (3, [])
    assert stored() == before


def test_dry_run_and_refused_atomic_upload_bump_nothing(desk_api, follow_ups):
    rows = sheet(follow_ups)
    rows[0][HEADER.index("title")] = "Call the attaché today"
    before = stored()
    dry = upload(desk_api, rows, "?dry_run=true").json()
    assert dry["updated"] == 1 and dry["applied"] is False
    assert stored() == before
    rows[1][HEADER.index("version")] = 7
    rows[1][HEADER.index("title")] = "From a sheet of the future"
    refused = upload(desk_api, rows, "?atomic=true")
    assert refused.status_code == 422
    assert [error["row"] for error in refused.json()["errors"]] == [3]
    assert stored() == before


def test_rows_without_a_version_still_update(desk_api, follow_ups):
    first, second = follow_ups[:2]
    follow_up_save(follow_up=first)  # version 2; the sheet below never knew version 1
    no_column = upload(
        desk_api, [[first.pk, "OPP-1", "2027-01-15"]], header=["id", "opportunity", "due_date"]
    ).json()
    empty_cell = upload(desk_api, [[second.pk, "OPP-1", "", second.title, "2027-01-15", "open"]])
    assert no_column["updated"] == empty_cell.json()["updated"] == 1
    assert no_column["errors"] == empty_cell.json()["errors"] == []
    first, second = (FollowUp.objects.get(pk=f.pk) for f in (first, second))
    assert (first.due_date, first.version) == (datetime.date(2027, 1, 15), 3)
    assert (second.due_date, second.version) == (datetime.date(2027, 1, 15), 2)


def test_outsider_cannot_write_with_a_good_version(outsider_api, follow_ups):
    body = upload(outsider_api, sheet(follow_ups)[:1]).json()
    assert body["updated"] == 0 and "opportunity" in body["errors"][0]["errors"]
    assert FollowUp.objects.get(pk=follow_ups[0].pk).version == 1


def test_exported_sheet_round_trips_and_guards_against_later_edits(desk_api, follow_ups):
    exported = desk_api.get("/api/follow-ups/?format=csv&ordering=id")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:2] == ["id", "version"]
    assert upload(desk_api, rows[1:], header=header).json()["updated"] == 0

    rows[1][header.index("title")] = "Call the attaché again"
    assert upload(desk_api, rows[1:], header=header).json()["updated"] == 1
    assert FollowUp.objects.get(pk=follow_ups[0].pk).title == "Call the attaché again"

    # The same, now stale, sheet again: the edit it carries was made over a newer version.
    rows[1][header.index("title")] = "Call the attaché a third time"
    report = upload(desk_api, rows[1:], header=header).json()
    assert report["updated"] == 0
    assert [error["row"] for error in report["errors"]] == [2]
    assert FollowUp.objects.get(pk=follow_ups[0].pk).title == "Call the attaché again"


def test_follow_up_upsert_queries_do_not_grow_with_rows(
    desk_api, opportunity, django_assert_max_num_queries
):
    # Per upload: the token, the user's teams and permissions, the active users; per chunk:
    # the opportunities named, their follow-ups (locked), then one insert and one update of
    # follow-ups and one insert of history records each; then the upload's log entry. 30 rows
    # of each kind cost what one row would: a per-row query would show here 30 times over.
    stored = [
        FollowUpFactory(opportunity=opportunity, title=f"Call {n}", due_date="2026-12-01")
        for n in range(30)
    ]
    header = ["id", "opportunity", "title", "due_date", "status"]
    rows = [[f.pk, "OPP-1", f.title, "2026-12-02", "open"] for f in stored]
    rows += [["", "OPP-1", f"Visit {n}", "2026-12-03", "open"] for n in range(30)]
    # Per chunk also the open follow-ups' tally, adjusted by the chunk (opportunities.tallies.
    # adjust): a savepoint and its release, the teams locked, the opportunities' open
    # follow-ups grouped before and after, one UPDATE and one DELETE of the rows they leave,
    # one upsert of the rows they join.
    with django_assert_max_num_queries(23):
        body = upload(desk_api, rows, header=header).json()
    assert (body["updated"], body["created"], body["errors"]) == (30, 30, [])
    changed = FollowUp.objects.get(pk=stored[-1].pk)
    assert changed.due_date == datetime.date(2026, 12, 2) and changed.version == 2
    assert changed.history.count() == 2
    assert FollowUp.objects.get(title="Visit 29").history.count() == 1
