"""The export and upload log (tracker.SheetLog): every export, sheet pull and bulk upload, with
who, when, which list, which filters and how many rows; read-only to team leads; pruned."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lib.sheets import export as sheets
from tests.opportunities.factories import OpportunityFactory
from tests.support.html_forms import form_data
from tracker.audit import sheet_logs_prune
from tracker.models import ApiToken, SheetLog
from tracker.tasks import prune_sheet_logs

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning"),
]


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def many(team):
    return [OpportunityFactory(team=team, stage="engaged") for _ in range(12)] + [
        OpportunityFactory(team=team, stage="won", close_reason="Signed")
    ]


def test_an_api_export_logs_who_which_list_which_filters_and_the_rows(
    many, desk_api, desk_staff
) -> None:
    text = streamed(desk_api.get("/api/opportunities/?format=csv&stage=engaged"))
    assert len(list(csv.reader(io.StringIO(text)))) == 13  # the header and 12 rows
    entry = SheetLog.objects.get()
    assert (entry.user, entry.username, entry.kind, entry.channel) == (
        desk_staff,
        "desk",
        "export",
        "api",
    )
    assert (entry.list_name, entry.filters, entry.format) == (
        "opportunities",
        {"stage": "engaged"},
        "csv",
    )
    assert (entry.rows, entry.complete) == (12, True)
    assert entry.started_at <= entry.finished_at


def test_an_xlsx_export_is_logged_with_its_rows(many, desk_api) -> None:
    b"".join(desk_api.get("/api/opportunities/?format=xlsx").streaming_content)
    entry = SheetLog.objects.get()
    assert (entry.format, entry.rows, entry.complete) == ("xlsx", 13, True)


def test_a_stream_cut_off_halfway_logs_the_rows_it_sent(many, desk_api, monkeypatch) -> None:
    monkeypatch.setattr(sheets, "CSV_LINES_PER_WRITE", 5)
    response = desk_api.get("/api/opportunities/?format=csv")
    pieces = iter(response.streaming_content)
    next(pieces)  # the byte-order mark, the header and three rows
    next(pieces)  # five more rows, handed to the server: counted once it asks for more
    assert SheetLog.objects.count() == 0  # logged when the stream ends, not before
    # Writing the second piece failed: the client went away, and the server closes the
    # stream. Through the test client's own wrapper, which closes the response as a WSGI
    # server would while keeping the test's database connection open.
    response._iterator.close()
    entry = SheetLog.objects.get()
    assert (entry.rows, entry.complete) == (3, False)


def test_an_export_that_fails_halfway_logs_what_it_sent(many, desk_api, monkeypatch) -> None:
    monkeypatch.setattr(sheets, "CSV_LINES_PER_WRITE", 5)
    real = sheets._chunk_rows

    def failing(chunk, *args):
        yield from list(real(chunk, *args))[:7]
        raise RuntimeError("database went away")

    monkeypatch.setattr(sheets, "_chunk_rows", failing)
    response = desk_api.get("/api/opportunities/?format=csv")
    with pytest.raises(RuntimeError):
        for _ in response.streaming_content:
            pass
    # The first piece (three rows) went out; the next four rows never left the server.
    entry = SheetLog.objects.get()
    assert (entry.rows, entry.complete) == (3, False)


def test_a_key_pull_is_logged_as_a_pull_with_its_token_and_no_key(many, team_lead) -> None:
    token, key = ApiToken.issue(user=team_lead, name="Power Query", read_only=True)
    client = APIClient()
    assert client.get(f"/api/opportunities/?key={key}&page_size=5&stage=engaged").status_code == 200
    streamed(client.get(f"/api/opportunities/?key={key}&format=csv"))
    json_pull, csv_pull = SheetLog.objects.order_by("pk")
    assert (json_pull.kind, json_pull.format, json_pull.rows) == ("pull", "json", 5)
    assert json_pull.filters == {"stage": "engaged"}  # never the key, nor the page
    assert json_pull.token == token and json_pull.user == team_lead
    assert (csv_pull.kind, csv_pull.rows, csv_pull.complete) == ("pull", 13, True)
    assert key not in str(json_pull.filters) + str(csv_pull.filters)


def test_a_plain_json_read_is_no_export_and_is_not_logged(many, desk_api) -> None:
    assert desk_api.get("/api/opportunities/").status_code == 200
    assert SheetLog.objects.count() == 0


def test_a_bulk_upload_is_logged_with_its_rows_even_when_refused(team, desk_api) -> None:
    good = b"external_id,title\nA-1,One\nA-2,Two\n"
    body = desk_api.post(
        "/api/opportunities/bulk/?dry_run=true",
        {"file": SimpleUploadedFile("up.csv", good)},
        format="multipart",
    ).json()
    assert body["created"] == 2
    bad = b"external_id,title,probability\nB-1,One,500\nB-2,Two,1\n"
    refused = desk_api.post(
        "/api/opportunities/bulk/?atomic=true",
        {"file": SimpleUploadedFile("up.csv", bad)},
        format="multipart",
    )
    assert refused.status_code == 422
    unreadable = desk_api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("up.xlsx", b"no zip")},
        format="multipart",
    )
    assert unreadable.status_code == 400
    dry, atomic, broken = SheetLog.objects.order_by("pk")
    assert (dry.kind, dry.list_name, dry.format, dry.rows) == ("upload", "opportunities", "csv", 2)
    assert dry.filters == {"dry_run": "true"} and dry.complete is False  # nothing applied
    assert (atomic.rows, atomic.complete, atomic.filters) == (2, False, {"atomic": "true"})
    assert (broken.list_name, broken.rows, broken.complete) == ("follow-ups", 0, False)


def test_an_applied_upload_is_complete(team, desk_api) -> None:
    desk_api.post(
        "/api/opportunities/bulk/",
        {"file": SimpleUploadedFile("up.csv", b"external_id,title\nA-1,One\n")},
        format="multipart",
    )
    entry = SheetLog.objects.get()
    assert (entry.rows, entry.complete) == (1, True)


def test_an_admin_export_is_logged(many, session_for, desk_staff) -> None:
    client = session_for(desk_staff)
    export_url = reverse("admin:opportunities_opportunity_export")
    page = client.get(export_url + "?stage__exact=engaged")
    data = form_data(page, action="")
    data["format"] = "0"
    response = client.post(export_url + "?stage__exact=engaged", data)
    assert response.status_code == 200
    entry = SheetLog.objects.get()
    assert (entry.kind, entry.channel, entry.list_name) == (
        "export",
        "admin",
        "opportunities.opportunity",
    )
    assert entry.filters == {"stage__exact": "engaged"}
    assert (entry.rows, entry.complete, entry.user) == (12, True, desk_staff)


def test_the_log_adds_one_query_to_an_export_not_one_per_row(
    many, desk_api, django_assert_max_num_queries
) -> None:
    desk_api.get("/api/countries/")  # stamps the token's last use
    # The token, the permissions, the rows, three per-chunk loaders (countries, areas, firms
    # and the next follow-up share one chunk), the related labels, the exchange rates of the
    # reporting value, then the log entry.
    with django_assert_max_num_queries(13):
        streamed(desk_api.get("/api/opportunities/?format=csv"))
    assert SheetLog.objects.get().rows == 13


def test_team_leads_read_the_log_desk_staff_do_not_and_nobody_edits_it(
    many, desk_api, session_for, team_lead, desk_staff
) -> None:
    streamed(desk_api.get("/api/opportunities/?format=csv"))
    entry = SheetLog.objects.get()
    lead = session_for(team_lead)
    listing = lead.get(reverse("admin:tracker_sheetlog_changelist"))
    assert listing.status_code == 200 and b"opportunities" in listing.content
    page = lead.get(reverse("admin:tracker_sheetlog_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert lead.post(reverse("admin:tracker_sheetlog_delete", args=[entry.pk])).status_code == 403
    assert lead.get(reverse("admin:tracker_sheetlog_add")).status_code == 403
    desk = session_for(desk_staff)
    assert desk.get(reverse("admin:tracker_sheetlog_changelist")).status_code == 403


@pytest.mark.usefixtures("tasks_in_process")
def test_the_prune_job_deletes_entries_past_the_retention(many, desk_api, settings) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    for _ in range(3):
        streamed(desk_api.get("/api/opportunities/?format=csv"))
    old, kept_young, young = SheetLog.objects.order_by("pk")
    SheetLog.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - datetime.timedelta(days=31)
    )
    SheetLog.objects.filter(pk=kept_young.pk).update(
        started_at=timezone.now() - datetime.timedelta(days=29)
    )
    assert prune_sheet_logs.delay().get() == 1
    assert set(SheetLog.objects.values_list("pk", flat=True)) == {kept_young.pk, young.pk}
    assert sheet_logs_prune() == 0  # a second run deletes nothing more


def test_the_prune_job_is_scheduled_daily() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="tracker.tasks.prune_sheet_logs")
    assert task.enabled and task.crontab.hour == "3"
