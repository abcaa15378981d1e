"""One request on the wire to an address vetted by addresses.py: the connection pool made for
that address (TLS checked against the name, not the address), the path escaped, the body read
under its cap and the deadline, and urllib3's errors turned into FetchError."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import certifi
import urllib3
from urllib3 import HTTPHeaderDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from .addresses import DEFAULT_PORTS, Target
from .errors import FetchError

_CHUNK = 64 * 1024
# http.client refuses non-ASCII and control characters; escape them, keep existing escapes.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
Answer = TypeVar("Answer")


def get_capped(
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
            body = read_capped(url, response, deadline, max_bytes)
        return response.status, response.headers, body

    return exchange(url, target, "GET", headers, timeout, read, decode_content=True)


def exchange(
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
                raise connection_error(url, exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise connection_error(url, exc) from exc
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


def read_capped(
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


def connection_error(url: str, exc: Exception) -> FetchError:
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


def _size(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb and n % mb == 0:
        return f"{n // mb} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n:,} bytes"
