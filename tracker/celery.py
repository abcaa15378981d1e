from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Subpackages with jobs of their own (an app's `tasks` module is found without naming it).
app.autodiscover_tasks(["opportunities.reminders"])
