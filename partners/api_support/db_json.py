"""List pages whose JSON PostgreSQL writes: the objects the serializer would give, built from
the page's ids by one statement compiled once per process and prepared once per connection.

A page of 100 opportunities spent more time in Python (compiling its query with every related
name, building model rows, serialising them field by field, rendering the JSON) than in the
database. Here one query finds the page's ids with the list's count, and the prepared statement
turns the ids into the page's JSON text. Only a view that names the rows it reads
(`get_json_rows`), with a serializer whose every field this module can write in SQL, qualifies;
anything else, and every other database, goes through DRF. The tests compare the two outputs.
"""

from __future__ import annotations

import json
import time

from django.core.exceptions import FieldError
from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Count, Expression, F, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import ISO_8601, relations, renderers, serializers
from rest_framework.settings import api_settings

from .db_sheets import ISO_DATETIME, sql_zone_name
from .fields import IdsField, KeyRelatedField, ManyKeysField, PairLabelsField
from .related import PAGE_IDS, grouped_lists

# One JSON object per row: json_build_object takes at most 100 arguments.
MAX_FIELDS = 50
_PK_SHOWN = (
    relations.PrimaryKeyRelatedField.to_representation,
    KeyRelatedField.to_representation,
)
# isoformat() of a UTC time, with DRF's "Z": microseconds only when there are some (".000000"
# can only be the end of the text).
_UTC_DATETIME = (
    "REPLACE(TO_CHAR({v} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z'"
)
_INTEGERS = (models.IntegerField, models.AutoField)
_TEXTS = (models.CharField, models.TextField)


def _list(alias: str, part: int) -> str:
    """Item `part` (0: the ids) of a `grouped_lists` row; no related rows: []."""
    return f"COALESCE({alias}.\"json_lists\" -> {part}, '[]'::json)"


def _plain(field, stored, column: str, zone_name: str) -> str | None:
    """The JSON of a field read from `column` (holding `stored`'s values), as the field's
    `to_representation` writes it, or None if only DRF can."""
    represent = type(field).to_representation
    if represent in _PK_SHOWN:
        if isinstance(stored, models.ForeignKey) and isinstance(stored.target_field, _INTEGERS):
            return f"TO_JSON({column})"
        return None
    if represent is serializers.DateTimeField.to_representation:
        iso = getattr(field, "format", api_settings.DATETIME_FORMAT)
        if not isinstance(stored, models.DateTimeField) or str(iso).lower() != ISO_8601:
            return None
        if hasattr(field, "timezone"):
            return None  # a zone of its own, not the request's
        # isoformat() in the current zone, "+00:00" written "Z".
        if zone_name == "UTC":
            return f"TO_JSON({_UTC_DATETIME.replace('{v}', column)})"
        text = ISO_DATETIME.replace("{zone}", zone_name).replace("{v}", column)
        return f"TO_JSON(REGEXP_REPLACE({text}, '\\+00:00$', 'Z'))"
    if represent is serializers.DateField.to_representation:
        iso = getattr(field, "format", api_settings.DATE_FORMAT)
        if type(stored) is not models.DateField or str(iso).lower() != ISO_8601:
            return None
        return f"TO_JSON({column})"
    if represent is serializers.DecimalField.to_representation:
        if (
            not isinstance(stored, models.DecimalField)
            or stored.decimal_places != field.decimal_places
            or field.localize
            or field.normalize_output
            or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        ):
            return None
        return f"TO_JSON({column}::text)"
    if represent is serializers.BigIntegerField.to_representation:
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return None
        represent = serializers.IntegerField.to_representation
    stored_types = {
        serializers.IntegerField.to_representation: _INTEGERS,
        serializers.CharField.to_representation: _TEXTS,
        serializers.ChoiceField.to_representation: _TEXTS,
        serializers.BooleanField.to_representation: (models.BooleanField,),
    }.get(represent)
    if stored_types is None or not isinstance(stored, stored_types):
        return None
    return f"TO_JSON({column})"


def _nulls_as_drf_does(field, path: str, model) -> bool:
    """A path through a relation that may be missing (`owner.username` with no owner): DRF
    shows null only when the field has a default of None or allows null (else it drops it)."""
    parts = path.split("__")
    for part in parts[:-1]:
        relation = model._meta.get_field(part)
        if relation.null:
            return field.default is None or (
                field.default is serializers.empty and field.allow_null
            )
        model = relation.related_model
    return True


def _stored_field(rows: QuerySet, path: str):
    query = rows.values(path).query
    if path in query.annotation_select:
        return query.annotation_select[path].output_field
    (column,) = query.select
    return column.target


