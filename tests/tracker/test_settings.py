from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(__file__).resolve().parents[2]


def _start_django(**env: str | None) -> subprocess.CompletedProcess:
    """Django set up in a fresh process with `env` (None: that variable unset)."""
    unset = {"SECRET_KEY", "DEBUG", "TRACKER_TESTING", "TRACKER_EMBEDDED"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    clean = {k: v for k, v in clean.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_without_secret_key_refuses_to_start():
    result = _start_django(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_debug_mode_starts_with_a_development_key():
    result = _start_django(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-from-the-environment",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tracker",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_mode_starts_with_a_secret_key_a_database_and_a_broker():
    result = _start_django(**PRODUCTION)  # setup() connects to neither
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_mode_without_a_database_or_broker_refuses_to_start(missing):
    result = _start_django(**{**PRODUCTION, missing: None})
    assert result.returncode != 0
    assert f"{missing} not set" in result.stderr
    assert "TRACKER_EMBEDDED=1" in result.stderr


def test_production_mode_runs_embedded_when_asked_by_name():
    result = _start_django(
        **{**PRODUCTION, "DATABASE_URL": None, "CELERY_BROKER_URL": None}, TRACKER_EMBEDDED="1"
    )
    assert result.returncode == 0, result.stderr


def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    engine = settings.DATABASES["default"]["ENGINE"]
    if url.startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"


def test_tasks_run_in_process_only_without_a_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not os.environ.get("CELERY_BROKER_URL"))


def test_task_settings_lose_nothing():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # A retry's countdown plus a whole run fits in it: Redis never redelivers one early.
    assert visibility >= settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_MAX_COUNTDOWN
    # Documented in docs/operations.md: a killed worker's tasks are back within ~10 minutes.
    assert visibility + settings.CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] <= 610


@pytest.mark.django_db
def test_the_database_checks_warn_of_nothing():
    # Every manage.py command that touches the database runs these; SQLite once warned twice
    # (models.W040) about covering indexes it cannot build.
    from django.core import checks

    assert checks.run_checks(databases=["default"]) == []


def test_check_deploy_is_clean_in_production_with_https_turned_on():
    env = {k: v for k, v in os.environ.items() if k not in {"TRACKER_TESTING", "DEBUG"}}
    env.update(
        PRODUCTION,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="".join(chr(c) for c in range(65, 123)),  # long and varied, as asked
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_come_from_the_environment():
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_REDIRECT_EXEMPT)",
        ],
        cwd=PROJECT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"TRACKER_TESTING", "DEBUG"}},
            **PRODUCTION,
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "600",
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.strip().endswith("True 600 ['^health/$']"), shown.stderr
