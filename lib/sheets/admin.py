"""Admin bases every model admin uses: formula-safe exports, and history where a model keeps it."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import modelresource_factory

from lib.history import BulkDiffHistoryAdmin

from .safety import SafeModelResource


class SafeExportMixin(ExportActionMixin):
    export_formats = [CSV, XLSX]
    list_per_page = 50

    def get_resource_classes(self, request) -> list[type[SafeModelResource]]:
        classes = list(self.resource_classes) or [
            modelresource_factory(self.model, resource_class=SafeModelResource)
        ]
        unsafe = [cls for cls in classes if not issubclass(cls, SafeModelResource)]
        if unsafe:
            raise TypeError(f"Export resources must neutralise formulae: {unsafe}")
        return classes


class TrackerModelAdmin(SafeExportMixin, admin.ModelAdmin):
    pass


class HistoryModelAdmin(SafeExportMixin, BulkDiffHistoryAdmin):
    pass
