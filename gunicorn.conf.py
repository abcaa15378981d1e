"""gunicorn's settings for the tracker, each from the environment (docs/operations.md):

    gunicorn tracker.wsgi            # reads this file from the working directory

Threads: a request mostly waits on PostgreSQL, so each worker process serves a few at once;
each thread holds its own database connection (workers x threads in all, see PgBouncer in
docs/operations.md).
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 4)
# A request still running after this many seconds is killed with its worker: bulk uploads
# past a few thousand rows run as jobs, so nothing legitimate takes this long.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are not replaced after a number of requests (0) unless this is set: a worker's memory
# stayed flat over 4,000 API list requests, and each replacement stalled the requests queued
# on that worker for its cold start (importing Django, compiling its first queries), at
# 150 req/s every few seconds with the old default of 1,000 (bench/README.md, load_bench).
# Set it (with the jitter) if a library is seen to leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# The proxy in front ends TLS; it is trusted for X-Forwarded-* from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat file on a RAM disk where there is one: a slow disk must not make a healthy
# worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket sits at one path per user; several instances would fight over it.
control_socket_disable = True

# Access log: off by default (the proxy keeps one); GUNICORN_ACCESS_LOG=1 writes it to stderr.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") in ("1", "true", "on") else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

if os.environ.get("LOG_FORMAT", "text") == "json":
    # gunicorn's own lines (start, worker boots and timeouts, access) as JSON too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "lib.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["console"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def post_worker_init(worker) -> None:
    """Once the worker has loaded Django: its modules' objects (about 230,000) are moved out of
    the garbage collector's reach. They live as long as the worker, yet every full collection
    walked them all: under load, a pause of about 100 ms CPU (every thread of the worker
    waiting) every few hundred requests, and about 1 ms a request in all (bench/README.md,
    load_bench). Objects made later are collected as before."""
    import gc

    gc.collect()
    gc.freeze()
