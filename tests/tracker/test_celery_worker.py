"""A real Celery worker on the real broker, when CELERY_BROKER_URL is set (as .ci/run does)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.workers import start_worker, stop_worker
from tracker.celery import app

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"),
    reason="no CELERY_BROKER_URL: tasks run in-process (the embedded default)",
)


@pytest.fixture
def worker():
    name = f"test-{os.getpid()}@localhost"
    process = start_worker(name)
    yield name
    stop_worker(process)


def test_worker_answers_on_the_real_broker(worker):
    replies = app.control.ping(destination=[worker], timeout=5.0)
    assert replies and worker in replies[0]


def test_worker_runs_with_the_settings_that_lose_nothing(worker):
    inspector = app.control.inspect(destination=[worker], timeout=5.0)
    conf = inspector.conf(with_defaults=True)[worker]
    assert conf["task_acks_late"] is True
    assert conf["task_reject_on_worker_lost"] is True
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["task_always_eager"] is False
    assert conf["broker_url"].startswith("redis://")
    transport = conf["broker_transport_options"]
    # A countdown plus a whole run fits in the visibility timeout, so no early redelivery.
    longest_wait = conf["task_time_limit"] + settings.CELERY_MAX_COUNTDOWN
    assert transport["visibility_timeout"] >= longest_wait
    assert transport["unacked_restore_throttle"] == 1
