"""The mechanics of a merge, for any model: move every link of one row to another, and put
them back from what was recorded.

The links are read from the model's metadata: every foreign key that points at it, from any
installed app, many-to-many tables included (a through row is a row with a foreign key). So a
link an app adds later moves too, without the merging code knowing of it. History tables are
left alone: they record what was.

A link the target already has (the same statement naming both firms, a mention of both at one
span: any row a unique rule would refuse once moved) is not moved but deleted, and kept whole
in the record, so that an undo recreates it.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalChanges


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder cuts them to milliseconds, and an undo must
    give back the row as it was."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows_dump(rows: Any, fields: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (Django's "python" serialization), for `rows_load`."""
    dumped = serializers.serialize("python", rows, fields=fields)
    return json.loads(json.dumps(dumped, cls=_ExactEncoder))


def rows_load(dumped: list[dict[str, Any]]) -> list[models.Model]:
    return [row.object for row in serializers.deserialize("python", dumped)]


def link_fields(model: type[models.Model]) -> list[models.ForeignKey]:
    """Every foreign key (on another model or a many-to-many table) that points at `model`."""
    found = []
    for relation in model._meta.get_fields(include_hidden=True):
        if relation.concrete or not (relation.one_to_many or relation.one_to_one):
            continue
        assert isinstance(relation, models.ForeignObjectRel)
        related = relation.related_model
        if isinstance(related, type) and issubclass(related, HistoricalChanges):
            continue
        assert isinstance(relation.field, models.ForeignKey)
        found.append(relation.field)
    return found


def _unique_sets(field: models.ForeignKey) -> list[tuple[list[str], Q | None]]:
    """The unique rules of the field's model that include the field: its columns and condition.
    (A rule over an expression, such as Lower("name"), is not seen.)"""
    meta = field.model._meta
    sets: list[tuple[list[str], Q | None]] = []
    if field.unique:
        sets.append(([field.name], None))
    sets += [(list(names), None) for names in meta.unique_together if field.name in names]
    sets += [
        (list(constraint.fields), constraint.condition)
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields
    ]
    return sets


def _attname(model: type[models.Model], name: str) -> str:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field), f"{name} is not a column"
    return found.attname


def _clashes(field: models.ForeignKey, source_pk: Any, target_pk: Any) -> set:
    """The source's rows that a unique rule would refuse once they point at the target."""
    model = field.model
    clashing = set()
    for names, condition in _unique_sets(field):
        others = [_attname(model, name) for name in names if name != field.name]
        rows = model._base_manager.filter(condition) if condition else model._base_manager.all()
        taken = set(rows.filter(**{field.attname: target_pk}).values_list(*others, "pk"))
        taken = {key[:-1] for key in taken}
        for *key, pk in rows.filter(**{field.attname: source_pk}).values_list(*others, "pk"):
            if tuple(key) in taken:
                clashing.add(pk)
    return clashing


def links_move(*, source: models.Model, target: models.Model) -> list[dict[str, Any]]:
    """Point every link of `source` at `target`; returns what moved, for `links_restore`."""
    record = []
    for field in link_fields(type(source)):
        model = field.model
        rows = model._base_manager.filter(**{field.attname: source.pk})
        clashing = _clashes(field, source.pk, target.pk)
        dropped: list[dict[str, Any]] = []
        if clashing:
            dropped = rows_dump(model._base_manager.filter(pk__in=clashing))
            model._base_manager.filter(pk__in=clashing).delete()
        moved = list(rows.values_list("pk", flat=True))
        if moved:
            model._base_manager.filter(pk__in=moved).update(**{field.attname: target.pk})
        if moved or dropped:
            record.append(
                {
                    "model": model._meta.label_lower,
                    "field": field.name,
                    "moved": moved,
                    "dropped": dropped,
                }
            )
    return record


def links_restore(record: list[dict[str, Any]], *, source_pk: Any) -> None:
    """Point the moved links back at the source (restored first) and recreate the dropped ones.
    A moved row deleted since is simply gone; it is not brought back."""
    for entry in reversed(record):
        model = apps.get_model(entry["model"])
        field = model._meta.get_field(entry["field"])
        model._base_manager.filter(pk__in=entry["moved"]).update(**{field.attname: source_pk})
        for row in rows_load(entry["dropped"]):
            row.save_base(raw=True, force_insert=True)


def links_count(record: list[dict[str, Any]]) -> int:
    return sum(len(entry["moved"]) + len(entry["dropped"]) for entry in record)


def row_snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's own columns (no many-to-many: those are links), JSON-ready."""
    names = [field.name for field in instance._meta.concrete_fields if not field.primary_key]
    return rows_dump([instance], fields=names)[0]


def row_from_snapshot(snapshot: dict[str, Any]) -> models.Model:
    """The instance a snapshot holds, unsaved."""
    return rows_load([snapshot])[0]
