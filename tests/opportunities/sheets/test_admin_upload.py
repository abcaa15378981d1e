"""*Upload a sheet* in the admin: a small sheet is written at once with a summary, a large one
becomes an upload job whose page shows its progress and offers its result; another team's
job is a 404."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opportunities.models import FollowUp, Opportunity, UploadJob
from opportunities.sheets.uploads import upload_job_create
from tests.support.sheets import to_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]

UPLOAD = "/admin/opportunities/opportunity/upload/"


def rows(count: int, bad: int = 0) -> list[list[str]]:
    made = [["external_id", "title", "stage"]]
    made += [[f"A-{n}", f"Admin row {n}", "identified"] for n in range(count)]
    made += [[f"B-{n}", f"Bad row {n}", "sideways"] for n in range(bad)]
    return made


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_links_to_the_upload_page(session_for, desk_staff, team):
    page = session_for(desk_staff).get("/admin/opportunities/opportunity/")
    assert f'href="{UPLOAD}"' in page.content.decode()


def test_a_small_file_is_written_at_once_with_its_bad_rows_named(session_for, desk_staff, team):
    client = session_for(desk_staff)
    sheet = SimpleUploadedFile("sheet.csv", to_csv(rows(3, bad=1)))
    response = client.post(UPLOAD, {"file": sheet}, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/opportunities/opportunity/"
    shown = texts(response)
    assert shown[0] == "Created: 3 new, 0 updated, 0 unchanged."
    assert shown[1].startswith("Row 5 (B-0): stage: One of identified")
    assert Opportunity.objects.count() == 3
    assert not UploadJob.objects.exists()


def test_pasted_cells_from_a_spreadsheet_are_read_as_a_sheet(session_for, desk_staff, team):
    pasted = "\n".join("\t".join(row) for row in rows(2))
    form = {"pasted": pasted, "dry_run": "on"}
    response = session_for(desk_staff).post(UPLOAD, form, follow=True)
    assert texts(response)[0] == "Would create: 2 new, 0 updated, 0 unchanged."
    assert not Opportunity.objects.exists()


def test_neither_or_both_inputs_are_refused_on_the_form(session_for, desk_staff, team):
    response = session_for(desk_staff).post(UPLOAD, {"pasted": " "})
    assert response.status_code == 200
    assert "Choose a file or paste cells" in response.content.decode()


def test_an_unreadable_file_is_refused_on_the_form(session_for, desk_staff, team):
    sheet = SimpleUploadedFile("sheet.xlsx", b"PK\x03\x04 not a zip")
    response = session_for(desk_staff).post(UPLOAD, {"file": sheet})
    assert response.status_code == 200
    assert "Not a readable XLSX file." in response.content.decode()


def test_a_large_file_becomes_a_job_whose_page_shows_progress_and_result(
    session_for, desk_staff, team, settings
):
    settings.SHEETS_JOB_ROWS = 10
    client = session_for(desk_staff)
    sheet = SimpleUploadedFile("big.csv", to_csv(rows(30, bad=2)))
    response = client.post(UPLOAD, {"file": sheet}, follow=True)

    job = UploadJob.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/opportunities/uploadjob/{job.pk}/change/"
    assert texts(response)[0] == f"Queued as upload job {job.pk}: progress below."
    page = response.content.decode()
    assert "32 / 32 rows (100%)" in page
    assert "30 / 0 / 0 / 2" in page
    assert "Row 32 (B-0): stage: One of" in page
    assert 'http-equiv="refresh"' not in page  # done: nothing more to watch
    assert Opportunity.objects.count() == 30

    result = client.get(f"/admin/opportunities/uploadjob/{job.pk}/result/")
    lines = list(csv.reader(io.StringIO(b"".join(result.streaming_content).decode("utf-8-sig"))))
    assert lines[1][:3] == ["opportunities", "big.csv", "done"]
    assert [line[0] for line in lines[4:]] == ["32", "33"]

    listed = client.get("/admin/opportunities/uploadjob/").content.decode()
    assert "32 / 32 rows (100%)" in listed


def test_a_running_job_page_reloads_itself(session_for, desk_staff, team, broker_down):
    job = upload_job_create(
        kind=UploadJob.Kind.FOLLOW_UPS,
        user=desk_staff,
        name="later.csv",
        blob=b"opportunity,title\n",
        dry_run=False,
        atomic=False,
    )
    page = session_for(desk_staff).get(f"/admin/opportunities/uploadjob/{job.pk}/change/")
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.content.decode()


def test_another_teams_job_is_a_404(session_for, desk_staff, outsider, team, settings):
    settings.SHEETS_JOB_ROWS = 2
    session_for(desk_staff).post(
        "/admin/opportunities/followup/upload/",
        {"file": SimpleUploadedFile("f.csv", b"opportunity,title\nX,a\nX,b\nX,c\n")},
    )
    job = UploadJob.objects.get()
    assert (job.kind, job.error_count) == ("follow_ups", 3)
    assert not FollowUp.objects.exists()
    outsider_client = session_for(outsider)
    for url in (f"{job.pk}/change/", f"{job.pk}/result/"):
        assert outsider_client.get(f"/admin/opportunities/uploadjob/{url}").status_code == 404
    assert "f.csv" not in outsider_client.get("/admin/opportunities/uploadjob/").content.decode()


def test_an_analyst_without_add_permission_may_not_upload(session_for, analyst, team):
    assert session_for(analyst).get(UPLOAD).status_code == 403
