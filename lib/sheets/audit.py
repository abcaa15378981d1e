"""What a list sent out or took in, told to whoever keeps the audit.

Every export (API `?format=csv|xlsx`, the admin's export), every sheet pull (a list read with
a `?key=` in the URL) and every bulk upload sends `sheet_sent` once, when it ends: a streamed
export when its last piece is written or when it is cut off (then with the rows written so far
and `complete=False`), an upload after its transaction is over, so a refused upload is told too.
`lib` keeps no models: the project connects a receiver that stores the log
(`tracker.audit`). Receivers get `sent=` a SheetSent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal
from django.utils import timezone

sheet_sent = Signal()

EXPORT, PULL, UPLOAD = "export", "pull", "upload"
# Query parameters that are no filter, or a secret: never kept in the log.
NOT_FILTERS = frozenset({"key", "format", "page", "page_size"})


@dataclass
class SheetSent:
    user: Any
    kind: str  # EXPORT, PULL or UPLOAD
    channel: str  # "api" or "admin"
    list_name: str
    filters: dict[str, Any]
    fmt: str
    rows: int = 0
    complete: bool = False
    started_at: datetime.datetime = field(default_factory=timezone.now)
    token_id: int | None = None


def filters_of(params: Any) -> dict[str, Any]:
    """A request's query parameters as the log keeps them: one value or a list of them."""
    kept: dict[str, Any] = {}
    for name, values in params.lists():
        if name in NOT_FILTERS:
            continue
        kept[name[:100]] = values[0][:500] if len(values) == 1 else [v[:500] for v in values[:50]]
    return kept


def sheet_sent_send(sent: SheetSent) -> None:
    sheet_sent.send(sender=SheetSent, sent=sent)


class Tally:
    """The rows an export has sent; tells `sheet_sent` once, when the export ends."""

    def __init__(self, sent: SheetSent, on_end: Callable[[SheetSent], None] = sheet_sent_send):
        self.sent, self.on_end, self.ended = sent, on_end, False

    def add(self, rows: int) -> None:
        self.sent.rows += rows

    def end(self, *, complete: bool) -> None:
        if not self.ended:
            self.ended = True
            self.sent.complete = complete
            self.on_end(self.sent)


def tallied(rows: Iterable, tally: Tally | None) -> Iterator:
    """`rows` (a header, then data rows), counting each data row taken by the writer."""
    if tally is None:
        yield from rows
        return
    complete = False
    try:
        iterator = iter(rows)
        for header in iterator:  # the header is no row
            yield header
            break
        for row in iterator:
            yield row
            tally.add(1)
        complete = True
    finally:
        tally.end(complete=complete)
