"""The export and upload log: stores what `lib.sheets.audit.sheet_sent` tells, prunes it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from lib.sheets.audit import SheetSent

from .models import SheetLog

log = logging.getLogger(__name__)


def sheet_log_record(*, sent: SheetSent) -> SheetLog | None:
    """Store one export, pull or upload. Called when it ends, which for a streamed export is
    after its response left the view: a failure to log is logged, never raised into the
    stream's close."""
    user = sent.user if getattr(sent.user, "is_authenticated", False) else None
    try:
        return SheetLog.objects.create(
            user=user,
            username=user.get_username() if user is not None else "",
            token_id=sent.token_id,
            kind=sent.kind,
            channel=sent.channel,
            list_name=sent.list_name[:100],
            filters=sent.filters,
            format=sent.fmt[:10],
            rows=sent.rows,
            complete=sent.complete,
            started_at=sent.started_at,
            finished_at=timezone.now(),
        )
    except DatabaseError:
        log.exception("Could not log the %s of %s by %s", sent.kind, sent.list_name, user)
        return None


def on_sheet_sent(sender, *, sent: SheetSent, **kwargs) -> None:
    sheet_log_record(sent=sent)


def sheet_logs_prune(*, days: int | None = None) -> int:
    """Delete the log older than the retention (AUDIT_RETENTION_DAYS); returns how many."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    deleted, _ = SheetLog.objects.older_than(days).delete()
    return deleted
