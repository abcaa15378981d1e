"""Running it: the health check's limits and the logging format."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from tracker.settings.environment import env

# /health/ (tracker/health.py): seconds to wait for the broker; how long beat may go without
# running a schedule (the shortest runs every 5 minutes, stamped every 3) before it is failing.
HEALTH_TIMEOUT = env.float("HEALTH_TIMEOUT", default=3.0)
HEALTH_BEAT_MAX_AGE = env.int("HEALTH_BEAT_MAX_AGE", default=900)

# LOG_FORMAT=json: one JSON object a line (lib/logs.py) for log collectors; "text" by default.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "lib.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# The worker keeps these handlers instead of putting its own on the root logger, so its logs
# are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
