from __future__ import annotations

import functools
import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def _survive_closing_a_collected_channel() -> None:
    """Let the worker live through a broker outage while a task is running.

    When Redis goes away with a message unacknowledged (any acks_late task in progress), celery
    5.7's `Consumer.on_connection_error_after_connected` first calls `connection.collect()`,
    which detaches the transport (`transport.client = None`), and then `connection.close()`.
    Closing the default channel restores the unacked message, which builds a Redis pool from
    `_connparams()`, which reads `self.connection.client.hostname` and raises AttributeError.
    Teardown ignores only the transport's connection errors, so the AttributeError escapes as
    "Unrecoverable error" and the worker exits. The same read of a detached client is
    celery/kombu#582 and the restore-on-close path is celery/kombu#970; neither is fixed in
    kombu 5.7.0. A detached channel has no broker to reach, so say that with the transport's
    own connection error, which every teardown path already ignores; the message stays in
    Redis's unacked set and comes back after the visibility timeout.
    """
    original = kombu_redis.Channel._connparams
    if getattr(original, "tracker_patched", False):
        return

    @functools.wraps(original)
    def connparams(self: kombu_redis.Channel, asynchronous: bool = False) -> dict:
        if self.connection.client is None:
            raise kombu_redis.get_redis_ConnectionError()("the broker connection was collected")
        return original(self, asynchronous=asynchronous)

    connparams.tracker_patched = True  # type: ignore[attr-defined]
    kombu_redis.Channel._connparams = connparams


_survive_closing_a_collected_channel()

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Subpackages with jobs of their own (an app's `tasks` module is found without naming it).
app.autodiscover_tasks(["opportunities.reminders", "opportunities.sheets"])
