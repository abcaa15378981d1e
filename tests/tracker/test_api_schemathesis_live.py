"""Schemathesis against a live gunicorn, as a client on the network sees the API: DEBUG off,
two workers on 127.0.0.1 and a free port, a token; the same checks as the in-process run in
test_schemathesis.py, through gunicorn, the middleware and Django's own error handlers (a
live server answers an unmatched /api/ URL or an oversized body itself, before any view).

The server's database is a SQLite file of its own (set up by tests/tracker/api_live_data.py), on
either pass of CI: it must see rows the test made, which pytest's test database (in memory, or
inside a transaction) cannot show another process. TRACKER_TESTING=1 only for the fast
password hasher and plain static files; DEBUG stays off. Bounded: a few examples an operation.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

# The server runs on a SQLite file of its own whatever the suite runs on, so CI's PostgreSQL
# pass would repeat the SQLite pass's run exactly: once is enough.
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="runs once, on the SQLite pass (the live server's database is SQLite either way)",
)
BIN = Path(sys.executable).parent
MAX_EXAMPLES = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, *, token: str | None = None, method: str = "GET", body: bytes | None = None):
    request = urllib.request.Request(url, method=method, data=body)
    if token:
        request.add_header("Authorization", f"Token {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("live")
    unset = {"CELERY_BROKER_URL", "DATABASE_URL", "DEBUG", "CACHE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DEBUG="0",
        SECRET_KEY="live-server-test-only-secret-key-not-for-any-deployment",
        TRACKER_TESTING="1",
        TRACKER_EMBEDDED="1",  # no broker: tasks in-process, as the embedded default
        DATABASE_URL=f"sqlite:///{folder / 'live.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        # Schemathesis's auth checks send wrong tokens on purpose: not a guesser to stop.
        KEY_FAILURE_LIMIT="1000000",
    )
    made = subprocess.run(
        [sys.executable, "-m", "tests.tracker.api_live_data"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]

    url = f"http://127.0.0.1:{free_port()}"
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "tracker.wsgi"],
        cwd=PROJECT,
        env={
            **env,
            "GUNICORN_BIND": url.removeprefix("http://"),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_TIMEOUT": "120",  # a loaded machine builds the schema slowly
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(f"{url}/health/")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "gunicorn did not answer /health/: " + (folder / "gunicorn.log").read_text()
                )
            time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def test_live_errors_are_json(live):
    url, token = live
    for method, path in [("GET", "/api/areas/0.5/"), ("POST", "/api/suggestions/0.5/accept/")]:
        status, headers, body = get(url + path, token=token, method=method, body=b"{}")
        assert status == 404, path
        assert headers["Content-Type"] == "application/json", path
        assert json.loads(body) == {"detail": "Not found."}
    status, headers, body = get(url + "/api/schema/")
    assert (status, headers["Content-Type"]) == (401, "application/json")
    status, headers, body = get(
        url + "/api/notes/", token=token, method="POST", body=b"[" * 3_000_000
    )
    assert status == 413 and headers["Content-Type"] == "application/json"


def test_live_api_conforms_to_its_schema(live, tmp_path):
    url, token = live
    command = [str(BIN / "st"), "--no-color", "run", f"{url}/api/schema/?format=json"]
    command += ["--header", f"Authorization: Token {token}"]
    command += ["--max-examples", str(MAX_EXAMPLES), "--generation-deterministic"]
    # The coverage phase alone is thousands of cases; the in-process run covers statefulness.
    command += ["--phases", "examples,fuzzing", "--workers", "2", "--request-timeout", "60"]
    # As in-process: a schema-valid id need not exist, so a 400 for it is right.
    command += ["--exclude-checks", "positive_data_acceptance"]
    command += ["--report", "junit", "--report-dir", str(tmp_path)]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "generated" in result.stdout
