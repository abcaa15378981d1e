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

from .audit import EXPORT, SheetSent, filters_of, sheet_sent_send
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

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: QuerySet[Any], **kwargs: Any
    ) -> Any:
        """The file, audited (lib.sheets.audit): the admin builds it whole before sending, so
        the rows are the dataset's, or none when building it failed (nothing was sent)."""
        filters = filters_of(request.GET)
        selected = request.POST.getlist("export_items") or request.POST.getlist("_selected_action")
        if selected:
            filters["selected"] = len(selected)
        sent = SheetSent(
            user=request.user,
            kind=EXPORT,
            channel="admin",
            list_name=self.opts.label_lower,
            filters=filters,
            fmt=file_format.get_extension(),
        )
        try:
            data = super().get_export_data(file_format, request, queryset, **kwargs)
            sent.rows, sent.complete = getattr(request, "_export_rows", 0), True
            return data
        finally:
            sheet_sent_send(sent)

    def get_data_for_export(
        self, request: HttpRequest, queryset: QuerySet[Any], **kwargs: Any
    ) -> Any:
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        request._export_rows = len(dataset)  # type: ignore[attr-defined]  # read back above
        return dataset

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
