"""What a fetch raises."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that failed; `transient` says whether trying again later may well succeed."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class BlockedURL(FetchError):
    """A URL we refuse to fetch at all: wrong scheme, credentials, or a non-public host."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)
