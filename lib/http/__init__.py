"""Fetching statement pages and feeds over HTTP without letting a hostile site abuse us.

Every URL, and every redirect hop, is vetted before we connect: http/https only, no credentials,
no odd spellings of IP addresses, and no host that resolves to a loopback, private, link-local or
otherwise non-public address. We then connect to the vetted address itself rather than the name,
so a DNS answer that changes between the check and the connection (DNS rebinding) cannot steer
us inside. Bodies are capped while streaming and the whole exchange has a deadline, so a huge or
slow-drip response costs little. And we are polite (polite.py): a per-host rate limit,
robots.txt honoured, a Retry-After kept.
"""

from __future__ import annotations

from .addresses import check_url
from .client import FetchResult, PostResult, fetch, post
from .errors import BlockedURL, FetchError
from .urls import url_normalised

__all__ = [
    "BlockedURL",
    "FetchError",
    "FetchResult",
    "PostResult",
    "check_url",
    "fetch",
    "post",
    "url_normalised",
]
