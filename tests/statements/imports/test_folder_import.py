from __future__ import annotations

import datetime
import io
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import statements
from statements import imports
from statements.models import ImportRun, RawItem, Source, Statement
from statements.tasks import import_due_sources

SAMPLES = Path(statements.__file__).parent / "samples"
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_2025c57bb3c034ba.txt"

PAGE = b"""<!doctype html><html><head><title>Joint statement</title>
<meta charset="utf-8"></head><body><nav>Home | Media | top of page</nav>
<article><h1>India and Japan joint statement</h1>
<p>India and Japan agreed to deepen co-innovation in unmanned systems and to hold the next
dialogue in Tokyo. Both sides welcomed investment partnership in the defence sector.</p>
<script>alert("x")</script></article><footer>bottom of page</footer></body></html>"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, tmp_path / sample.name)
    (tmp_path / "joint-statement.html").write_bytes(PAGE)
    (tmp_path / "empty.txt").write_bytes(b"  \n\n")
    (tmp_path / "annex.pdf").write_bytes(b"%PDF-1.4 not a statement")
    return tmp_path


@pytest.fixture
def folder_source(db, folder: Path) -> Source:
    return Source.objects.create(name="Desk folder", kind=Source.Kind.FOLDER, path=str(folder))


def test_folder_import_stores_each_statement_and_reports_the_bad_file(folder_source):
    run = imports.source_import(source_id=folder_source.pk)

    assert (run.status, run.fetched, run.new, run.duplicate, run.failed) == (
        ImportRun.Status.PARTIAL,
        8,
        6,
        0,
        2,
    )
    assert run.errors == [
        {
            "item": "annex.pdf",
            "error": "The PDF is cut short or damaged: its end-of-file marker is missing.",
        },
        {"item": "empty.txt", "error": "The file is empty."},
    ]
    assert Statement.objects.count() == 6
    assert sorted(run.new_statement_ids) == sorted(Statement.objects.values_list("pk", flat=True))
    failed = RawItem.objects.get(name="empty.txt")
    assert failed.status == RawItem.Status.FAILED and bytes(failed.body) == b"  \n\n"
    page = Statement.objects.get(title="India and Japan joint statement")
    assert "co-innovation" in page.text
    assert "alert" not in page.text and "top of page" not in page.text


def test_importing_the_same_folder_again_stores_nothing(folder_source):
    imports.source_import(source_id=folder_source.pk)
    counts = (Statement.objects.count(), RawItem.objects.count())

    run = imports.source_import(source_id=folder_source.pk)

    assert (run.status, run.new, run.duplicate, run.failed) == (ImportRun.Status.OK, 0, 8, 0)
    assert (Statement.objects.count(), RawItem.objects.count()) == counts


def test_the_same_statement_in_two_sources_is_stored_once(folder_source, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    shutil.copy(SAMPLES / "india-france-engines.txt", other / "copy.txt")
    second = Source.objects.create(name="Other desk", kind=Source.Kind.FOLDER, path=str(other))
    imports.source_import(source_id=folder_source.pk)

    run = imports.source_import(source_id=second.pk)

    assert (run.new, run.duplicate) == (0, 1)
    raw_item = RawItem.objects.get(source=second)
    assert raw_item.status == RawItem.Status.DUPLICATE
    assert raw_item.statement.source == folder_source


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared-cache: it fails on locks, never waits",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_source_store_each_statement_once(folder):
    source = Source.objects.create(name="Shared", kind=Source.Kind.FOLDER, path=str(folder))
    failures: list[BaseException] = []

    def run_import() -> None:
        try:
            imports.source_import(source_id=source.pk)
        except BaseException as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert Statement.objects.count() == 6
    assert RawItem.objects.count() == 8  # annex.pdf too, now that PDFs are read
    runs = ImportRun.objects.filter(source=source)
    assert sum(run.new for run in runs) == 6


def test_seed_briefing_imports_without_page_furniture(db, tmp_path):
    if not SEED.exists():
        pytest.skip(f"seed statement not found at {SEED}")
    shutil.copy(SEED, tmp_path / SEED.name)
    source = Source.objects.create(name="Seed", kind=Source.Kind.FOLDER, path=str(tmp_path))

    imports.source_import(source_id=source.pk)

    statement = Statement.objects.get()
    assert statement.title == "India Japan Defence Cooperation : Design and Innovation Focus"
    assert "top of page" not in statement.text and "bottom of page" not in statement.text
    assert statement.text.startswith("Shri Vinay Kwatra")


def test_a_failing_source_backs_off_and_shows_it(db, tmp_path):
    source = Source.objects.create(
        name="Gone", kind=Source.Kind.FOLDER, path=str(tmp_path / "missing"), interval_minutes=60
    )
    before = timezone.now()

    for failures in (1, 2):
        with pytest.raises(imports.SourceFailed) as raised:
            imports.source_import(source_id=source.pk)
        assert raised.value.transient is False
        source.refresh_from_db()
        assert source.failure_count == failures
        assert "does not exist" in source.last_error
        assert source.next_run_at >= before + datetime.timedelta(hours=2**failures)

    assert ImportRun.objects.filter(source=source, status=ImportRun.Status.FAILED).count() == 2
    (tmp_path / "missing").mkdir()
    imports.source_import(source_id=source.pk)
    source.refresh_from_db()
    assert (source.failure_count, source.last_error) == (0, "")


def test_due_sources_are_claimed_once(db, folder):
    due = Source.objects.create(name="Due", kind=Source.Kind.FOLDER, path=str(folder))
    Source.objects.create(
        name="Later",
        kind=Source.Kind.FOLDER,
        path=str(folder),
        next_run_at=timezone.now() + datetime.timedelta(hours=1),
    )
    Source.objects.create(name="Off", kind=Source.Kind.FOLDER, path=str(folder), is_active=False)
    Source.objects.create(name="Pasted", kind=Source.Kind.MANUAL)

    assert imports.sources_claim_due() == [due.pk]
    assert imports.sources_claim_due() == []


def test_the_due_sources_job_imports_them(
    db, folder, django_capture_on_commit_callbacks, tasks_in_process
):
    Source.objects.create(name="Due", kind=Source.Kind.FOLDER, path=str(folder))

    with django_capture_on_commit_callbacks(execute=True):
        import_due_sources.delay()

    assert Statement.objects.count() == 6


def test_runs_whose_worker_died_are_marked_interrupted_by_the_due_job(
    folder_source, settings, tasks_in_process
):
    now = timezone.now()
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    dead = ImportRun.objects.create(source=folder_source, started_at=now - limit * 2)
    alive = ImportRun.objects.create(source=folder_source, started_at=now - limit / 2)
    finished = ImportRun.objects.create(
        source=folder_source,
        started_at=now - limit * 3,
        finished_at=now - limit * 3,
        status=ImportRun.Status.OK,
    )

    import_due_sources.delay()

    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == ImportRun.Status.INTERRUPTED
    assert statuses[alive.pk] == ImportRun.Status.RUNNING
    assert statuses[finished.pk] == ImportRun.Status.OK
    assert ImportRun.objects.get(pk=dead.pk).finished_at is not None


def test_statements_a_killed_import_never_queued_are_extracted_by_the_due_job(
    folder_source, settings, tasks_in_process, django_capture_on_commit_callbacks
):
    imports.source_import(source_id=folder_source.pk)  # stored; its extraction never queued
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    Statement.objects.update(created_at=long_ago)
    fresh = Statement.objects.order_by("pk").first()
    Statement.objects.filter(pk=fresh.pk).update(created_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        import_due_sources.delay()

    assert list(Statement.objects.filter(extracted_at__isnull=True)) == [fresh]
    assert imports.statements_unextracted() == []


def test_reprocess_parses_again_from_the_kept_bytes(folder_source):
    imports.source_import(source_id=folder_source.pk)
    statement = Statement.objects.get(title="India and Japan joint statement")
    Statement.objects.filter(pk=statement.pk).update(title="Damaged", text="lost")

    call_command("reprocess_statements", str(statement.pk), stdout=io.StringIO())

    statement.refresh_from_db()
    assert statement.title == "India and Japan joint statement"
    assert "co-innovation" in statement.text


def test_import_command_reports_each_source(folder_source, capsys):
    call_command("import_sources", str(folder_source.pk))

    out = capsys.readouterr().out
    assert "Desk folder: Succeeded with item errors; fetched 8, new 6" in out
    assert "empty.txt: The file is empty." in out
