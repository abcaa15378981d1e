"""Hostile bodies and files: each refused with a JSON answer (400 or 413), never a 500 or an
HTML page, and an upload bomb refused before it is unpacked."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from openpyxl import Workbook

from lib.sheets import read
from lib.sheets.safety import neutralise, unneutralise
from opportunities.models import Opportunity
from tests.opportunities.factories import OpportunityFactory
from tracker.api import server_error

pytestmark = pytest.mark.django_db


def upload(api, name: str, data: bytes):
    return api.post(
        "/api/opportunities/bulk/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(package: bytes, sheet_xml) -> bytes:
    """The package with its first sheet's XML passed through `sheet_xml`."""
    source, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml(data)
            target.writestr(member.filename, data)
    return out.getvalue()


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_json_nested_a_thousand_deep_is_400_with_a_message(desk_api):
    deep = "[" * 1000 + "]" * 1000
    for url in ("/api/opportunities/", "/api/opportunities/bulk/"):
        body = assert_json_error(desk_api.post(url, deep, content_type="application/json"), 400)
        assert "nested too deeply" in body["detail"]


def test_a_body_over_the_upload_limit_is_a_json_413(desk_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = json.dumps({"title": "x" * 20_000})
    response = desk_api.post("/api/opportunities/", big, content_type="application/json")
    assert "10000 bytes" in assert_json_error(response, 413)["detail"]


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/areas/0.5/"), ("post", "/api/suggestions/0.5/accept/"), ("get", "/api/x/")],
)
def test_ids_that_are_not_whole_numbers_are_a_json_404(desk_api, method, url):
    assert_json_error(getattr(desk_api, method)(url), 404)


def test_a_server_error_under_the_api_is_json():
    response = server_error(RequestFactory().get("/api/opportunities/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Server error."}


def test_a_zip_bomb_is_refused_before_it_is_unpacked(desk_api, team):
    # About 60 KB on the wire, 60 MB of XML once unpacked: refused on the ratio.
    padding = b"<!--" + b" " * 60_000_000 + b"-->"
    bomb = rewritten(xlsx([["external_id", "title"], ["B-1", "Bomb"]]), lambda x: x + padding)
    assert len(bomb) < 200_000
    started = time.monotonic()
    body = assert_json_error(upload(desk_api, "bomb.xlsx", bomb), 413)
    assert time.monotonic() - started < 5
    assert "times its size" in body["file"][0]
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("dimension", "message"),
    [("A1:B1048576", "rows"), ("A1:XFD2", "columns")],
)
def test_a_sheet_claiming_a_million_rows_or_columns_is_refused_up_front(
    desk_api, team, dimension, message
):
    package = xlsx([["external_id", "title"], ["D-1", "Dim"]])
    claimed = rewritten(
        package,
        lambda xml: xml.replace(
            b'<dimension ref="A1:B2"/>', f'<dimension ref="{dimension}"/>'.encode()
        ),
    )
    assert f'ref="{dimension}"'.encode() in zipfile.ZipFile(io.BytesIO(claimed)).read(
        "xl/worksheets/sheet1.xml"
    )
    body = assert_json_error(upload(desk_api, "claims.xlsx", claimed), 413)
    assert message in body["file"][0]


def test_a_wide_row_without_a_dimension_is_refused_while_reading(desk_api, team):
    wide = ["external_id", "title", *(f"c{n}" for n in range(read.MAX_COLUMNS))]
    undimensioned = rewritten(
        xlsx([wide, ["W-1", "Wide"]]), lambda xml: xml.replace(b"<dimension", b"<x")
    )
    assert_json_error(upload(desk_api, "wide.xlsx", undimensioned), 413)


def test_a_file_over_the_byte_cap_is_a_413(desk_api, team, monkeypatch):
    monkeypatch.setattr(read, "MAX_UPLOAD_BYTES", 100_000)
    rows = "external_id,title\n" + "".join(f"C-{n},Row {n}\n" for n in range(10_000))
    body = assert_json_error(upload(desk_api, "big.csv", rows.encode()), 413)
    assert "MB per upload" in body["file"][0]
    assert not Opportunity.objects.exists()


def test_a_csv_with_too_many_columns_is_a_413(desk_api, team):
    header = ",".join(["external_id", "title", *(f"c{n}" for n in range(read.MAX_COLUMNS))])
    assert_json_error(upload(desk_api, "wide.csv", f"{header}\nX-1,Wide\n".encode()), 413)


@pytest.mark.parametrize(
    "value",
    [
        "\uff1d1+1",  # full-width =
        "\uff0b1",  # full-width +
        "\uff0d1",  # full-width -
        "\uff20SUM(A1)",  # full-width @
        "\u200b=1+1",  # zero-width space
        "\ufeff=HYPERLINK(1)",  # byte-order mark
        "\u2060\u200d+1",  # word joiner, zero-width joiner
        "\u207c1",  # superscript =, folded by NFKC
    ],
)
def test_disguised_formulas_are_neutralised_and_read_back_as_written(value):
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value


@pytest.mark.parametrize("value", ["Plain", "日本と協力", "\u200bquiet", "\uff031"])
def test_harmless_text_is_left_alone(value):
    assert neutralise(value) == value


def test_a_full_width_formula_title_is_exported_inert(desk_api, team):
    OpportunityFactory(team=team, title='\uff1dHYPERLINK("http://evil")', external_id="F-1")
    response = desk_api.get("/api/opportunities/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'\uff1dHYPERLINK" in text
