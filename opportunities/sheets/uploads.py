"""A bulk upload received (API or admin): answered now, or stored and queued as a job.

The first SHEETS_JOB_ROWS + 1 rows are read: a file that ends within them is upserted in the
request as before; a longer one is kept (bytes in the row) and run by a worker, so no request
parses or writes more than a few thousand rows. A file that cannot be read at all is refused
here (SheetError, SheetTooLarge) whichever way it would have gone.
"""

from __future__ import annotations

import json
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from lib.sheets.read import read_json, read_upload
from lib.tasks import enqueue_after_commit

from ..models import Team
from .jobs import UPSERTS
from .models import UploadJob
from .tasks import run_upload_job
from .upsert import UpsertReport


def upload_receive(
    *,
    kind: str,
    user: Any,
    name: str = "",
    stream: IO[bytes] | None = None,
    data: Any = None,
    dry_run: bool = False,
    atomic: bool = False,
) -> UpsertReport | UploadJob:
    """Upsert a file (`name` and `stream`) or parsed JSON rows (`data`) of list `kind`: the
    report of a small upload, or the queued job of a large one."""
    rows = read_upload(name, stream) if stream is not None else read_json(data)
    limit = settings.SHEETS_JOB_ROWS
    head = list(islice(rows, limit + 1))
    if len(head) <= limit:
        return UPSERTS[kind](user=user, dry_run=dry_run, atomic=atomic).run(head)
    if stream is not None:
        stream.seek(0)
        blob = stream.read()
    else:
        name, blob = "rows.json", json.dumps(data).encode()
    return upload_job_create(
        kind=kind, user=user, name=name, blob=blob, dry_run=dry_run, atomic=atomic
    )


def upload_job_create(
    *, kind: str, user: Any, name: str, blob: bytes, dry_run: bool, atomic: bool
) -> UploadJob:
    """Store the upload and queue its job once the request's transaction commits."""
    teams = list(Team.objects.filter(members=user).values_list("pk", flat=True)[:2])
    job = UploadJob.objects.create(
        kind=kind,
        user=user,
        team_id=teams[0] if len(teams) == 1 else None,
        name=(name or "upload")[:255],
        data=blob,
        size=len(blob),
        dry_run=dry_run,
        atomic=atomic,
        # The sweep reads this as "last queued at" until the job starts.
        heartbeat_at=timezone.now(),
    )
    enqueue_after_commit(run_upload_job, job.pk)
    return job
