"""gunicorn.conf.py takes every figure from the environment, with working defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def resolved(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [str(GUNICORN), "--print-config", "tracker.wsgi"],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def test_figures_come_from_the_environment():
    config = resolved(
        GUNICORN_BIND="127.0.0.1:9123",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="2",
        GUNICORN_TIMEOUT="45",
        GUNICORN_MAX_REQUESTS="500",
        GUNICORN_MAX_REQUESTS_JITTER="25",
    )
    assert config["bind"] == "['127.0.0.1:9123']"
    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "2", "45")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("500", "25")
    assert config["control_socket_disable"] == "True"


def test_defaults_and_json_logs():
    config = resolved(LOG_FORMAT="json")
    assert config["threads"] == "4" and config["max_requests"] == "0"
    assert config["timeout"] == "30"
    assert "lib.logs.JsonFormatter" in config["logconfig_dict"]
