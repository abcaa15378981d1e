"""Which hosts we connect to: http/https only, no credentials, no odd spellings of IP addresses,
and no host that resolves to a loopback, private, link-local or otherwise non-public address,
unless the STATEMENTS_FETCH_ALLOWED_HOSTS setting names it."""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings

from .errors import BlockedURL, FetchError

DEFAULT_PORTS = {"http": 80, "https": 443}
# A last label that is a number is how inet_aton-style parsers (and browsers) recognise an IPv4
# address; anything so spelled must be a plain dotted quad or we refuse it.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
# NAT64 gateways translate these to the IPv4 address in the low 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Target(NamedTuple):
    """A vetted URL's scheme, host and port, and the addresses we may connect to."""

    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, without brackets
    port: int
    addresses: list[str]


def check_url(url: str) -> None:
    """Raise BlockedURL unless `url` is one we would connect to.

    Host names are resolved, so this may raise a plain FetchError when the name does not resolve.
    """
    vet_url(url)


def vet_url(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURL(f"Refused: {url!r} is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BlockedURL(f"Refused: only http and https URLs are fetched, not {url!r}")
    if parts.username is not None or parts.password is not None:
        raise BlockedURL("Refused: URLs with a user name or password are not fetched")
    host = parts.hostname or ""
    if not host:
        raise BlockedURL(f"Refused: {url!r} has no host")
    port = port or DEFAULT_PORTS[scheme]
    allowed = {
        h.lower().strip("[]") for h in getattr(settings, "STATEMENTS_FETCH_ALLOWED_HOSTS", [])
    }

    literal = _ip_literal(host)
    if literal is not None:
        if host not in allowed:
            _refuse_address(literal, host, resolved=False)
        return Target(scheme, host, port, [host])

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
    return Target(scheme, ascii_host, port, addresses)


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
