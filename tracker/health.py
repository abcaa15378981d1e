"""`/health/`: can this web process serve? The database, the cache, the broker, and whether
beat has ticked lately. 200 when every check passes, else 503; JSON either way, no login (load
balancers and monitors call it), and nothing in it beyond each check's verdict.

With no broker (the embedded default) the broker and beat checks say "not used" and pass:
tasks run in-process and nothing runs on a schedule there.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_celery_beat.models import PeriodicTask

from .celery import app as celery_app

NOT_USED = "not used"


class Unhealthy(Exception):
    pass


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_cache() -> str | None:
    probe = uuid.uuid4().hex
    cache.set("health:probe", probe, timeout=10)
    if cache.get("health:probe") != probe:
        raise Unhealthy("the cache did not keep a value")
    return None


def check_broker() -> str | None:
    if celery_app.conf.task_always_eager:
        return NOT_USED
    with celery_app.connection_for_write() as broker:
        # One try, a short wait: a health check that hangs is as bad as one that fails.
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTH_TIMEOUT)
    return None


def check_beat() -> str | None:
    if celery_app.conf.task_always_eager:
        return NOT_USED
    # Beat stamps last_run_at on each schedule it fires (saved every few minutes); the
    # due-sources import fires every 5 minutes, so a silent beat shows within HEALTH_BEAT_MAX_AGE.
    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        raise Unhealthy("beat has never run a schedule")
    age = timezone.now() - last
    if age > timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE):
        raise Unhealthy(f"beat last ran a schedule {int(age.total_seconds())} s ago")
    return f"last tick {int(age.total_seconds())} s ago"


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "beat": check_beat,
}


def _run(check: Callable[[], str | None]) -> dict[str, object]:
    started = time.monotonic()
    try:
        note = check()
    except Unhealthy as failure:
        result: dict[str, object] = {"ok": False, "error": str(failure)}
    except Exception as error:  # any failure is the answer; its name says which
        result = {"ok": False, "error": type(error).__name__}
    else:
        result = {"ok": True} | ({"note": note} if note else {})
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


@transaction.non_atomic_requests  # with the database down, ATOMIC_REQUESTS would fail first
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """`?check=database&check=cache` runs only those: a load balancer asks whether this web
    process can serve, which a silent beat does not change; a monitor asks for everything."""
    wanted = request.GET.getlist("check") or list(CHECKS)
    unknown = sorted(set(wanted) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"detail": f"No such check: {', '.join(unknown)}; choose from {', '.join(CHECKS)}."},
            status=400,
        )
    checks = {name: _run(CHECKS[name]) for name in CHECKS if name in wanted}
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
