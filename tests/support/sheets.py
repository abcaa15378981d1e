"""Spreadsheets as the sheet tests send and read them: CSV bytes from rows, a bulk upload, the
opportunity list read back as CSV."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse


def to_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(api, name: str, data: bytes, query: str = ""):
    return api.post(
        f"/api/opportunities/bulk/{query}",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def export_csv(api) -> list[list[str]]:
    response = api.get("/api/opportunities/?format=csv&ordering=id")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def opportunity_rows(count: int, bad_every: int = 0) -> bytes:
    rows = [["external_id", "title", "stage", "probability"]]
    for n in range(1, count + 1):
        stage = "nonsense" if bad_every and n % bad_every == 0 else "identified"
        rows.append([f"BIG-{n}", f"Opportunity {n}", stage, "10"])
    return to_csv(rows)
