"""Importing a source: fetch, keep the raw bytes, parse, store; one ImportRun per attempt.

One bad item never sinks the others: its error is recorded on the run and on its raw item.
A source that fails as a whole backs off exponentially and shows its failures in the admin.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .fetch import FetchError, FetchResult, fetch
from .models import ImportRun, RawItem, Source, Statement
from .parse import ParsedStatement, ParseError, index_links, parse_any, parse_feed
from .services import canonical_url, content_hash, raw_item_store, statement_store

FOLDER_SUFFIXES = (".txt", ".html", ".htm")
MAX_BACKOFF = datetime.timedelta(days=7)


class SourceFailed(Exception):
    """The source as a whole could not be imported; `transient` says a retry may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class Candidate:
    """One item a source offers: its identity, and how to get its bytes when it is new."""

    url: str = ""
    name: str = ""
    hints: dict = field(default_factory=dict)
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    fallback: bytes | None = None  # a feed entry's own content, if its page cannot be fetched


def _headers(result: FetchResult) -> dict:
    return {**result.headers, "X-Tracker-Final-URL": result.url}


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
    statement.save()
    return statement


def _feed_candidates(source: Source, result: FetchResult) -> Iterator[Candidate]:
    for entry in parse_feed(result.body, base_url=result.url)[: source.max_items]:
        hints = {"title": entry.title}
        if entry.published_on:
            hints["published_on"] = entry.published_on.isoformat()
        fallback = None
        if entry.content:
            fallback = f"<html><body><h1>{entry.title}</h1>{entry.content}</body></html>".encode()
        if entry.url:
            yield Candidate(url=entry.url, hints=hints, fallback=fallback)
        elif fallback:
            yield Candidate(name=entry.title, hints=hints, body=fallback, headers=HTML_HEADERS)


HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def _folder_candidates(source: Source) -> Iterator[Candidate]:
    folder = Path(source.path)
    if not folder.is_dir():
        raise SourceFailed(f"Folder {folder} does not exist.", transient=False)
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in FOLDER_SUFFIXES:
            yield Candidate(name=path.name, body=path.read_bytes())


def _candidates(source: Source, run: ImportRun) -> Iterator[Candidate]:
    if source.kind == Source.Kind.FOLDER:
        yield from _folder_candidates(source)
        return
    try:
        result = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        raise SourceFailed(str(error), transient=error.transient) from error
    if result.not_modified:
        run.status = ImportRun.Status.NOT_MODIFIED
        return
    source.etag, source.last_modified = result.etag, result.last_modified
    try:
        if source.kind == Source.Kind.FEED:
            yield from _feed_candidates(source, result)
        elif source.kind == Source.Kind.INDEX:
            for link in index_links(result.body, result.url, source.max_items, result.charset):
                yield Candidate(url=link)
        else:
            yield Candidate(url=source.url, body=result.body, headers=_headers(result))
    except ParseError as error:
        raise SourceFailed(str(error), transient=False) from error


class _Known:
    """What this source already holds, read once per run so a re-import costs no per-item
    queries: canonical URLs anywhere, and body hashes of this source's URL-less items."""

    def __init__(self, source: Source) -> None:
        # An item kept but never parsed (its worker died) is not known: it gets parsed now.
        done = RawItem.objects.exclude(status=RawItem.Status.STORED)
        self.urls = set(done.exclude(canonical_url="").values_list("canonical_url", flat=True))
        self.bodies = set(
            done.filter(source=source, canonical_url="").values_list("body_hash", flat=True)
        )

    def has(self, candidate: Candidate) -> bool:
        if candidate.url:
            return canonical_url(candidate.url) in self.urls
        return hashlib.sha256(candidate.body or b"").hexdigest() in self.bodies


def _import_candidate(source: Source, run: ImportRun, candidate: Candidate) -> str:
    """Store and parse one item. Returns "new", "duplicate" or raises with a reason."""
    body, headers = candidate.body, candidate.headers
    if body is None:
        try:
            result = fetch(candidate.url)
            body, headers = result.body, _headers(result)
        except FetchError:
            if candidate.fallback is None:
                raise
            body, headers = candidate.fallback, {**HTML_HEADERS, "X-Tracker-From": "feed entry"}
    raw_item, created = raw_item_store(
        source=source,
        body=body,
        url=candidate.url,
        name=candidate.name,
        headers=headers,
        hints=candidate.hints,
        run=run,
    )
    if not created and raw_item.status != RawItem.Status.STORED:
        return "duplicate"
    statement, new = raw_item_process(raw_item=raw_item)
    if statement is None:
        raise ParseError(raw_item.error)
    if new:
        run.new_statement_ids.append(statement.pk)
    return "new" if new else "duplicate"


def source_import(*, source_id: int) -> ImportRun:
    """Import everything new from a source, and record the attempt as an ImportRun.

    The run carries `new_statement_ids`, the statements this attempt stored."""
    source = Source.objects.get(pk=source_id)
    run = ImportRun.objects.create(source=source, started_at=timezone.now())
    run.new_statement_ids = []  # for the caller to queue extraction of, after commit
    known = _Known(source)
    counts = {"new": 0, "duplicate": 0, "failed": 0}
    errors: list[dict] = []
    try:
        for candidate in _candidates(source, run):
            run.fetched += 1
            if known.has(candidate):
                counts["duplicate"] += 1
                continue
            try:
                counts[_import_candidate(source, run, candidate)] += 1
            except (FetchError, ParseError) as error:
                counts["failed"] += 1
                errors.append({"item": candidate.url or candidate.name, "error": str(error)})
    except SourceFailed as error:
        _finish(run, counts, errors, ImportRun.Status.FAILED)
        _back_off(source, str(error))
        raise
    status = run.status
    if status != ImportRun.Status.NOT_MODIFIED:
        status = ImportRun.Status.PARTIAL if counts["failed"] else ImportRun.Status.OK
    _finish(run, counts, errors, status)
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


def _back_off(source: Source, error: str) -> None:
    """Wait twice as long after each consecutive failure, up to a week."""
    failures = source.failure_count + 1
    delay = min(
        datetime.timedelta(minutes=source.interval_minutes) * 2 ** min(failures, 10), MAX_BACKOFF
    )
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        failure_count=F("failure_count") + 1,
        last_error=error[:2000],
        last_run_at=now,
        next_run_at=now + delay,
    )


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
