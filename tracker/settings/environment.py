"""What every part of the settings reads first: the environment, the project folder, and whether
this is development (DEBUG) or a test run (TESTING)."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Set by the test runner's plugin (tests/environment.py) so test speed-ups live here, in one place.
TESTING = env.bool("TRACKER_TESTING", default=False)
