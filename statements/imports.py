"""Importing a source: fetch, keep the raw bytes, parse, store; one ImportRun per attempt.

One bad item never sinks the others: its error is recorded on the run and on its raw item.
A source that fails as a whole backs off exponentially and shows its failures in the admin.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lib.http import FetchError

from .candidates import Known, SourceFailed, candidate_fetch, source_candidates
from .models import ImportRun, RawItem, Source, Statement
from .parse import ParsedStatement, ParseError, parse_any
from .services import (
    Incoming,
    content_hash,
    raw_items_store,
    statement_store,
    statements_store,
)
from .stories import story_signature_refresh

# Items stored per batch: a batch costs a fixed number of queries and is one transaction.
STORE_BATCH = 250
MAX_BACKOFF = datetime.timedelta(days=7)


def raw_item_parse(raw_item: RawItem) -> ParsedStatement:
    """The statement in a kept raw item, with the feed entry's title and date as fallbacks."""
    headers = {key.lower(): value for key, value in raw_item.headers.items()}
    content_type, _, params = headers.get("content-type", "").partition(";")
    charset = params.partition("charset=")[2].strip(" \"'") or None
    parsed = parse_any(
        bytes(raw_item.body), content_type.strip().lower(), charset, raw_item.url, raw_item.name
    )
    hints = raw_item.hints or {}
    if hints.get("title") and not parsed.title:
        parsed = replace(parsed, title=hints["title"])
    if hints.get("published_on") and parsed.published_on is None:
        parsed = replace(parsed, published_on=datetime.date.fromisoformat(hints["published_on"]))
    return parsed


def raw_item_process(*, raw_item: RawItem) -> tuple[Statement | None, bool]:
    """Parse a kept raw item into a statement. Returns (statement, created); (None, False) and
    the item marked failed when it holds no readable statement."""
    try:
        parsed = raw_item_parse(raw_item)
    except ParseError as error:
        raw_item.status = RawItem.Status.FAILED
        raw_item.error = str(error)
        raw_item.save(update_fields=["status", "error"])
        return None, False
    return statement_store(raw_item=raw_item, parsed=parsed)


def raw_items_parse_again(*, raw_item_ids: list[int]) -> list[int]:
    """Parse failed raw items again from their kept bytes (a file that failed before the reader
    it needed existed, or under a bug since fixed). Returns the ids of new statements."""
    new = []
    failed = RawItem.objects.filter(pk__in=raw_item_ids, status=RawItem.Status.FAILED)
    for raw_item in failed.select_related("source"):
        statement, created = raw_item_process(raw_item=raw_item)
        if created:
            new.append(statement.pk)
    return new


def statement_reprocess(*, statement_id: int) -> Statement:
    """Parse a statement again from the bytes first kept for it, without fetching again."""
    statement = Statement.objects.get(pk=statement_id)
    raw_item = statement.raw_items.order_by("fetched_at", "pk").first()
    if raw_item is None:
        raise ParseError("No raw bytes are kept for this statement.")
    parsed = raw_item_parse(raw_item)
    digest = content_hash(parsed.text)
    twin = Statement.objects.filter(content_hash=digest).exclude(pk=statement.pk).first()
    if twin is not None:
        raise ParseError(f"Parsed again, its text equals statement {twin.pk} ({twin.title}).")
    statement.title, statement.text, statement.content_hash = parsed.title, parsed.text, digest
    statement.published_on = parsed.published_on or statement.published_on
    statement.speaker = parsed.speaker or statement.speaker
    statement.language, statement.pages = parsed.language, parsed.pages
    with transaction.atomic():
        statement.save()
        story_signature_refresh(statement=statement)
    return statement


class _Batch:
    """Items fetched and waiting to be stored together; the run's counts and errors."""

    def __init__(self, source: Source, run: ImportRun) -> None:
        self.source, self.run = source, run
        self.items: list[Incoming] = []
        self.counts = {"new": 0, "duplicate": 0, "failed": 0}
        self.errors: list[dict] = []

    def fail(self, item: str, error: Exception | str) -> None:
        self.counts["failed"] += 1
        self.errors.append({"item": item, "error": str(error)})

    def store(self) -> None:
        """Keep the raw bytes of every waiting item, then parse and store their statements."""
        if not self.items:
            return
        stored = raw_items_store(source=self.source, items=self.items, run=self.run)
        parsed: list[tuple[RawItem, ParsedStatement]] = []
        failed: list[RawItem] = []
        for item, (raw_item, created) in zip(self.items, stored, strict=True):
            if not created and raw_item.status != RawItem.Status.STORED:
                self.counts["duplicate"] += 1
                continue
            try:
                parsed.append((raw_item, raw_item_parse(raw_item)))
            except ParseError as error:
                raw_item.status, raw_item.error = RawItem.Status.FAILED, str(error)
                failed.append(raw_item)
                self.fail(item.url or item.name, error)
        # The run's counts commit with the statements they count, so a run cut short (a killed
        # worker, a time limit) still says what it stored, not new=0.
        with transaction.atomic():
            RawItem.objects.bulk_update(failed, ["status", "error"])
            for _, (statement, new) in zip(parsed, statements_store(parsed=parsed), strict=True):
                self.counts["new" if new else "duplicate"] += 1
                if new:
                    self.run.new_statement_ids.append(statement.pk)
            ImportRun.objects.filter(pk=self.run.pk).update(
                fetched=self.run.fetched, errors=self.errors, **self.counts
            )
        self.items = []


