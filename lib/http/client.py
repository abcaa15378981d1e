"""GET and POST over urllib3 to vetted addresses only: redirects vetted hop by hop, bodies
capped while streaming, and a deadline on the whole exchange, so a huge or slow-drip response
costs little. We connect to the vetted address itself rather than the name, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot steer us inside. A GET is
polite as well (polite.py): per-host rate limit, robots.txt, Retry-After. The request on the
wire is in wire.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from urllib3 import HTTPHeaderDict

from .addresses import vet_url
from .errors import FetchError
from .polite import hold_check, hold_from_answer, host_turn_wait, robots_check
from .wire import exchange, get_capped

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_USER_AGENT = "PartnershipTracker/1.0 (+statement importer)"
DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)
MAX_REDIRECTS = 5
# The read timeout bounds each socket read, not the response: a site sending one byte every few
# seconds would never trip it. The whole fetch therefore also gets this many timeouts in total.
TOTAL_TIME_FACTOR = 4
_POST_ANSWER_BYTES = 2048
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    content_type: str
    charset: str | None
    etag: str
    last_modified: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = DEFAULT_ACCEPT,
    robots: bool = True,
) -> FetchResult:
    """GET `url`, following up to MAX_REDIRECTS redirects, each one vetted like the first.

    Pass the `etag` / `last_modified` from the previous fetch to make the request conditional;
    a 304 comes back as a result with `not_modified` set and an empty body.

    Every hop waits for its host's turn (STATEMENTS_FETCH_PER_HOST_PER_MINUTE), is refused while
    its host is on hold after a Retry-After, and must be allowed by its origin's robots.txt
    (`robots=False` only for fetching a robots.txt itself).
    """
    timeout = float(getattr(settings, "STATEMENTS_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    max_bytes = int(getattr(settings, "STATEMENTS_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    user_agent = getattr(settings, "STATEMENTS_USER_AGENT", DEFAULT_USER_AGENT)
    headers = {
        "User-Agent": user_agent,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout * TOTAL_TIME_FACTOR

    start, visited = url, {url}
    for _hop in range(MAX_REDIRECTS + 1):
        target = vet_url(url)
        hold_check(url, target.host)
        if robots:
            robots_check(url, user_agent=user_agent, get=_robots_get)
        host_turn_wait(target.host)
        status, response_headers, body = get_capped(
            url, target, headers, timeout, deadline, max_bytes
        )
        if status in (429, 503):
            hold_from_answer(url, target.host, status, response_headers.get("Retry-After"))
        if status not in _REDIRECTS:
            return _result(url, status, response_headers, body, etag, last_modified)
        location = response_headers.get("Location", "")
        if not location:
            raise FetchError(f"HTTP {status} from {url} without a Location to go to")
        url = urljoin(url, location.strip()).partition("#")[0]
        if url in visited:
            raise FetchError(f"Redirect loop: {url} was already visited")
        visited.add(url)
    raise FetchError(f"Too many redirects (max {MAX_REDIRECTS}) from {start}")


def _robots_get(url: str) -> bytes:
    return fetch(url, accept="text/plain", robots=False).body


@dataclass(frozen=True)
class PostResult:
    status: int
    body: bytes  # the start of the answer only, for a delivery log


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    """POST `body` to `url` under the same rules as a fetch (vetted, pinned to the vetted
    address). Redirects are not followed: a 3xx is the answer. Raises FetchError."""
    headers = {
        "User-Agent": getattr(settings, "STATEMENTS_USER_AGENT", DEFAULT_USER_AGENT),
        **headers,
    }
    return exchange(
        url,
        vet_url(url),
        "POST",
        headers,
        timeout,
        lambda response: PostResult(response.status, response.read(_POST_ANSWER_BYTES)),
        body=body,
    )


def _result(
    url: str, status: int, headers: HTTPHeaderDict, body: bytes, etag: str, last_modified: str
) -> FetchResult:
    if status == 429 or status >= 500:
        raise FetchError(f"HTTP {status} from {url}", transient=True, status=status)
    # Other 2xx (202 is a favourite of bot-challenge pages) carry nothing we can import.
    if status not in (200, 304):
        raise FetchError(f"HTTP {status} from {url}", status=status)
    if status == 304 and not (etag or last_modified):
        raise FetchError(f"HTTP 304 from {url} although the request was not conditional")
    # A 304 need not repeat the validators; keep the ones we sent so the next fetch is still
    # conditional.
    sent_etag, sent_last_modified = (etag, last_modified) if status == 304 else ("", "")
    content_type, charset = _parse_content_type(headers.get("Content-Type", ""))
    return FetchResult(
        url=url,
        status=status,
        body=body,
        # Names as the server sent them; repeated headers joined with ", ".
        headers={name: headers[name] for name in headers},
        content_type=content_type,
        charset=charset,
        etag=headers.get("ETag", "") or sent_etag,
        last_modified=headers.get("Last-Modified", "") or sent_last_modified,
    )


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return media_type.strip().lower(), charset
