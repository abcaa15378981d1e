"""Items are stored, extracted and proposed from a batch at a time: the queries of a batch do not
grow with its size, and duplicates inside one batch are caught like those across batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.models import Suggestion
from opportunities.suggestions.proposals import suggestions_propose
from statements import imports
from statements.extract import statements_extract
from statements.models import Mention, RawItem, Statement
from statements.tasks import queue_extraction
from tests.statements.imports.sources import folder_source, statements_write

pytestmark = pytest.mark.django_db


def queries_of(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.fixture(autouse=True)
def stories_off(settings) -> None:
    # statements_write's statements differ by a number only, near-duplicates by design: grouped
    # into one story, only the first would be extracted. These tests count the work of whole
    # batches.
    settings.STATEMENTS_GROUP_STORIES = False


def test_storing_costs_the_same_queries_for_3_or_60_items(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir(), large.mkdir()
    statements_write(small, 3)
    statements_write(large, 60, first=100)
    small_source, large_source = folder_source(small), folder_source(large)

    few = queries_of(lambda: imports.source_import(source_id=small_source.pk))
    many = queries_of(lambda: imports.source_import(source_id=large_source.pk))

    assert Statement.objects.count() == 63
    # SQLite inserts at most 999 parameters a statement, so 60 rows may take a second insert.
    assert many <= few + 2


def test_a_run_longer_than_a_batch_stores_every_item_once(tmp_path: Path) -> None:
    count = imports.STORE_BATCH * 2 + 7
    statements_write(tmp_path, count)
    source = folder_source(tmp_path)

    run = imports.source_import(source_id=source.pk)
    again = imports.source_import(source_id=source.pk)

    assert (run.new, run.duplicate, run.failed) == (count, 0, 0)
    assert (again.new, again.duplicate) == (0, count)
    assert Statement.objects.count() == RawItem.objects.count() == count
    assert len(set(run.new_statement_ids)) == count


def test_the_same_text_twice_in_one_batch_is_stored_once(tmp_path: Path) -> None:
    statements_write(tmp_path, 2)
    (tmp_path / "z-copy-of-0.txt").write_bytes((tmp_path / "statement-0000.txt").read_bytes())
    (tmp_path / "z-reflowed-1.txt").write_text(
        (tmp_path / "statement-0001.txt").read_text().replace("\n", "  \n"), encoding="utf-8"
    )
    source = folder_source(tmp_path)

    run = imports.source_import(source_id=source.pk)

    assert (run.fetched, run.new, run.duplicate) == (4, 2, 2)
    assert Statement.objects.count() == 2
    # The same bytes are one raw item (kept under the first name); re-flowed text is its own
    # raw item that repeats a statement.
    assert RawItem.objects.count() == 3
    reflowed = RawItem.objects.get(name="z-reflowed-1.txt")
    assert reflowed.status == RawItem.Status.DUPLICATE
    assert reflowed.statement == RawItem.objects.get(name="statement-0001.txt").statement


def test_extracting_costs_the_same_queries_for_1_or_40_statements(
    reference, tmp_path: Path
) -> None:
    statements_write(tmp_path, 41)
    run = imports.source_import(source_id=folder_source(tmp_path).pk)
    first, *rest = run.new_statement_ids

    one = queries_of(lambda: statements_extract(statement_ids=[first]))
    forty = queries_of(lambda: statements_extract(statement_ids=rest))

    assert forty <= one + 1  # a candidate opening is created once, by the first batch
    assert Mention.objects.filter(statement_id=first).count() == (
        Mention.objects.filter(statement_id=rest[-1]).count()
    )
    assert set(Statement.objects.get(pk=rest[-1]).countries.values_list("code", flat=True)) == {
        "IN",
        "JP",
    }


def test_proposing_costs_the_same_queries_for_1_or_40_statements(reference, tmp_path: Path) -> None:
    statements_write(tmp_path, 41)
    run = imports.source_import(source_id=folder_source(tmp_path).pk)
    statements_extract(statement_ids=run.new_statement_ids)
    first, *rest = run.new_statement_ids

    one = queries_of(lambda: suggestions_propose(statement_ids=[first]))
    forty = queries_of(lambda: suggestions_propose(statement_ids=rest))

    assert forty == one
    assert Suggestion.objects.count() == 41
    assert set(Suggestion.objects.values_list("key", flat=True)) == {"IN-JP"}


def test_extraction_batches_are_idempotent_and_skip_deleted_statements(
    reference, tmp_path: Path, tasks_in_process, django_capture_on_commit_callbacks
) -> None:
    statements_write(tmp_path, 5)
    ids = imports.source_import(source_id=folder_source(tmp_path).pk).new_statement_ids
    Statement.objects.filter(pk=ids[0]).delete()

    with django_capture_on_commit_callbacks(execute=True):
        queue_extraction(ids)  # one batch task, then its suggestion task
    mentions = sorted(Mention.objects.values_list("statement_id", "kind", "start", "end"))
    results = statements_extract(statement_ids=ids)

    assert [result.statement_id for result in results] == ids[1:]
    assert sorted(Mention.objects.values_list("statement_id", "kind", "start", "end")) == mentions
    assert Suggestion.objects.count() == 4
    assert Statement.objects.filter(extracted_at__isnull=True).count() == 0
