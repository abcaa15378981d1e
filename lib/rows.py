"""Writing many plain rows at once, for the extraction and proposal batches.

`bulk_create` builds a model instance and prepares every field of every row in Python; for the
tens of thousands of mention and link rows of a batch that costs several times the database's
own work, so these rows go in through one `executemany` of plain values instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column, f"{name} is not a column"
    return field.column


def rows_insert(
    model: type[models.Model],
    fields: list[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT `rows` (tuples of database-ready values, in `fields` order) into `model`'s table;
    with `ignore_conflicts`, a row that breaks a unique constraint is skipped (SQLite and
    PostgreSQL both read ON CONFLICT DO NOTHING)."""
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""),
            rows,
        )


def links_read(relation: Any, ids: Iterable[int]) -> dict[int, list[int]]:
    """Object id -> the target ids of a many-to-many (`Statement.areas`) for many objects, in
    one query of the link rows: the reading side of `links_replace`."""
    source = relation.field.m2m_field_name()
    target = relation.field.m2m_reverse_field_name()
    found: dict[int, list[int]] = {}
    rows = relation.through.objects.filter(**{f"{source}_id__in": list(ids)}).values_list(
        f"{source}_id", f"{target}_id"
    )
    for owner_id, target_id in rows:
        found.setdefault(owner_id, []).append(target_id)
    return found


def links_replace(relation: Any, targets: Mapping[int, Iterable[int]]) -> None:
    """`obj.<relation>.set(ids)` for many objects at once, in two queries: `relation` is the
    many-to-many descriptor (`Statement.countries`), `targets` maps object id -> target ids.
    Bypasses m2m_changed, as `set()` on these unhistoried links needs no receivers."""
    through = relation.through
    source = relation.field.m2m_field_name()
    target = relation.field.m2m_reverse_field_name()
    through.objects.filter(**{f"{source}__in": list(targets)}).delete()
    rows_insert(
        through,
        [source, target],
        ((pk, target_id) for pk, chosen in targets.items() for target_id in sorted(set(chosen))),
    )


def rows_update(
    model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """UPDATE `fields` of many rows by primary key: each row is (*values, pk). Unlike
    `bulk_update`, whose CASE expression is built field by field in Python, one statement is
    prepared once and run for every row."""
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(_column(model, name))} = %s" for name in fields)
    key = quote(_column(model, meta.pk.name))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {key} = %s",
            rows,
        )
