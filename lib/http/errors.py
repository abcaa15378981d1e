"""What a fetch raises."""

from __future__ import annotations

import datetime


class FetchError(Exception):
    """A fetch that failed; `transient` says whether trying again later may well succeed,
    `status` is the HTTP status that said so (None when no answer came), and `retry_after`
    when the host asked to be left alone until (a 429 or 503 with a Retry-After)."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        status: int | None = None,
        retry_after: datetime.datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


class BlockedURL(FetchError):
    """A URL we refuse to fetch at all: wrong scheme, credentials, or a non-public host."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)
