"""PDF statements from every way in: a feed entry's link or enclosure, an index page, a single
URL, a folder and an admin upload; scans, encrypted, cut-short and oversized files are clear
per-item errors. The PDFs are written by tests/statements/pdfs.py, not by the reader."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from statements import imports
from statements.manual import manual_source
from statements.models import ImportRun, RawItem, Source, Statement
from tests.statements.imports.sources import HTML, source_for
from tests.statements.pdfs import pdf_bytes

# The local test servers may be fetched (the root `local_fetching` fixture).
pytestmark = [pytest.mark.usefixtures("local_fetching"), pytest.mark.django_db]


PDF = {"Content-Type": "application/pdf"}
PAGES = [
    "Joint Statement on Defence Industrial Cooperation\nTokyo, 2023-03-20\n"
    "India and Japan agreed to deepen co-innovation and co-design in unmanned systems.",
    "Both sides welcomed the investment partnership between their defence industries.\n"
    "They looked forward to the next Defence Industry Forum.",
    "The ministers agreed to meet again next year.",
]
NOTICE = pdf_bytes(PAGES, title="India-Japan joint statement", created="D:20230320100000+09'00'")
UNTITLED = pdf_bytes(PAGES)


def feed(body: str) -> bytes:
    return f'<rss version="2.0"><channel><title>Notices</title>{body}</channel></rss>'.encode()


def test_a_feed_entry_linking_to_a_pdf_becomes_a_statement_with_its_pages(http_server):
    http_server.route("/notice.pdf", 200, PDF, NOTICE)
    link = http_server.url("/notice.pdf")
    http_server.route(
        "/feed.xml", 200, {}, feed(f"<item><title>N</title><link>{link}</link></item>")
    )
    source = source_for(http_server.url("/feed.xml"))

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.new) == (ImportRun.Status.OK, 1)
    statement = Statement.objects.get()
    assert statement.title == "India-Japan joint statement"
    assert statement.published_on == datetime.date(2023, 3, 20)
    assert statement.pages == 3
    assert "co-innovation and co-design" in statement.text
    assert "next Defence Industry Forum" in statement.text
    assert statement.language == "en"


def test_a_pdf_enclosure_is_read_when_the_entry_has_no_link(http_server):
    http_server.route("/files/n1", 200, {"Content-Type": "application/octet-stream"}, UNTITLED)
    enclosure = (
        f'<enclosure url="{http_server.url("/files/n1")}" type="application/pdf" length="1"/>'
    )
    http_server.route(
        "/feed.xml", 200, {}, feed(f"<item><title>Press note</title>{enclosure}</item>")
    )
    source = source_for(http_server.url("/feed.xml"))

    imports.source_import(source_id=source.pk)

    statement = Statement.objects.get()
    # No title in the metadata: the first page's first line; its date from the first page too.
    assert statement.title == "Joint Statement on Defence Industrial Cooperation"
    assert statement.published_on == datetime.date(2023, 3, 20)


def test_an_index_page_follows_its_links_to_pdfs(http_server):
    http_server.route("/docs/a.pdf", 200, PDF, NOTICE)
    index = b"<html><body><a href='/docs/a.pdf'>Joint statement (PDF)</a></body></html>"
    http_server.route("/notices", 200, HTML, index)
    source = source_for(http_server.url("/notices"), kind=Source.Kind.INDEX)

    run = imports.source_import(source_id=source.pk)

    assert run.new == 1 and Statement.objects.get().pages == 3


def test_a_single_pdf_url_is_read_by_its_bytes_whatever_its_media_type(http_server):
    http_server.route("/download", 200, {"Content-Type": "application/octet-stream"}, NOTICE)
    source = source_for(http_server.url("/download"), kind=Source.Kind.PAGE)

    imports.source_import(source_id=source.pk)

    assert Statement.objects.get().title == "India-Japan joint statement"


@pytest.fixture
def pdf_folder(tmp_path: Path) -> Path:
    (tmp_path / "notice.pdf").write_bytes(NOTICE)
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes(["x", "y"], scanned=True))
    (tmp_path / "locked.pdf").write_bytes(pdf_bytes(PAGES, password=True))
    (tmp_path / "cut.pdf").write_bytes(NOTICE[: len(NOTICE) // 2])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n")
    return tmp_path


def test_a_folder_of_pdfs_stores_the_readable_one_and_says_why_each_other_failed(pdf_folder):
    source = Source.objects.create(name="PDFs", kind=Source.Kind.FOLDER, path=str(pdf_folder))

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.fetched, run.new, run.failed) == (ImportRun.Status.PARTIAL, 5, 1, 4)
    errors = {error["item"]: error["error"] for error in run.errors}
    assert "no text layer (2 pages of images: a scan?)" in errors["scan.pdf"]
    assert "encrypted with a password" in errors["locked.pdf"]
    assert "cut short or damaged" in errors["cut.pdf"]
    assert "malformed and cannot be read" in errors["junk.pdf"]
    assert RawItem.objects.filter(status=RawItem.Status.FAILED).count() == 4

    again = imports.source_import(source_id=source.pk)

    assert (again.new, again.duplicate) == (0, 5)
    assert Statement.objects.count() == 1


def test_pdf_caps_on_pages_and_size_are_clear_errors(pdf_folder, settings):
    source = Source.objects.create(name="PDFs", kind=Source.Kind.FOLDER, path=str(pdf_folder))
    settings.STATEMENTS_PDF_MAX_PAGES = 2

    run = imports.source_import(source_id=source.pk)

    errors = {error["item"]: error["error"] for error in run.errors}
    assert errors["notice.pdf"] == "The PDF has 3 pages, more than the 2 allowed."
    settings.STATEMENTS_PDF_MAX_PAGES, settings.STATEMENTS_PDF_MAX_BYTES = 300, 1000
    RawItem.objects.all().delete()

    run = imports.source_import(source_id=source.pk)

    errors = {error["item"]: error["error"] for error in run.errors}
    assert errors["notice.pdf"].startswith(f"The PDF is {len(NOTICE):,} bytes, more than the 1,000")


def test_a_pdf_uploaded_in_the_admin_becomes_a_statement(client, desk_staff, tasks_in_process):
    client.force_login(desk_staff)
    upload = SimpleUploadedFile("notice.pdf", NOTICE, content_type="application/pdf")

    response = client.post(
        reverse("admin:statements_statement_add"),
        {"source": manual_source().pk, "url": "", "upload": upload},
    )

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.title, statement.pages) == ("India-Japan joint statement", 3)


def test_a_scan_uploaded_in_the_admin_is_refused_with_the_reason(client, desk_staff):
    client.force_login(desk_staff)
    upload = SimpleUploadedFile("scan.pdf", pdf_bytes(["x"], scanned=True))

    response = client.post(
        reverse("admin:statements_statement_add"),
        {"source": manual_source().pk, "url": "", "upload": upload},
    )

    assert response.status_code == 200
    assert "no text layer" in response.content.decode()
    assert not Statement.objects.exists()


def test_failed_files_can_be_parsed_again_from_the_admin(
    pdf_folder, settings, client, desk_staff, tasks_in_process, django_capture_on_commit_callbacks
):
    source = Source.objects.create(name="PDFs", kind=Source.Kind.FOLDER, path=str(pdf_folder))
    settings.STATEMENTS_PDF_MAX_PAGES = 2
    imports.source_import(source_id=source.pk)
    assert not Statement.objects.exists()
    settings.STATEMENTS_PDF_MAX_PAGES = 300  # the cap raised: the kept bytes can now be read
    client.force_login(desk_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:statements_rawitem_changelist"),
            {
                "action": "parse_again",
                "_selected_action": list(RawItem.objects.values_list("pk", flat=True)),
            },
        )

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.pages == 3 and statement.extracted_at is not None
    assert RawItem.objects.get(name="notice.pdf").status == RawItem.Status.PARSED
    assert RawItem.objects.filter(status=RawItem.Status.FAILED).count() == 4
