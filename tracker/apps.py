from __future__ import annotations

from django.apps import AppConfig

from lib.sheets.audit import sheet_sent


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from .audit import on_sheet_sent  # imports models, so not before apps are ready

        # lib tells every export, pull and upload; the log is kept here (tracker.audit).
        sheet_sent.connect(on_sheet_sent, dispatch_uid="tracker.audit")
