"""/health/: 200 with every check passing, 503 (JSON, never a 500) when one fails."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.workers import _drop_connections, point_at
from tracker import health
from tracker.celery import app

pytestmark = pytest.mark.django_db


def test_embedded_default_is_healthy_without_broker_or_beat(client, tasks_in_process):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
        "beat": True,
    }
    assert body["checks"]["broker"]["note"] == "not used"
    assert response["Cache-Control"].startswith("max-age=0")


def test_broker_down_is_a_503_naming_the_check(client, broker_down):
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_failing_database_check_is_a_503_not_a_500(client, monkeypatch, tasks_in_process):
    def refused():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "OSError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


@pytest.fixture
def on_private_broker(private_redis):
    conf = app.conf
    saved = conf.get("broker_read_url"), conf.get("broker_write_url"), conf.task_always_eager
    point_at(conf, private_redis.url)
    conf.task_always_eager = False
    _drop_connections()
    yield
    conf.broker_read_url, conf.broker_write_url, conf.task_always_eager = saved
    _drop_connections()


def test_with_a_broker_beat_must_have_ticked_lately(client, on_private_broker, settings):
    # The migrations' schedules, never run: beat has not ticked.
    assert PeriodicTask.objects.filter(enabled=True).exists()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is True
    assert response.json()["checks"]["beat"]["error"] == "beat has never run a schedule"

    schedule = PeriodicTask.objects.filter(enabled=True).first()
    schedule.last_run_at = timezone.now() - datetime.timedelta(seconds=60)
    schedule.save()
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    # A load balancer's probe leaves beat out.
    schedule.last_run_at = None
    schedule.save()
    subset = client.get("/health/", {"check": ["database", "cache"]})
    assert subset.status_code == 200
    assert set(subset.json()["checks"]) == {"database", "cache"}
    assert client.get("/health/", {"check": "disk"}).status_code == 400
    schedule.last_run_at = timezone.now()
    schedule.save()

    schedule.last_run_at = timezone.now() - datetime.timedelta(
        seconds=settings.HEALTH_BEAT_MAX_AGE + 60
    )
    schedule.save()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["error"].startswith("beat last ran a schedule")
