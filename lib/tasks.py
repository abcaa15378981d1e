"""Enqueue Celery tasks once the caller's transaction commits, without ever failing the caller.

Every enqueue in the project goes through here. A write that was committed must answer as
committed: if the broker is unreachable when the transaction commits, the task is logged as
not sent and the write goes on. Nothing is lost for good, because each kind of work leaves a
row that a beat sweeper finds and queues again (a pending webhook delivery, an unextracted
statement, a source whose claim ran out); see each app's `tasks.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Task, *args: object) -> None:
    """`task.delay(*args)` once the current transaction commits (now, outside one)."""
    transaction.on_commit(partial(_send_each, task, [args]))


def enqueue_each_after_commit(task: Task, calls: Iterable[Sequence[object]]) -> None:
    """One `task.delay(*args)` per item of `calls`, once the transaction commits. After the
    first failure to reach the broker the rest are not tried: each try waits out the broker's
    connection retries, and the sweeper will find them all."""
    calls = [tuple(args) for args in calls]
    if calls:
        transaction.on_commit(partial(_send_each, task, calls))


def _send_each(task: Task, calls: Sequence[Sequence[object]]) -> None:
    for sent, args in enumerate(calls):
        try:
            task.apply_async(args)
        except (OperationalError, OSError) as error:
            # kombu raises OperationalError once its publish retries are spent; a socket error
            # can escape before kombu wraps it. Anything else (a bug, or an eager task failing
            # in tests) is not a broker outage and propagates.
            logger.warning(
                "Broker unreachable, %d %s task(s) not queued (the sweeper re-queues them): %s",
                len(calls) - sent,
                task.name,
                error,
            )
            return
