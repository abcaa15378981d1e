"""What both bulk upserts share: the report, and the chunked run.

An upsert reads its rows a chunk at a time, at a fixed number of queries per chunk. Each kind
(`OpportunityUpsert`, `FollowUpUpsert`) keeps what a whole upload needs across chunks (lookups,
the keys seen so far) and plans and writes one chunk in `chunk()`. `run()` is the answer to a
request: every chunk in one transaction. An upload job (`jobs.py`) calls the same `chunk()`
in a transaction per chunk, with its progress, so there is one path through the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction

CHUNK = 2000
REPORT_LIMIT = 1000

Row = dict[str, str | None]


@dataclass
class UpsertReport:
    dry_run: bool
    atomic: bool
    applied: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def change(self, number: int, key: str, action: str, fields: list[str]) -> None:
        if len(self.changes) < REPORT_LIMIT:
            self.changes.append(
                {"row": number, "external_id": key, "action": action, "fields": fields}
            )

    def error(self, number: int, key: str | None, errors: dict[str, list[str]]) -> None:
        self.errors.append({"row": number, "external_id": key, "errors": errors})


def chunks(rows: Iterable, size: int | None = None) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size or CHUNK)):
        yield chunk


class ChunkedUpsert:
    """One upload's upsert. Subclasses load what every row may name in `__init__` and define
    `chunk()`; `skip()` is told of rows an interrupted job already wrote."""

    def __init__(self, *, user: Any, dry_run: bool = False, atomic: bool = False) -> None:
        self.user, self.dry_run, self.atomic = user, dry_run, atomic

    def writes(self, report: UpsertReport) -> bool:
        """Whether a planned chunk is written: not in a dry run, nor once an atomic upload has
        a bad row (it will be rolled back whole)."""
        return not self.dry_run and not (self.atomic and report.errors)

    def chunk(self, rows: list[tuple[int, Row]], report: UpsertReport) -> None:
        """Plan `rows` into `report` and write them if `writes()`; inside a transaction."""
        raise NotImplementedError

    def skip(self, rows: list[tuple[int, Row]]) -> None:
        """Rows written by an earlier attempt of a job: remember what later rows check."""

    def run(self, rows: Iterable[tuple[int, Row]]) -> UpsertReport:
        """Every row in one transaction: all of it written, or (dry run, refused atomic
        upload) none of it."""
        report = UpsertReport(dry_run=self.dry_run, atomic=self.atomic)
        with transaction.atomic():
            for chunk in chunks(rows):
                self.chunk(chunk, report)
            report.applied = not self.dry_run and not (self.atomic and report.errors)
            if not report.applied:
                transaction.set_rollback(True)
        return report
