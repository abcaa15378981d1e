"""Each statement's language is detected at import, stored, and can be listed and filtered by,
in the API and the admin. The statements are written here, in Japanese, French and Korean."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from statements import imports
from statements.models import Source, Statement

pytestmark = pytest.mark.django_db

STATEMENTS = {
    "ja": (
        "日本とインドの防衛相会談",
        "日本とインドの防衛相は東京で会談し、防衛装備品の共同開発と技術協力を深めることで"
        "合意した。両国は無人システムの共同研究と、防衛産業間の投資協力を歓迎した。",
    ),
    "fr": (
        "Déclaration conjointe franco-indienne",
        "La France et l'Inde ont décidé d'approfondir leur coopération de défense, notamment "
        "la coproduction de moteurs et le transfert de technologie vers l'industrie indienne.",
    ),
    "ko": (
        "한국과 인도 국방장관 회담",
        "한국과 인도의 국방장관은 서울에서 만나 방산 협력과 공동 개발을 강화하기로 합의했다. "
        "양국은 방위산업 투자와 기술 이전을 확대하기로 했다.",
    ),
    "en": (
        "India and Japan joint statement",
        "India and Japan agreed to deepen co-innovation and co-design in unmanned systems and "
        "welcomed the investment partnership between their defence industries.",
    ),
}


@pytest.fixture
def imported(tmp_path: Path) -> dict[str, Statement]:
    for code, (title, text) in STATEMENTS.items():
        (tmp_path / f"{code}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("Note\n\nOK 12 34.\n", encoding="utf-8")
    source = Source.objects.create(name="Desk", kind=Source.Kind.FOLDER, path=str(tmp_path))
    imports.source_import(source_id=source.pk)
    return {statement.title: statement for statement in Statement.objects.all()}


def test_each_statement_gets_its_language_and_a_scrap_gets_none(imported):
    languages = {title: statement.language for title, statement in imported.items()}

    assert languages == {
        **{title: code for code, (title, _) in STATEMENTS.items()},
        "Note": "",
    }


def test_the_api_lists_and_filters_statements_by_language(imported, token_for, desk_staff):
    api = token_for(desk_staff)

    def titles(query: str) -> set[str]:
        response = api.get(f"/api/statements/?{query}")
        assert response.status_code == 200
        return {row["title"] for row in response.json()["results"]}

    assert titles("language=ja") == {STATEMENTS["ja"][0]}
    assert titles("language=fr,KO") == {STATEMENTS["fr"][0], STATEMENTS["ko"][0]}
    assert titles("language=unknown") == {"Note"}
    assert titles("language=de") == set()
    rows = api.get("/api/statements/?language=ko").json()["results"]
    assert rows[0]["language"] == "ko"
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/statements/?language=ja,fr,ko,en")
    # The token and its user, the page's count, the page: as many as the unfiltered list.
    with CaptureQueriesContext(connection) as unfiltered:
        api.get("/api/statements/")
    assert len(queries) == len(unfiltered)
    assert APIClient().get("/api/statements/?language=ja").status_code in (401, 403)


def test_the_admin_lists_and_filters_statements_by_language(imported, session_for, desk_staff):
    client = session_for(desk_staff)
    changelist = reverse("admin:statements_statement_changelist")

    page = client.get(changelist).content.decode()
    korean = client.get(changelist, {"language": "ko"}).content.decode()

    assert all(f"?language={code}" in page for code in ("ja", "fr", "ko", "en", "unknown"))
    assert STATEMENTS["ko"][0] in korean and STATEMENTS["ja"][0] not in korean
    assert client.get(changelist, {"language": "unknown"}).content.decode().count("Note") >= 1
