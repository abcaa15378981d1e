"""Celery: the broker, task limits that lose nothing, redelivery, and a queue per workload."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from tracker.settings.core import TIME_ZONE
from tracker.settings.environment import env

# Celery: with no broker URL, tasks run in-process (eager) on the embedded default.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=CELERY_TASK_SOFT_TIME_LIMIT + 60)
# Redis redelivers a message unacknowledged for the visibility timeout: that is how the tasks
# of a killed worker come back, and it also redelivers a retry waiting out its countdown. So a
# countdown is at most CELERY_MAX_COUNTDOWN (longer waits are left to the beat sweepers), and
# the timeout covers a countdown plus a whole run: a redelivery never starts while the first
# delivery may still be running. A killed worker's tasks come back after the timeout plus at
# most one restore interval: 600 + 10 s by default (docs/operations.md).
CELERY_MAX_COUNTDOWN = env.int("CELERY_MAX_COUNTDOWN", default=240)
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN
)
if CELERY_VISIBILITY_TIMEOUT < CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be at least CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for abandoned messages every interval (kombu scans only every 10th by default,
    # which would add up to 100 s to the recovery of a killed worker's tasks).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A queue per workload, so a long import never delays a digest or a webhook: run workers per
# queue (`celery -A tracker worker -Q imports`; docs/operations.md). A worker given no -Q
# serves them all, as in development.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {name: {} for name in ("default", "imports", "extraction", "notifications")}
CELERY_TASK_ROUTES = {
    "statements.tasks.import_source": {"queue": "imports"},
    "statements.tasks.import_due_sources": {"queue": "imports"},
    "statements.tasks.reprocess_statement": {"queue": "extraction"},
    "statements.tasks.extract_statement": {"queue": "extraction"},
    "statements.tasks.extract_statements": {"queue": "extraction"},
    "opportunities.tasks.propose_suggestions": {"queue": "extraction"},
    "opportunities.tasks.match_watches": {"queue": "extraction"},
    "opportunities.tasks.deliver_webhook": {"queue": "notifications"},
    "opportunities.tasks.send_daily_digests": {"queue": "notifications"},
    "opportunities.tasks.emit_overdue_webhooks": {"queue": "notifications"},
    "opportunities.tasks.requeue_stalled_webhooks": {"queue": "notifications"},
    "opportunities.tasks.run_upload_job": {"queue": "imports"},
    "opportunities.tasks.requeue_stalled_upload_jobs": {"queue": "imports"},
    "opportunities.tasks.prune_upload_jobs": {"queue": "notifications"},
    # Housekeeping, a few seconds a night: beside the webhook sweeper.
    "tracker.tasks.prune_sheet_logs": {"queue": "notifications"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When the broker goes away, a running task carries on (every task is idempotent); its ack is
# lost, so the message comes back after the visibility timeout and finds its work done.
# Said explicitly because Celery 6 changes the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
