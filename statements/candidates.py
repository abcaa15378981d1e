"""What a source offers: the items of a feed, an index page, a page or a folder, each with its
identity, and the bytes of each new one, fetched when needed."""

from __future__ import annotations

import datetime
import hashlib
import html
from collections.abc import Iterator
from dataclasses import dataclass, field

from lib.http import FetchError, FetchResult, fetch

from .folders import FolderRefused, folder_files, folder_resolve
from .models import ImportRun, RawItem, Source
from .parse import ParseError, index_links
from .parse.feed import parse_feed
from .services import Incoming, canonical_url

FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".pdf")


class SourceFailed(Exception):
    """The source as a whole could not be imported; `transient` says a retry may help, and
    `retry_after` when the host asked to be tried again (a Retry-After)."""

    def __init__(
        self, message: str, *, transient: bool, retry_after: datetime.datetime | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


@dataclass
class Candidate:
    """One item a source offers: its identity, and how to get its bytes when it is new."""

    url: str = ""
    name: str = ""
    hints: dict = field(default_factory=dict)
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    fallback: bytes | None = None  # a feed entry's own content, if its page cannot be fetched


def fetched_headers(result: FetchResult) -> dict:
    return {**result.headers, "X-Tracker-Final-URL": result.url}


def _feed_candidates(source: Source, result: FetchResult) -> Iterator[Candidate]:
    content_type = next(
        (value for name, value in result.headers.items() if name.lower() == "content-type"), ""
    )
    entries = parse_feed(result.body, base_url=result.url, content_type=content_type)
    for entry in entries[: source.max_items]:
        hints = {"title": entry.title}
        if entry.published_on:
            hints["published_on"] = entry.published_on.isoformat()
        fallback = None
        if entry.content:
            title = html.escape(entry.title)
            fallback = f"<html><body><h1>{title}</h1>{entry.content}</body></html>".encode()
        if entry.url:
            yield Candidate(url=entry.url, hints=hints, fallback=fallback)
        elif fallback:
            yield Candidate(name=entry.title, hints=hints, body=fallback, headers=HTML_HEADERS)


HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def _folder_candidates(source: Source) -> Iterator[Candidate]:
    # Checked again at every run: the roots, or what a path resolves to, may have changed.
    try:
        folder = folder_resolve(source.path)
    except FolderRefused as error:
        raise SourceFailed(str(error), transient=False) from error
    for path in folder_files(folder, FOLDER_SUFFIXES):
        yield Candidate(name=path.name, body=path.read_bytes())


def source_candidates(source: Source, run: ImportRun) -> Iterator[Candidate]:
    if source.kind == Source.Kind.FOLDER:
        yield from _folder_candidates(source)
        return
    try:
        result = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        raise SourceFailed(
            str(error), transient=error.transient, retry_after=error.retry_after
        ) from error
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
            yield Candidate(url=source.url, body=result.body, headers=fetched_headers(result))
    except ParseError as error:
        raise SourceFailed(str(error), transient=False) from error


class Known:
    """What this source already holds, read once per run so a re-import costs no per-item
    queries: canonical URLs anywhere, and body hashes of this source's URL-less items."""

    def __init__(self, source: Source) -> None:
        # An item kept but never parsed (its worker died) is not known: it gets parsed now. A
        # page that failed to parse (an empty shell, a page mid-deploy) is fetched again, as it
        # may have changed; bytes without a URL that failed would only fail the same way again.
        done = RawItem.objects.exclude(status=RawItem.Status.STORED)
        pages = done.exclude(canonical_url="").exclude(status=RawItem.Status.FAILED)
        self.urls = set(pages.values_list("canonical_url", flat=True))
        self.bodies = set(
            done.filter(source=source, canonical_url="").values_list("body_hash", flat=True)
        )

    def has(self, candidate: Candidate) -> bool:
        if candidate.url:
            return canonical_url(candidate.url) in self.urls
        return hashlib.sha256(candidate.body or b"").hexdigest() in self.bodies


def candidate_fetch(candidate: Candidate) -> Incoming:
    """The candidate's bytes: as offered, fetched, or the feed entry's own content when its page
    cannot be fetched. Raises FetchError."""
    body, headers = candidate.body, candidate.headers
    if body is None:
        try:
            result = fetch(candidate.url)
            body, headers = result.body, fetched_headers(result)
        except FetchError:
            if candidate.fallback is None:
                raise
            body, headers = candidate.fallback, {**HTML_HEADERS, "X-Tracker-From": "feed entry"}
    return Incoming(
        body=body, url=candidate.url, name=candidate.name, headers=headers, hints=candidate.hints
    )
