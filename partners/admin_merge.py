"""The admin's duplicates, merge and merge-history pages, for any model admin that names its
merge service. Thin: the pages read and check input; the services (`partners/merging.py`,
`opportunities/merging.py`) decide."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .merge_log import MergeLog

PAGE_OF_PAIRS = 200


class MergeAdminMixin:
    """Adds *Possible duplicates* (when `duplicates_find` is set), *Merge* (from the action
    "Merge the two selected" or a duplicate pair) and *Merges* (the log, with undo)."""

    merge_fields: tuple[str, ...] = ()
    merge_service: Callable = None  # (survivor=, loser=, by=, take=) -> MergeLog
    undo_service: Callable = None  # (log=, by=) -> restored loser
    duplicates_find: Callable | None = None  # () -> list[DuplicatePair]
    duplicates_template = "admin/partners/duplicates.html"
    actions = ["merge_selected"]
    change_list_template = "admin/partners/merge_change_list.html"

    def _name(self, view: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}_{meta.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("merge/", wrap(self.merge_view), name=self._name("merge")),
            path("merges/", wrap(self.merges_view), name=self._name("merges")),
        ]
        if self.duplicates_find is not None:
            urls.append(
                path("duplicates/", wrap(self.duplicates_view), name=self._name("duplicates"))
            )
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "merge_links": [
                (label, reverse(f"admin:{self._name(view)}"))
                for view, label in (("duplicates", "Possible duplicates"), ("merges", "Merges"))
                if view != "duplicates" or self.duplicates_find is not None
            ],
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _context(self, request, title: str, **more) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **more,
        }

    @admin.action(description="Merge the two selected", permissions=["change", "delete"])
    def merge_selected(self, request, queryset) -> HttpResponse | None:
        ids = sorted(queryset.values_list("pk", flat=True))
        if len(ids) != 2:
            self.message_user(request, "Select exactly two records to merge.", messages.ERROR)
            return None
        url = reverse(f"admin:{self._name('merge')}")
        return HttpResponseRedirect(f"{url}?survivor={ids[0]}&loser={ids[1]}")

    def _record(self, request, value: str | None):
        if not value or not str(value).isdigit():
            raise Http404("Name two records.")
        return get_object_or_404(self.get_queryset(request), pk=int(value))

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        survivor = self._record(request, data.get("survivor"))
        loser = self._record(request, data.get("loser"))
        if request.method == "POST":
            take = [name for name in self.merge_fields if data.get(f"keep_{name}") == "loser"]
            try:
                log = self.merge_service(survivor=survivor, loser=loser, by=request.user, take=take)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, "; ".join(_messages(error)), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Merged {log.loser_label} into {log.survivor_label} "
                    f"({log.links_moved} links moved). Undo it from Merges.",
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{self._name('change')}", args=[survivor.pk])
                )
        rows = []
        for name in self.merge_fields:
            kept, other = _shown(survivor, name), _shown(loser, name)
            # An empty field takes the other's value unless staff choose otherwise.
            prefer_loser = not kept and bool(other)
            label = self.model._meta.get_field(name).verbose_name
            rows.append((name, label, kept, other, prefer_loser))
        context = self._context(
            request,
            f"Merge {loser} into {survivor}",
            survivor=survivor,
            loser=loser,
            rows=rows,
            swap_url=f"?survivor={loser.pk}&loser={survivor.pk}",
        )
        return TemplateResponse(request, "admin/partners/merge_form.html", context)

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        found = self.duplicates_for(request)
        pairs = found[:PAGE_OF_PAIRS]
        ids = {pk for pair in pairs for pk in (pair.first_id, pair.second_id)}
        queryset = self.get_queryset(request)
        if isinstance(self.list_select_related, list | tuple):
            # A pair shows what a list row shows (a firm's country, an opportunity's team).
            queryset = queryset.select_related(*self.list_select_related)
        records = queryset.in_bulk(ids)
        merge_url = reverse(f"admin:{self._name('merge')}")
        shown = [
            (records[pair.first_id], records[pair.second_id], pair, merge_url)
            for pair in pairs
            if pair.first_id in records and pair.second_id in records
        ]
        # A finder that reads only the first N records says so (`capped`: N), and so does the page.
        capped = getattr(found, "capped", None)
        context = self._context(request, "Possible duplicates", pairs=shown, capped=capped)
        return TemplateResponse(request, self.duplicates_template, context)

    def duplicates_for(self, request: HttpRequest) -> list:
        """The pairs to list. Firms and contacts are everyone's; an admin whose finder must
        see only what the user may (opportunities) overrides this to pass the user."""
        return self.duplicates_find()

    def merges_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._undo(request)
        logs = MergeLog.objects.filter(
            model=self.model._meta.label_lower,
            survivor_id__in=self.get_queryset(request).values("pk"),
        ).select_related("merged_by", "undone_by")[:PAGE_OF_PAIRS]
        context = self._context(request, "Merges", logs=logs)
        return TemplateResponse(request, "admin/partners/merges.html", context)

    def _undo(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied  # whoever may merge may undo one
        log = get_object_or_404(
            MergeLog,
            pk=request.POST.get("log") if str(request.POST.get("log", "")).isdigit() else 0,
            model=self.model._meta.label_lower,
        )
        try:
            restored = self.undo_service(log=log, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, "; ".join(_messages(error)), messages.ERROR)
        else:
            self.message_user(request, f"Undone: {restored} is back with its links.")
        return HttpResponseRedirect(reverse(f"admin:{self._name('merges')}"))


def _messages(error: Exception) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def _shown(record, name: str) -> str:
    value = getattr(record, name)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    display = getattr(record, f"get_{name}_display", None)
    return str(display() if display else ("" if value is None else value))
