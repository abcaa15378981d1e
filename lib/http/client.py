"""GET and POST over urllib3 to vetted addresses only: redirects vetted hop by hop, bodies
capped while streaming, and a deadline on the whole exchange, so a huge or slow-drip response
costs little. We connect to the vetted address itself rather than the name, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot steer us inside. A GET is
polite as well (polite.py): per-host rate limit, robots.txt, Retry-After."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3 import HTTPHeaderDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from .addresses import DEFAULT_PORTS, Target, vet_url
from .errors import FetchError
from .polite import hold_check, hold_from_answer, host_turn_wait, robots_check

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
_CHUNK = 64 * 1024
_POST_ANSWER_BYTES = 2048
_REDIRECTS = {301, 302, 303, 307, 308}
# http.client refuses non-ASCII and control characters; escape them, keep existing escapes.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
Answer = TypeVar("Answer")


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
        status, response_headers, body = _get(url, target, headers, timeout, deadline, max_bytes)
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
    return _exchange(
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


def _get(
    url: str,
    target: Target,
    headers: dict[str, str],
    timeout: float,
    deadline: float,
    max_bytes: int,
) -> tuple[int, HTTPHeaderDict, bytes]:
    def read(response: urllib3.BaseHTTPResponse) -> tuple[int, HTTPHeaderDict, bytes]:
        body = b""
        if response.status == 200:
            body = _read_capped(url, response, deadline, max_bytes)
        return response.status, response.headers, body

    return _exchange(url, target, "GET", headers, timeout, read, decode_content=True)


def _exchange(
    url: str,
    target: Target,
    method: str,
    headers: dict[str, str],
    timeout: float,
    read: Callable[[urllib3.BaseHTTPResponse], Answer],
    **options: Any,
) -> Answer:
    """One request to the vetted target, trying its addresses in turn (a name may resolve to an
    IPv6 and an IPv4 address); `read` turns the response into the answer."""
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != DEFAULT_PORTS[target.scheme]:
        host_header += f":{target.port}"
    headers = {**headers, "Host": host_header}
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    for i, address in enumerate(target.addresses):
        pool = _pool(target, address, limits)
        try:
            response = pool.urlopen(
                method,
                path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                **options,
            )
            try:
                return read(response)
            finally:
                response.close()
        except (NewConnectionError, ConnectTimeoutError) as exc:
            if i == len(target.addresses) - 1:
                raise _connection_error(url, exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _connection_error(url, exc) from exc
        finally:
            pool.close()
    raise FetchError(f"No address to connect to for {url}")  # unreachable: vetting gives one


def _pool(target: Target, address: str, limits: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=limits,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=limits, maxsize=1)


def _read_capped(
    url: str, response: urllib3.BaseHTTPResponse, deadline: float, max_bytes: int
) -> bytes:
    too_large = FetchError(f"Response from {url} larger than {_size(max_bytes)}")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"Timed out reading {url}", transient=True)
        # read1 returns as soon as some bytes arrive, so the deadline is checked on a slow drip;
        # asking for at most one byte past the cap means we never hold more than cap + 1.
        chunk = response.read1(min(_CHUNK, max_bytes + 1 - len(body)))
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise too_large


def _connection_error(url: str, exc: Exception) -> FetchError:
    if isinstance(exc, NewConnectionError):
        return FetchError(f"Could not connect to {url} ({_os_reason(exc)})", transient=True)
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(f"Timed out connecting to {url}", transient=True)
    if isinstance(exc, ReadTimeoutError):
        return FetchError(f"Timed out waiting for {url}", transient=True)
    if isinstance(exc, SSLError):
        # Certificate problems need a person to look; retrying soon will not fix them.
        return FetchError(f"TLS error talking to {url}: {exc}")
    if isinstance(exc, DecodeError):
        return FetchError(f"Could not decode the compressed body from {url}")
    return FetchError(f"Connection to {url} failed ({_os_reason(exc)})", transient=True)


def _os_reason(exc: BaseException) -> str:
    """The innermost cause ("connection refused"), which says more than urllib3's wrappers."""
    for _depth in range(10):
        nested = next((a for a in exc.args if isinstance(a, BaseException)), None)
        nested = nested or exc.__cause__
        if nested is None:
            break
        exc = nested
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).lower() or type(exc).__name__


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return media_type.strip().lower(), charset


def _size(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb and n % mb == 0:
        return f"{n // mb} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n:,} bytes"
