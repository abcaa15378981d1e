"""On PostgreSQL the database formats export cells (CSV by `COPY`, XLSX rows by a SELECT):
every list's file must be the one Python writes, hostile cells, empty values and time zones
included (CSV byte for byte, XLSX sheet XML byte for byte)."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.models import Opportunity
from partners.api_support import db_sheets
from partners.api_support.sheets import _flat

from ..factories import (
    FirmFactory,
    FollowUpFactory,
    InvestmentAreaFactory,
    OpportunityFactory,
    StatementFactory,
)
from .test_queries import KINDS, make_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's; elsewhere Python writes"
    ),
]

NASTY = [
    '=HYPERLINK("http://evil")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tX",
    "\rY",
    "\x01=Z",
    "\x02\x03",
    'says "yes", then\nleaves',
    "line\r\nbreak",
    "  spaced  ",
    "日本, インド",
    "\\.",
    "",
]


def export(api, url: str, *, python: bool, monkeypatch) -> bytes:
    """The file's bytes; for XLSX, its sheet's XML (the package stamps the time)."""
    with monkeypatch.context() as patch:
        if python:
            patch.setattr(db_sheets, "csv_lines", lambda *args: None)
            patch.setattr(db_sheets, "sheet_rows", lambda *args: None)
        response = api.get(url)
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    if "format=xlsx" in url:
        return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    return content


def by_database(monkeypatch) -> list:
    """Records what each export's database writer answered (None: Python wrote it)."""
    answers = []
    for name in ("csv_lines", "sheet_rows"):
        real = getattr(db_sheets, name)

        def spy(*args, real=real):
            answers.append(real(*args))
            return answers[-1]

        monkeypatch.setattr(db_sheets, name, spy)
    return answers


@pytest.fixture
def nasty_opportunities(team, japan):
    area = InvestmentAreaFactory(slug="co-innovation", name="=Co-innovation")
    firms = [FirmFactory(name=text or "Plain KK", country=japan) for text in NASTY[:4]]
    statement = StatementFactory(title="=Statement")
    for index, text in enumerate(NASTY):
        opportunity = OpportunityFactory(
            team=team,
            owner=None if index % 2 else team.members.first(),
            title=text or "untitled",
            description=text,
            close_reason=text,
            external_id=f"N-{index}" if index % 3 else "",
            value=None if index % 4 == 0 else 1234.5 * index,
            expected_close=None if index % 2 else datetime.date(2027, 1, 1 + index),
            countries=[japan],
        )
        opportunity.areas.add(area)
        opportunity.firms.add(*firms[: index % 4])
        opportunity.statements.add(statement)
        if index % 2:
            FollowUpFactory(opportunity=opportunity, title=text or "call", notes=text)
    # No microseconds: isoformat() leaves them out, and so must the database.
    Opportunity.objects.filter(pk=opportunity.pk).update(
        updated_at=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "zone,query",
    [
        ("UTC", ""),
        ("Asia/Kolkata", "?ordering=-updated_at"),
        ("America/St_Johns", "?ordering=title&stage=identified"),  # UTC-03:30: half hours
        ("UTC", "?country=JP"),
    ],
)
def test_the_database_writes_the_opportunity_export_python_writes(
    desk_api, nasty_opportunities, monkeypatch, zone, query, fmt
):
    with timezone.override(zone):
        url = f"/api/opportunities/{query}{'&' if query else '?'}format={fmt}"
        answers = by_database(monkeypatch)
        written = export(desk_api, url, python=False, monkeypatch=monkeypatch)
        expected = export(desk_api, url, python=True, monkeypatch=monkeypatch)
    assert answers and answers[0] is not None, "the database did not write it"
    assert written == expected
    assert written.count(b"\r\n" if fmt == "csv" else b"<row ") > len(NASTY)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_list_is_written_by_the_database_as_python_writes_it(
    kind, fmt, superuser, client_for, team, japan, monkeypatch
):
    make_rows(kind, 3, team, japan)
    api = client_for(superuser)
    answers = by_database(monkeypatch)
    url = f"/api/{kind}/?format={fmt}"
    written = export(api, url, python=False, monkeypatch=monkeypatch)
    expected = export(api, url, python=True, monkeypatch=monkeypatch)
    assert answers[0] is not None, "the database did not write it"
    assert written == expected
    assert written.count(b"\r\n" if fmt == "csv" else b"<row ") >= 4


@pytest.mark.django_db(transaction=True)  # as served: streamed after the request commits
def test_an_export_closed_half_way_leaves_the_connection_usable(desk_api, team, monkeypatch):
    monkeypatch.setattr(db_sheets, "LINES_PER_WRITE", 2)
    for _ in range(6):
        OpportunityFactory(team=team)
    response = desk_api.get("/api/opportunities/?format=csv")
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)  # the header, then the first rows from COPY
    response.close()
    assert Opportunity.objects.filter(team=team).count() == 6


# Text PostgreSQL can hold: no NUL, no lone surrogates.
text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text, min_size=1, max_size=8))
def test_the_database_neutralises_every_cell_as_python_does(values):
    sql = db_sheets._TEXT.replace("{v}", "%s::text")
    with connection.cursor() as cursor:
        for value in values:
            cursor.execute(f"SELECT {sql}", [value] * sql.count("%s"))
            (written,) = cursor.fetchone()
            assert written == (_flat([value], None)[0] or None), repr(value)