def source_import(*, source_id: int) -> ImportRun:
    """Import everything new from a source, and record the attempt as an ImportRun.

    Items are stored a batch at a time, each batch committed on its own, so a worker killed
    mid-run keeps what it stored. The run carries `new_statement_ids`, the statements this
    attempt stored."""
    source = Source.objects.get(pk=source_id)
    run = ImportRun.objects.create(source=source, started_at=timezone.now())
    run.new_statement_ids = []  # for the caller to queue extraction of, after commit
    known = Known(source)
    batch = _Batch(source, run)
    try:
        for candidate in source_candidates(source, run):
            run.fetched += 1
            if known.has(candidate):
                batch.counts["duplicate"] += 1
                continue
            try:
                batch.items.append(candidate_fetch(candidate))
            except FetchError as error:
                batch.fail(candidate.url or candidate.name, error)
            if len(batch.items) >= STORE_BATCH:
                batch.store()
        batch.store()
    except SourceFailed as error:
        batch.store()
        _finish(run, batch.counts, batch.errors, ImportRun.Status.FAILED)
        _back_off(source, str(error), retry_after=error.retry_after)
        raise
    status = run.status
    if status != ImportRun.Status.NOT_MODIFIED:
        status = ImportRun.Status.PARTIAL if batch.counts["failed"] else ImportRun.Status.OK
    _finish(run, batch.counts, batch.errors, status)
    _succeeded(source)
    return run


def _finish(run: ImportRun, counts: dict, errors: list, status: str) -> None:
    run.new, run.duplicate, run.failed = counts["new"], counts["duplicate"], counts["failed"]
    run.errors, run.status, run.finished_at = errors, status, timezone.now()
    run.save()


def _succeeded(source: Source) -> None:
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        etag=source.etag,
        last_modified=source.last_modified,
        last_run_at=now,
        next_run_at=now + datetime.timedelta(minutes=source.interval_minutes),
        failure_count=0,
        last_error="",
    )


def _back_off(source: Source, error: str, *, retry_after: datetime.datetime | None = None) -> None:
    """Wait twice as long after each consecutive failure, up to a week; a host that said when
    to come back (Retry-After) is tried again then, not before and not later."""
    failures = source.failure_count + 1
    delay = min(
        datetime.timedelta(minutes=source.interval_minutes) * 2 ** min(failures, 10), MAX_BACKOFF
    )
    now = timezone.now()
    next_run_at = now + delay
    if retry_after is not None:
        next_run_at = min(max(retry_after, now), now + MAX_BACKOFF)
    Source.objects.filter(pk=source.pk).update(
        failure_count=F("failure_count") + 1,
        last_error=error[:2000],
        last_run_at=now,
        next_run_at=next_run_at,
    )


def import_runs_close_stale() -> int:
    """Mark runs still "running" after the task's hard time limit as interrupted: their worker
    was killed or timed out, and no one else will finish them. Returns how many."""
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return ImportRun.objects.filter(
        status=ImportRun.Status.RUNNING, started_at__lt=stale_before
    ).update(status=ImportRun.Status.INTERRUPTED, finished_at=timezone.now())


def statements_unextracted(*, limit: int = 5000) -> list[int]:
    """Statements stored a while ago and never extracted: an import whose worker was killed
    stored them but never queued their extraction. Oldest first, at most `limit`; copies in a
    story are never extracted, so never waiting."""
    stored_before = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return list(
        Statement.objects.leads()
        .filter(extracted_at__isnull=True, created_at__lt=stored_before)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def sources_claim(sources: QuerySet[Source]) -> list[int]:
    """Claim `sources` to import now ("Import now" in the admin), leased like due ones: if the
    task never runs (the broker was down), the lease runs out and beat claims them again."""
    lease = timezone.now() + datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    with transaction.atomic():
        ids = list(sources.values_list("pk", flat=True))
        Source.objects.filter(pk__in=ids).update(next_run_at=lease)
    return ids


def sources_claim_due() -> list[int]:
    """Sources whose next run is due, each claimed with a conditional update so that two beat
    ticks (or two beat processes) never enqueue the same source twice."""
    now = timezone.now()
    due = (
        Source.objects.filter(is_active=True)
        .exclude(kind=Source.Kind.MANUAL)
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .values_list("pk", "next_run_at")
    )
    lease = now + datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = []
    for pk, next_run_at in due:
        with transaction.atomic():
            if Source.objects.filter(pk=pk, next_run_at=next_run_at).update(next_run_at=lease):
                claimed.append(pk)
    return claimed
