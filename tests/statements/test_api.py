"""The API of the statements app: statements, pasting, sources and import runs."""

from __future__ import annotations

import pytest

from statements.models import Statement
from tests.statements.factories import (
    ImportRunFactory,
    MentionFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def test_statement_detail_carries_text_and_mentions(desk_api, japan):
    statement = StatementFactory()
    statement.countries.add(japan)
    MentionFactory(statement=statement, country=japan, start=5, end=10)
    body = desk_api.get(f"/api/statements/{statement.pk}/").json()
    assert body["text"] == statement.text
    assert body["country_names"] == ["Japan"]
    assert body["mentions"][0]["entity"] == "Japan"
    assert body["mentions"][0]["statement"] == statement.pk
    assert "text" not in desk_api.get("/api/statements/").json()["results"][0]
    assert desk_api.get("/api/statements/?country=JP").json()["count"] == 1
    assert desk_api.get(f"/api/mentions/?statement={statement.pk}").json()["count"] == 1


def test_statement_paste(desk_api):
    text = "Joint statement\n\n" + "India and Japan agreed to deepen co-innovation. " * 5
    response = desk_api.post("/api/statements/", {"text": text, "name": "note.txt"}, format="json")
    assert response.status_code == 201, response.json()
    again = desk_api.post("/api/statements/", {"text": text, "name": "note.txt"}, format="json")
    assert again.status_code == 200
    assert Statement.objects.count() == 1
    assert desk_api.post("/api/statements/", {"text": ""}, format="json").status_code == 400


def test_a_statement_pasted_over_the_api_is_extracted(
    desk_api, reference, tasks_in_process, django_capture_on_commit_callbacks
):
    text = "Joint statement\n\n" + "India and Japan agreed to deepen co-innovation. " * 5
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_api.post("/api/statements/", {"text": text, "url": ""}, format="json")
    assert response.status_code == 201, response.json()
    statement = Statement.objects.get(pk=response.json()["id"])
    assert statement.url == ""
    assert statement.extracted_at is not None
    assert set(statement.countries.values_list("code", flat=True)) >= {"IN", "JP"}


def test_sources_and_import_runs(lead_api, desk_api):
    response = lead_api.post(
        "/api/sources/",
        {"name": "MEA feed", "kind": "feed", "url": "https://mea.example/feed.xml"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    broken = lead_api.post("/api/sources/", {"name": "No URL", "kind": "feed"}, format="json")
    assert broken.status_code == 400
    run = ImportRunFactory(source=SourceFactory())
    assert desk_api.get(f"/api/import-runs/?source={run.source_id}").json()["count"] == 1
    assert desk_api.post("/api/import-runs/", {}, format="json").status_code in (403, 405)
