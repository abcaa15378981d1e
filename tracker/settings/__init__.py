"""Settings for the tracker, read from the environment (docs/configuration.md lists every variable).

The embedded default is SQLite in the project folder and Celery tasks run in-process (DEBUG on,
or TRACKER_EMBEDDED=1). Production sets DEBUG off, SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL
and ALLOWED_HOSTS, and refuses to start without the database or the broker.

DJANGO_SETTINGS_MODULE stays `tracker.settings`: this package gathers its parts, one concern a
module; no setting is defined in two of them.
"""

from __future__ import annotations

from tracker.settings.api import *  # noqa: F403
from tracker.settings.celery import *  # noqa: F403
from tracker.settings.core import *  # noqa: F403
from tracker.settings.features import *  # noqa: F403
from tracker.settings.operations import *  # noqa: F403
from tracker.settings.security import *  # noqa: F403
