"""Loaded by pytest before Django (see pyproject's addopts): the environment every test run
shares. Test speed-ups themselves live in tracker/settings/ (core.py, security.py) under TESTING."""

from __future__ import annotations

import os

os.environ["TRACKER_TESTING"] = "1"
# Tests run in production mode (DEBUG off), which needs a key; never used outside tests.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
