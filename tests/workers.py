"""Real Celery worker processes, and a Redis of a test's own, for the tests that run against a
real broker."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from tracker.celery import app

PROJECT = Path(__file__).resolve().parents[1]


def start_worker(
    name: str, *, pool: str = "solo", control: Celery = app, queues: str = "", **env: str
) -> subprocess.Popen:
    """Start a worker called `name` and return once it answers a ping on `control`.

    `pool="prefork"` runs tasks in a child process, as production does, so the worker's main
    process keeps reading the broker (and sees it go away) while a task runs."""
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", f"--pool={pool}"]
    if pool == "prefork":
        # Two children, as on any production host: with a task running, the main process still
        # has room for one more message and so keeps a BRPOP pending on the broker.
        command.append("--concurrency=2")
    if queues:
        command.append(f"--queues={queues}")
    command += ["--loglevel=WARNING", "-n", name, "--without-mingle", "--without-gossip"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not answers(control, name):
        if process.poll() is not None:
            pytest.fail(f"worker {name} exited with {process.returncode} before answering")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"worker {name} did not answer a ping within 60 s")
    return process


def answers(control: Celery, name: str) -> bool:
    """Whether worker `name` answers a ping; False while the broker is unreachable."""
    try:
        return bool(control.control.ping(destination=[name], timeout=0.5))
    except (OSError, RedisError, OperationalError):
        return False


def point_at(conf, url: str) -> None:
    """Send and read through the broker at `url`. Celery's `broker_url` prefers the
    CELERY_BROKER_URL environment variable to the configuration (as CI sets it), so the read
    and write URLs, which Celery consults first, are the ones to set."""
    conf.broker_url = conf.broker_read_url = conf.broker_write_url = url


def control_app(url: str) -> Celery:
    """This project's Celery configuration (routes, serialisers), on the broker at `url`, to
    send tasks to and ping the workers a test started there."""
    # Not the current app: shared tasks (`import_source.delay`) must stay on the project's.
    control = Celery("test-control", set_as_current=False)
    control.config_from_object("django.conf:settings", namespace="CELERY")
    point_at(control.conf, url)
    control.conf.task_always_eager = False
    return control


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_database_url() -> str:
    """The test database as a URL, for worker processes to use."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may stop and start
    again; nothing is saved, so a restart starts empty, like a lost broker."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the private redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.skip("no redis-server on this machine")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def broker_down():
    """Tasks are sent to a Redis address where nothing listens, as during a broker outage
    (connection refused, at once); the app's pooled connections are dropped on the way in and
    out so that the address change takes effect."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = app.conf
    saved = conf.get("broker_read_url"), conf.get("broker_write_url"), conf.task_always_eager
    point_at(conf, f"redis://127.0.0.1:{port}/0")
    conf.task_always_eager = False
    _drop_connections()
    yield
    conf.broker_read_url, conf.broker_write_url, conf.task_always_eager = saved
    conf.broker_url = settings.CELERY_BROKER_URL
    _drop_connections()


def _drop_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None