def json_statement(serializer, rows: QuerySet, zone_name: str) -> tuple[str, list] | None:
    """The statement that turns an array of ids (its first parameter) into the JSON array of
    those rows as `serializer` shows them, in the array's order; None if SQL cannot write
    one of its fields."""
    readable = list(serializer._readable_fields)
    if len(readable) > MAX_FIELDS:
        return None
    columns: dict[str, Expression] = {}  # a column of the rows per thing a field reads

    def column(name: str, read: Expression) -> str:
        if name not in columns:
            columns[name] = read
        return f'r."json_{list(columns).index(name)}"'

    joins: dict[tuple, str] = {}  # a relation's `grouped_lists` -> its alias
    items: list[str] = []
    for field in readable:
        if isinstance(field, ManyKeysField | IdsField | PairLabelsField):
            relation = getattr(rows.query.annotations.get(field.pairs_attr), "relation", None)
            if relation is None:
                return None  # not a `pairs()` annotation
            alias = joins.setdefault(relation, f"j{len(joins)}")
            items.append(_list(alias, getattr(field, "part", 0)))
            continue
        if field.source == "*" or not field.source_attrs:
            return None
        path = "__".join(field.source_attrs)
        try:
            stored = _stored_field(rows, path)
        except FieldError:  # a property or a method: only DRF can read it
            return None
        value = _plain(field, stored, column(path, F(path)), zone_name)
        if value is None or not _nulls_as_drf_does(field, path, rows.model):
            return None
        items.append(value)
    names = [field.field_name for field in readable]
    if not all(name.isidentifier() for name in names):
        return None
    pairs = ", ".join(f"'{name}', {item}" for name, item in zip(names, items, strict=True))
    one_row = rows.order_by().filter(pk=RawSQL("p.id", ()))
    values = {f"json_{n}": read for n, read in enumerate(columns.values())}
    inner, params = one_row.values(**values).query.sql_with_params()
    # LATERAL, and OFFSET 0 so the planner keeps it a subquery: each row's columns are
    # computed once, however many fields read them. Each relation is one grouped query for
    # the whole page, not a subquery per row.
    sql = (
        f"SELECT COALESCE(JSON_AGG(JSON_BUILD_OBJECT({pairs}) ORDER BY p.position), '[]')::text "
        "FROM UNNEST(%s::bigint[]) WITH ORDINALITY AS p(id, position) "
        f"CROSS JOIN LATERAL ({inner} OFFSET 0) r"
    )
    params = [PAGE_IDS, *params]
    for relation, alias in joins.items():
        grouped_sql, grouped_params = grouped_lists(*relation).query.sql_with_params()
        sql += f' LEFT JOIN ({grouped_sql}) {alias} ON {alias}."json_owner" = p.id'
        params += grouped_params
    return sql, params


_statements: dict[tuple, tuple[str, list] | None] = {}


def _statement_for(view, zone_name: str) -> tuple[str, list] | None:
    key = (type(view), zone_name)
    if key not in _statements:
        _statements[key] = json_statement(view.get_serializer(), view.get_json_rows(), zone_name)
    return _statements[key]


def page_response(view) -> HttpResponse | None:
    """The list page as JSON written by PostgreSQL, or None where DRF must write it (and
    tell whatever is wrong with the request)."""
    request, paginator = view.request, view.paginator
    if (
        not hasattr(view, "get_json_rows")
        or type(request.accepted_renderer) is not renderers.JSONRenderer
        or paginator is None
    ):
        return None
    rows = view.get_rows_queryset()
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return None
    zone_name = sql_zone_name(timezone.get_current_timezone())
    if zone_name is None:
        return None
    page_size = paginator.get_page_size(request)
    try:
        number = int(request.query_params.get(paginator.page_query_param, "1"))
    except ValueError:
        return None
    statement = _statement_for(view, zone_name)
    if number < 1 or statement is None:
        return None
    queryset = view.filter_queryset(rows)
    if queryset.query.distinct:
        return None  # a window count would count the rows DISTINCT drops
    offset = (number - 1) * page_size
    found = list(
        queryset.annotate(json_total=Window(Count("pk"))).values_list("pk", "json_total")[
            offset : offset + page_size
        ]
    )
    if not found and number > 1:
        return None  # past the last page: DRF tells it
    total = found[0][1] if found else 0
    results = _rows_json(connection, statement, [pk for pk, _ in found])
    counted = Paginator([], page_size)
    counted.count = total
    paginator.request, paginator.page = request, Page([], number, counted)
    head = json.dumps(
        {
            "count": total,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return HttpResponse(f'{head[:-1]},"results":{results}}}', content_type="application/json")


def _rows_json(connection, statement: tuple[str, list], ids: list[int]) -> str:
    if not ids:
        return "[]"
    sql, params = statement
    connection.ensure_connection()
    started = time.monotonic()
    # Server-side binding, so the statement is prepared (OPTIONS' prepare_threshold) and
    # planned once per connection; Django's own cursors bind on the client and never prepare.
    with connection.make_cursor(ServerBindingCursor(connection.connection)) as cursor:
        # The ids as one array literal: psycopg would dump the list item by item, each time
        # the statement names them.
        literal = "{" + ",".join(map(str, ids)) + "}"
        cursor.execute(sql, [literal if param is PAGE_IDS else param for param in params])
        (written,) = cursor.fetchone()
    if connection.queries_logged:
        # Logged here: Django's debug cursor finds no text on a prepared statement.
        took = time.monotonic() - started
        connection.queries_log.append({"sql": f"{sql} -- ids {ids}", "time": f"{took:.3f}"})
    return written
