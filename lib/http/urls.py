"""URL spellings that name the same resource: scheme and host in any case, the default port
written or not, a trailing slash or none."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .addresses import DEFAULT_PORTS


def _netloc(scheme: str, host: str, port: int | None) -> str:
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return netloc


def url_origin(url: str) -> str:
    """scheme://host[:port], lower-cased, the port only when not the default."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    return f"{scheme}://{_netloc(scheme, (parts.hostname or '').lower(), parts.port)}"


def url_normalised(url: str) -> str:
    """One spelling per resource, for telling duplicates apart: "HTTP://Example.org:80/feed/"
    and "http://example.org/feed" give the same. The path and query keep their case (servers
    tell them apart); the fragment is dropped (never sent). A URL that does not parse is
    returned stripped, as it is."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, (parts.hostname or "").lower(), port)
    if parts.username is not None:  # never fetched (vetting refuses it), but kept apart
        netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))
