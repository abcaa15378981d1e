"""Staff paste or upload statements in the admin; they go through the import path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import statements
from statements.manual import manual_source
from statements.models import RawItem, Source, Statement

SAMPLE = Path(statements.__file__).parent / "samples" / "india-france-engines.txt"
ADD = "admin:statements_statement_add"

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client, desk_staff, tasks_in_process):
    client.force_login(desk_staff)
    return client


def paste(client, follow: bool = False, **data):
    data = {"source": manual_source().pk, "url": "", **data}
    return client.post(reverse(ADD), data, follow=follow)


def test_pasted_text_becomes_a_statement_with_its_raw_bytes_kept(
    desk_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = paste(desk_client, text=SAMPLE.read_text())

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.title.startswith("India and France")
    assert statement.source.kind == Source.Kind.MANUAL
    assert bytes(statement.raw_items.get().body) == SAMPLE.read_text().strip().encode()
    assert statement.extracted_at is not None


def test_uploaded_html_file_is_read_as_a_page(desk_client):
    html = b"<html><body><article><h1>Readout</h1><p>" + b"India and Japan met. " * 20
    upload = SimpleUploadedFile("readout.html", html + b"<script>x()</script></p></article>")

    response = paste(desk_client, upload=upload)

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.title == "Readout"
    assert "x()" not in statement.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Paste the text or upload a file"),
        ({"text": "Only a title"}, "No statement could be read"),
    ],
)
def test_a_paste_without_a_statement_is_refused_and_stores_nothing(desk_client, data, error):
    response = paste(desk_client, **data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Statement.objects.exists() and not RawItem.objects.exists()


def test_pasting_a_stored_statement_again_stores_nothing_new(desk_client):
    paste(desk_client, text=SAMPLE.read_text())

    response = paste(desk_client, text=SAMPLE.read_text(), follow=True)

    assert "already stored" in response.content.decode()
    assert Statement.objects.count() == 1


def test_import_now_and_parse_again_actions(
    team_lead, client, tmp_path, tasks_in_process, django_capture_on_commit_callbacks
):
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    source = Source.objects.create(name="Folder", kind=Source.Kind.FOLDER, path=str(tmp_path))
    client.force_login(team_lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:statements_source_changelist"),
            {"action": "import_now", "_selected_action": [source.pk]},
        )

    assert response.status_code == 302
    statement = Statement.objects.get()
    Statement.objects.filter(pk=statement.pk).update(title="Damaged")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:statements_statement_changelist"),
            {"action": "reprocess", "_selected_action": [statement.pk]},
        )
    statement.refresh_from_db()
    assert statement.title.startswith("India and France")
