"""A run cut short (a killed worker, a time limit) says what it stored: its counts are written
with each stored batch, not only at the end."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from statements import imports
from statements.models import ImportRun, Statement
from tests.statements.imports.sources import folder_source, statements_write

pytestmark = pytest.mark.django_db

EXTRA = 7


def test_run_cut_short_after_one_batch_counts_that_batch(tmp_path: Path, monkeypatch) -> None:
    statements_write(tmp_path, imports.STORE_BATCH + EXTRA * 2)
    source = folder_source(tmp_path)
    fetch, calls = imports.candidate_fetch, []

    def fetch_until_the_time_limit(candidate):
        calls.append(candidate)
        if len(calls) > imports.STORE_BATCH + EXTRA:
            raise SoftTimeLimitExceeded()
        return fetch(candidate)

    # The one stand-in: a time limit hitting mid-run, as it would in a worker.
    monkeypatch.setattr(imports, "candidate_fetch", fetch_until_the_time_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        imports.source_import(source_id=source.pk)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.RUNNING
    assert Statement.objects.count() == imports.STORE_BATCH
    assert (run.new, run.duplicate, run.failed) == (imports.STORE_BATCH, 0, 0)
    assert run.fetched >= imports.STORE_BATCH

    ImportRun.objects.update(started_at=timezone.now() - datetime.timedelta(hours=1))
    assert imports.import_runs_close_stale() == 1
    run.refresh_from_db()
    assert (run.status, run.new) == (ImportRun.Status.INTERRUPTED, imports.STORE_BATCH)
