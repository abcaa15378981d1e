"""Fetching statement pages and feeds over HTTP without letting a hostile site abuse us.

Every URL, and every redirect hop, is vetted before we connect: http/https only, no credentials,
no odd spellings of IP addresses, and no host that resolves to a loopback, private, link-local or
otherwise non-public address. We then connect to the vetted address itself rather than the name,
so a DNS answer that changes between the check and the connection (DNS rebinding) cannot steer
us inside. Bodies are capped while streaming and the whole exchange has a deadline, so a huge or
slow-drip response costs little.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from typing import NamedTuple
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
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = {301, 302, 303, 307, 308}
# A last label that is a number is how inet_aton-style parsers (and browsers) recognise an IPv4
# address; anything so spelled must be a plain dotted quad or we refuse it.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
# NAT64 gateways translate these to the IPv4 address in the low 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that failed; `transient` says whether trying again later may well succeed."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class BlockedURL(FetchError):
    """A URL we refuse to fetch at all: wrong scheme, credentials, or a non-public host."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


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


class _Target(NamedTuple):
    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, without brackets
    port: int
    addresses: list[str]


def check_url(url: str) -> None:
    """Raise BlockedURL unless `url` is one we would connect to.

    Host names are resolved, so this may raise a plain FetchError when the name does not resolve.
    """
    _vet(url)


def fetch(
    url: str, *, etag: str = "", last_modified: str = "", accept: str = DEFAULT_ACCEPT
) -> FetchResult:
    """GET `url`, following up to MAX_REDIRECTS redirects, each one vetted like the first.

    Pass the `etag` / `last_modified` from the previous fetch to make the request conditional;
    a 304 comes back as a result with `not_modified` set and an empty body.
    """
    timeout = float(getattr(settings, "STATEMENTS_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    max_bytes = int(getattr(settings, "STATEMENTS_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    headers = {
        "User-Agent": getattr(settings, "STATEMENTS_USER_AGENT", DEFAULT_USER_AGENT),
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
        target = _vet(url)
        status, response_headers, body = _get(url, target, headers, timeout, deadline, max_bytes)
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


@dataclass(frozen=True)
class PostResult:
    status: int
    body: bytes  # the start of the answer only, for a delivery log


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    """POST `body` to `url` under the same rules as a fetch (vetted, pinned to the vetted
    address). Redirects are not followed: a 3xx is the answer. Raises FetchError."""
    target = _vet(url)
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != _DEFAULT_PORTS[target.scheme]:
        host_header += f":{target.port}"
    headers = {
        "User-Agent": getattr(settings, "STATEMENTS_USER_AGENT", DEFAULT_USER_AGENT),
        **headers,
        "Host": host_header,
    }
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    for i, address in enumerate(target.addresses):
        pool = _pool(target, address, limits)
        try:
            response = pool.urlopen(
                "POST",
                path,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
            )
            try:
                return PostResult(response.status, response.read(_POST_ANSWER_BYTES))
            finally:
                response.close()
        except (NewConnectionError, ConnectTimeoutError) as exc:
            if i == len(target.addresses) - 1:
                raise _connection_error(url, exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _connection_error(url, exc) from exc
        finally:
            pool.close()
    raise FetchError(f"No address to connect to for {url}")  # unreachable: _vet gives at least one


def _result(
    url: str, status: int, headers: HTTPHeaderDict, body: bytes, etag: str, last_modified: str
) -> FetchResult:
    if status == 429 or status >= 500:
        raise FetchError(f"HTTP {status} from {url}", transient=True)
    # Other 2xx (202 is a favourite of bot-challenge pages) carry nothing we can import.
    if status not in (200, 304):
        raise FetchError(f"HTTP {status} from {url}")
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
    target: _Target,
    headers: dict[str, str],
    timeout: float,
    deadline: float,
    max_bytes: int,
) -> tuple[int, HTTPHeaderDict, bytes]:
    parts = urlsplit(url)
    # http.client refuses non-ASCII and control characters; escape them, keep existing escapes.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != _DEFAULT_PORTS[target.scheme]:
        host_header += f":{target.port}"
    headers = {**headers, "Host": host_header}
    limits = urllib3.Timeout(connect=timeout, read=timeout)

    for i, address in enumerate(target.addresses):
        is_last = i == len(target.addresses) - 1
        pool = _pool(target, address, limits)
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
            )
            try:
                body = b""
                if response.status == 200:
                    body = _read_capped(url, response, deadline, max_bytes)
                return response.status, response.headers, body
            finally:
                response.close()
        except (NewConnectionError, ConnectTimeoutError) as exc:
            # A name may resolve to several addresses (IPv6 and IPv4); try the next one.
            if is_last:
                raise _connection_error(url, exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _connection_error(url, exc) from exc
        finally:
            pool.close()
    raise FetchError(f"No address to connect to for {url}")  # unreachable: _vet gives at least one


def _pool(target: _Target, address: str, limits: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
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


def _vet(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL(f"Refused: {url!r} is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BlockedURL(f"Refused: only http and https URLs are fetched, not {url!r}")
    if parts.username is not None or parts.password is not None:
        raise BlockedURL("Refused: URLs with a user name or password are not fetched")
    host = parts.hostname or ""
    if not host:
        raise BlockedURL(f"Refused: {url!r} has no host")
    port = port or _DEFAULT_PORTS[scheme]
    allowed = {
        h.lower().strip("[]") for h in getattr(settings, "STATEMENTS_FETCH_ALLOWED_HOSTS", [])
    }

    literal = _ip_literal(host)
    if literal is not None:
        if host not in allowed:
            _refuse_address(literal, host, resolved=False)
        return _Target(scheme, host, port, [host])

    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise BlockedURL(f"Refused: {host!r} is not a valid host name") from exc
    if not _HOST_NAME.match(ascii_host):
        raise BlockedURL(f"Refused: {host!r} is not a valid host name")
    is_allowed = host in allowed or ascii_host in allowed
    bare = ascii_host.rstrip(".")
    if not is_allowed and (bare == "localhost" or bare.endswith(".localhost")):
        raise BlockedURL(f"Refused: {host} is this machine")
    try:
        infos = socket.getaddrinfo(ascii_host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        # "No such name" will not fix itself soon; a failing resolver may.
        transient = exc.errno not in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None))
        raise FetchError(f"Could not resolve {host}: {exc.strerror}", transient=transient) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(f"Could not resolve {host}", transient=True)
    if not is_allowed:
        for address in addresses:
            _refuse_address(ipaddress.ip_address(address), host, resolved=True)
    return _Target(scheme, ascii_host, port, addresses)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address if `host` is an IP literal; BlockedURL if it is an odd spelling of one."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise BlockedURL(f"Refused: {host!r} is not a valid IPv6 address") from exc
    if _NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]):
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            address = None
        # IPv4Address already rejects leading zeros and short forms; the equality check keeps
        # that guarantee explicit.
        if address is None or str(address) != host:
            raise BlockedURL(f"Refused: {host} is not a plain dotted-quad IP address")
        return address
    return None


def _refuse_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, host: str, *, resolved: bool
) -> None:
    reason = _non_public(address)
    if reason and resolved:
        raise BlockedURL(f"Refused: {host} resolves to {address}, {reason}")
    if reason:
        raise BlockedURL(f"Refused: {host} is {reason}")


def _non_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why `address` must not be contacted, or "" if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address inside are judged by that address.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _non_public(embedded)
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        # e.g. 100.64.0.0/10, where some clouds keep their metadata service.
        return "not a public address"
    return ""


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
