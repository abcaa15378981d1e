"""Real Celery worker processes for the tests that run against the real broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.celery import app

PROJECT = Path(__file__).resolve().parents[1]


def start_worker(name: str, **env: str) -> subprocess.Popen:
    """Start a one-process worker called `name` and return once it answers a ping."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            name,
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None:
            pytest.fail(f"worker {name} exited with {process.returncode} before answering")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"worker {name} did not answer a ping within 60 s")
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
