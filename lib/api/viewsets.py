from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import django_filters
from django.db import connections, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, generics, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lib.sheets.audit import EXPORT, PULL, SheetSent, Tally, filters_of, sheet_sent_send
from lib.sheets.columns import Column
from lib.sheets.export import CSVRenderer, XLSXRenderer, sheet_response

from .renderers import FastJSONRenderer

SHEET_FORMATS = ("csv", "xlsx")

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "xlsx"],
    description="csv or xlsx: the whole filtered list as a spreadsheet (not paginated), "
    "every cell formula-safe.",
)
KEY_PARAMETER = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    description="A read-only API token, for tools that cannot send headers (GET only).",
)


if TYPE_CHECKING:
    # The mixins below extend DRF's generic viewset; the checker reads them as its subclasses.
    from django.db.models import Model, QuerySet
    from django.http import HttpResponseBase
    from rest_framework.serializers import BaseSerializer

    _ViewSet = viewsets.ModelViewSet
else:
    _ViewSet = object


def _has_nul(request: Request) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values)
        for key, values in request.query_params.lists()
    )


class ApiViewSetMixin(_ViewSet):
    """Shared by every viewset: bad query strings are a 400, errors are always JSON, and a
    list answers `?format=csv` / `?format=xlsx` with `sheet_columns`."""

    sheet_columns: list[Column] = []
    sheet_name = "export"

    @classmethod
    def as_view(cls, actions: Any = None, **initkwargs: Any) -> Any:
        # Reads run outside a transaction (a streamed export must not hold one open, and a
        # list is then just its queries); writes get their own, as ATOMIC_REQUESTS would.
        return transaction.non_atomic_requests(super().as_view(actions, **initkwargs))

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._sheets_sent: list[SheetSent] = []
        try:
            if request.method in permissions.SAFE_METHODS:
                return super().dispatch(request, *args, **kwargs)
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        finally:
            # After the write's transaction, committed or not: a refused upload is told too.
            for sent in self._sheets_sent:
                sheet_sent_send(sent)

    def sheet_sent_later(self, sent: SheetSent) -> None:
        """Tell the audit of `sent` once this request's transaction is over."""
        self._sheets_sent.append(sent)

    def sheet_sent_of(self, kind: str, fmt: str) -> SheetSent:
        request = self.request
        return SheetSent(
            user=request.user,
            kind=kind,
            channel="api",
            list_name=self.sheet_name,
            filters=filters_of(request.query_params),
            fmt=fmt,
            token_id=getattr(request.auth, "pk", None),
        )

    def is_key_pull(self) -> bool:
        """A read authenticated by a key in the URL (the authenticator says `in_url`)."""
        return getattr(self.request.successful_authenticator, "in_url", False)

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        lookup = self.lookup_url_kwarg or self.lookup_field
        if request.user and request.user.is_authenticated and lookup in self.kwargs:
            # Another team's record is a 404 whatever the method: a 403 would confirm it exists.
            generics.get_object_or_404(
                self.get_queryset(), **{self.lookup_field: self.kwargs[lookup]}
            )
        super().permission_denied(request, message=message, code=code)

    def get_renderers(self) -> list[Any]:
        found = super().get_renderers()
        if getattr(self, "action", None) == "list" and self.sheet_columns:
            found += [CSVRenderer(), XLSXRenderer()]
        return found

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = request.method or ""
        if getattr(self, method.lower(), None) is None:
            # Before content negotiation, so `TRACE ...?format=csv` is a 405, not a 404.
            raise exceptions.MethodNotAllowed(method)
        super().initial(request, *args, **kwargs)
        if _has_nul(request):
            raise exceptions.ValidationError({"detail": "NUL characters are not allowed."})
        self._refuse_empty_typed_filters(request)
        self._refuse_repeated_parameters(request)

    SINGLE_PARAMETERS = ("page", "page_size", "ordering", "format", "key")

    def _refuse_repeated_parameters(self, request: Request) -> None:
        """`?page_size=10&page_size=20` is ambiguous: only multi-value filters may repeat."""
        filterset_class = getattr(self, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        repeated = [
            name
            for name, values in request.query_params.lists()
            if len(values) > 1
            and (name in self.SINGLE_PARAMETERS or name in filters)
            and not isinstance(filters.get(name), django_filters.MultipleChoiceFilter)
        ]
        if repeated:
            raise exceptions.ValidationError(
                {name: ["Give this parameter once."] for name in repeated}
            )

    def _refuse_empty_typed_filters(self, request: Request) -> None:
        """`?updated_since=` or `?stage=` is a mistake, not "no filter" (django-filter's
        reading): only free-text filters may be empty."""
        filterset_class = getattr(self, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class is not None else {}
        typed = [
            name
            for name, filter_ in filters.items()
            if not isinstance(filter_, django_filters.CharFilter)
        ]
        empty = [
            name
            for name in (*typed, "page", "page_size", "format")
            if "" in request.query_params.getlist(name)
        ]
        if empty:
            raise exceptions.ValidationError(
                {name: ["Give a value, or leave the parameter out."] for name in empty}
            )

    def handle_exception(self, exc: Exception) -> Response:
        accepted = getattr(self.request, "accepted_renderer", None)
        if accepted is not None and accepted.format in SHEET_FORMATS:
            # The error is told in JSON, never as an empty spreadsheet.
            self.request.accepted_renderer = FastJSONRenderer()
            self.request.accepted_media_type = "application/json"
        if self.request.method not in permissions.SAFE_METHODS:
            return super().handle_exception(exc)
        # A read runs outside our transactions; DRF would mark an enclosing one (a test's)
        # for rollback.
        saved = {conn.alias: conn.needs_rollback for conn in connections.all(initialized_only=True)}
        try:
            return super().handle_exception(exc)
        finally:
            for conn in connections.all(initialized_only=True):
                conn.needs_rollback = saved.get(conn.alias, conn.needs_rollback)

    def get_sheet_columns(self) -> list[Column]:
        return self.sheet_columns

    def get_rows_queryset(self) -> QuerySet[Any]:
        """What an export filters and orders: it reads only values() of its columns, so the
        annotations of get_queryset would go unused."""
        return self.get_queryset()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        fmt = getattr(request.accepted_renderer, "format", None)
        kind = PULL if self.is_key_pull() else EXPORT
        if fmt in SHEET_FORMATS:
            paginator = self.paginator
            if paginator is not None:
                paginator.check_unpaged(request)  # type: ignore[attr-defined]
            queryset = self.filter_queryset(self.get_rows_queryset())
            # Counted while streaming; told when the stream ends, complete or cut off.
            tally = Tally(self.sheet_sent_of(kind, fmt))
            return sheet_response(queryset, self.get_sheet_columns(), fmt, self.sheet_name, tally)
        response = super().list(request, *args, **kwargs)
        if kind == PULL:
            sent = self.sheet_sent_of(PULL, fmt or "json")
            data = response.data
            results = data.get("results", []) if isinstance(data, dict) else data
            sent.rows, sent.complete = len(results), True
            self.sheet_sent_later(sent)
        return response


class ReadOnlyViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ModelViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        self._reload(serializer, serializer.save())

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        self._reload(serializer, serializer.save())

    def _reload(self, serializer: BaseSerializer[Any], instance: Model) -> None:
        # Read back through get_queryset, so the response carries the same names as a read.
        serializer.instance = self.get_queryset().get(pk=instance.pk)
