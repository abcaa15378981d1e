"""Admin bases every model admin uses: formula-safe exports, and history where a model keeps it."""

from __future__ import annotations

from typing import Any

import tablib
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from import_export import fields
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import modelresource_factory

from lib.history import BulkDiffHistoryAdmin

from .export import Column, sheet_rows
from .safety import SafeModelResource


class ColumnsResource(SafeModelResource):
    """An admin export written from the columns the API export writes (`sheet_rows`), so the
    admin's file is the API's file and can be sent back to the bulk upsert. Made by
    `columns_resource`; the export form offers each column by its header."""

    columns: list[Column] = []

    def export(self, queryset: QuerySet | None = None, **kwargs: Any) -> tablib.Dataset:
        chosen = kwargs.get("export_fields") or [column.header for column in self.columns]
        spec = [column for column in self.columns if column.header in chosen]
        rows = sheet_rows(queryset if queryset is not None else self.get_queryset(), spec)
        header = next(rows)
        return tablib.Dataset(*[list(row) for row in rows], headers=header)


def columns_resource(model: type[Model], columns: list[Column]) -> type[ColumnsResource]:
    headers = tuple(column.header for column in columns)
    declared: dict[str, Any] = {
        header: fields.Field(attribute=None, column_name=header, readonly=True)
        for header in headers
    }
    meta = type("Meta", (), {"model": model, "fields": headers, "export_order": headers})
    name = f"{model.__name__}ColumnsResource"
    return type(name, (ColumnsResource,), {**declared, "columns": columns, "Meta": meta})


class SafeExportMixin(ExportActionMixin):
    export_formats = [CSV, XLSX]
    list_per_page = 50

    def get_resource_classes(self, request: HttpRequest) -> list[type[SafeModelResource]]:
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
