"""`POST /api/.../bulk/` with more rows than SHEETS_JOB_ROWS answers 202 with a status URL; the
job runs through the same upserts; `/api/upload-jobs/<id>/` shows it to its uploader's team
only; its result is a CSV of counts and row errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import FollowUp, Opportunity, UploadJob
from tests.opportunities.factories import OpportunityFactory
from tests.support.sheets import opportunity_rows, to_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]


def upload(api, url: str, data: bytes, name: str = "sheet.csv", query: str = ""):
    return api.post(f"{url}{query}", {"file": SimpleUploadedFile(name, data)}, format="multipart")


def result_csv(api, job: dict) -> tuple[dict, list[list[str]]]:
    response = api.get(job["result_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    summary = dict(zip(lines[0], lines[1], strict=True))
    assert lines[2] == [] and lines[3] == ["row", "external_id", "field", "error"]
    return summary, lines[4:]


def test_a_large_upload_runs_as_a_job_through_the_upsert(desk_api, team):
    """The default threshold: 6,000 rows are more than a request answers itself."""
    response = upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(6000))

    assert response.status_code == 202, response.content[:300]
    queued = response.json()
    assert response["Location"] == queued["url"]
    assert queued["url"].endswith(f"/api/upload-jobs/{queued['id']}/")
    assert (queued["list"], queued["file"], queued["uploaded_by"]) == (
        "opportunities",
        "sheet.csv",
        "desk",
    )
    status = desk_api.get(queued["url"]).json()
    assert status["status"] == "done"
    assert (status["rows_done"], status["rows_total"], status["percent"]) == (6000, 6000, 100)
    assert (status["created"], status["updated"], status["unchanged"]) == (6000, 0, 0)
    assert status["applied"] is True and status["error_count"] == 0
    assert Opportunity.objects.filter(team=team).count() == 6000
    # Written as the request would have: a history record per row, under the uploader.
    assert Opportunity.history.filter(history_user__username="desk").count() == 6000


def test_a_small_upload_still_answers_at_once(desk_api, team, settings):
    settings.SHEETS_JOB_ROWS = 10
    response = upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(10))
    assert response.status_code == 200
    assert response.json()["created"] == 10
    assert not UploadJob.objects.exists()


def test_row_errors_are_kept_and_downloadable_as_csv(desk_api, team, settings):
    settings.SHEETS_JOB_ROWS = 30
    response = upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(100, bad_every=25))
    assert response.status_code == 202
    status = desk_api.get(response.json()["url"]).json()

    assert (status["status"], status["created"], status["error_count"]) == ("done", 96, 4)
    assert [error["row"] for error in status["errors"]] == [26, 51, 76, 101]
    assert status["errors"][0] == {
        "row": 26,
        "external_id": "BIG-25",
        "errors": {"stage": [status["errors"][0]["errors"]["stage"][0]]},
    }
    summary, errors = result_csv(desk_api, status)
    assert summary["status"] == "done" and summary["rows_total"] == "100"
    assert (summary["created"], summary["errors"], summary["applied"]) == ("96", "4", "true")
    assert [line[:3] for line in errors] == [
        ["26", "BIG-25", "stage"],
        ["51", "BIG-50", "stage"],
        ["76", "BIG-75", "stage"],
        ["101", "BIG-100", "stage"],
    ]
    assert errors[0][3].startswith("One of identified")


def test_a_result_quoting_a_formula_is_made_inert(desk_api, team, settings):
    settings.SHEETS_JOB_ROWS = 2
    rows = [["external_id", "title", "stage"], *[[f"F-{n}", "T", "x"] for n in range(3)]]
    rows.append(["=HYPERLINK(1)", "T", "=cmd"])
    status = upload(desk_api, "/api/opportunities/bulk/", to_csv(rows)).json()
    _, errors = result_csv(desk_api, status)
    assert errors[-1][1] == "'=HYPERLINK(1)"


def test_atomic_job_with_a_bad_row_writes_nothing(desk_api, team, settings):
    settings.SHEETS_JOB_ROWS = 30
    data = opportunity_rows(100, bad_every=90)
    status = upload(desk_api, "/api/opportunities/bulk/", data, query="?atomic=true").json()
    status = desk_api.get(status["url"]).json()
    assert (status["status"], status["applied"], status["error_count"]) == ("done", False, 1)
    assert not Opportunity.objects.exists()

    good = upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(100), query="?atomic=1")
    status = desk_api.get(good.json()["url"]).json()
    assert (status["applied"], status["created"]) == (True, 100)
    assert Opportunity.objects.count() == 100


def test_dry_run_job_counts_and_writes_nothing(desk_api, team, settings):
    settings.SHEETS_JOB_ROWS = 30
    OpportunityFactory(team=team, external_id="BIG-1", title="Opportunity 1", probability=10)
    data = opportunity_rows(60)
    response = upload(desk_api, "/api/opportunities/bulk/", data, query="?dry_run=1")
    status = desk_api.get(response.json()["url"]).json()
    assert (status["created"], status["unchanged"], status["applied"]) == (59, 1, False)
    assert Opportunity.objects.count() == 1


def test_a_json_body_and_a_follow_up_sheet_become_jobs_too(desk_api, opportunity, settings):
    settings.SHEETS_JOB_ROWS = 5
    rows = [
        {"opportunity": "OPP-1", "title": f"Call {n}", "due_date": "2030-01-01", "kind": "call"}
        for n in range(12)
    ]
    response = desk_api.post("/api/follow-ups/bulk/", rows, format="json")
    assert response.status_code == 202
    status = desk_api.get(response.json()["url"]).json()
    assert (status["list"], status["file"], status["created"]) == ("follow_ups", "rows.json", 12)
    assert FollowUp.objects.filter(opportunity=opportunity).count() == 12


def test_a_file_unreadable_past_the_first_rows_fails_the_job_with_the_reason(
    desk_api, team, settings
):
    settings.SHEETS_JOB_ROWS = 3
    data = opportunity_rows(10) + b'"unterminated\n'
    data = data.replace(b"BIG-8", b"BIG-8\x00")
    response = upload(desk_api, "/api/opportunities/bulk/", data)
    # NUL characters are found before any row is read: refused in the request.
    assert response.status_code == 400

    wide = opportunity_rows(10) + b"X-1,a,b,c," + b",".join([b"x"] * 600) + b"\n"
    response = upload(desk_api, "/api/opportunities/bulk/", wide)
    assert response.status_code == 202
    status = desk_api.get(response.json()["url"]).json()
    assert status["status"] == "failed"
    assert "columns" in status["failure"]
    assert not Opportunity.objects.exists()


def test_the_status_is_seen_by_the_uploaders_team_and_no_one_else(
    desk_api, lead_api, outsider_api, token_for, superuser, team, settings
):
    settings.SHEETS_JOB_ROWS = 5
    job = upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(8)).json()

    assert lead_api.get(job["url"]).status_code == 200
    assert token_for(superuser).get(job["url"]).status_code == 200
    for url in (job["url"], job["result_url"]):
        refused = outsider_api.get(url)
        assert refused.status_code == 404
        assert refused["Content-Type"].startswith("application/json")
    assert outsider_api.get("/api/upload-jobs/").json()["results"] == []
    listed = lead_api.get("/api/upload-jobs/").json()["results"]
    assert [item["id"] for item in listed] == [job["id"]]
    assert "data" not in listed[0]


def test_an_uploader_of_several_teams_sees_their_own_job(
    token_for, desk_staff, team, other_team, outsider_api, settings
):
    other_team.members.add(desk_staff)
    settings.SHEETS_JOB_ROWS = 5
    header = ["external_id", "title", "team"]
    rows = to_csv([header, *[[f"S-{n}", "T", "Japan desk"] for n in range(8)]])
    job = upload(token_for(desk_staff), "/api/opportunities/bulk/", rows).json()
    assert token_for(desk_staff).get(job["url"]).json()["created"] == 8
    # No single team: the job is the uploader's alone (and see-all users').
    assert UploadJob.objects.get().team is None
    assert outsider_api.get(job["url"]).status_code == 404


def test_listing_jobs_costs_a_fixed_number_of_queries(
    desk_api, team, settings, django_assert_num_queries
):
    settings.SHEETS_JOB_ROWS = 2
    for _ in range(3):
        upload(desk_api, "/api/opportunities/bulk/", opportunity_rows(5, bad_every=2))
    # token, permissions, count, the page of jobs with their uploaders, their first row errors
    with django_assert_num_queries(5):
        answer = desk_api.get("/api/upload-jobs/").json()
    assert [len(item["errors"]) for item in answer["results"]] == [2, 2, 2]
