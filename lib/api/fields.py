"""Serializer fields that read ids and names beside them, and write ids or natural keys; and a
strict boolean for query options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..links import links_unseen
from .related import pairs_of

MAX_PK = 2**63 - 1
ID_OR_KEY = {"oneOf": [{"type": "integer"}, {"type": "string"}]}

# A natural key as written in a sheet -> the Q that finds the row.
KeyParser = Callable[[str], Q | None]


class QueryBoolean(serializers.BooleanField):
    """A boolean query option where `?dry_run=` with no value is refused, not false: DRF reads
    an empty query value as false, which would quietly write what the caller meant to check
    (and the schema says boolean)."""

    def get_value(self, dictionary):
        if dictionary.get(self.field_name, None) == "":
            return ""  # refused by to_internal_value: "Must be a valid boolean."
        return super().get_value(dictionary)


def as_pk(value: Any) -> int | None:
    """An integer id from 12 or "12"; None when the value is not an id (or out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_PK else -1
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
        return number if 0 < number <= MAX_PK else -1
    return None


def key_q(value: Any, natural: KeyParser | None) -> Q | None:
    pk = as_pk(value)
    if pk is not None:
        return Q(pk=pk)
    if isinstance(value, str) and value.strip() and "\x00" not in value and natural is not None:
        return natural(value.strip())
    return None


@extend_schema_field(ID_OR_KEY)
class KeyRelatedField(serializers.RelatedField):
    """A foreign key given as its id or its natural key (ISO code, slug, username...)."""

    default_error_messages = {
        "does_not_exist": "No {model} with id or key {value!r}.",
        "incorrect_type": "Give an id (integer) or a key (text), not {data_type}.",
    }

    def __init__(self, *, natural: KeyParser | None = None, **kwargs: Any) -> None:
        self.natural = natural
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        queryset = self.get_queryset()
        assert queryset is not None, "a KeyRelatedField needs a queryset"
        q = key_q(data, self.natural)
        if q is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        found = list(queryset.filter(q)[:2])
        if len(found) != 1:
            self.fail("does_not_exist", model=queryset.model._meta.verbose_name, value=data)
        return found[0]

    def to_representation(self, value: Any) -> int:
        return value.pk

    def use_pk_only_optimization(self) -> bool:
        # Only the id is shown, read off the row's own column: a list need not load (or join)
        # the related row for it.
        return True


_MISSING = object()
RowReader = Callable[[Any], Any]


class AnnotatedCharField(serializers.CharField):
    """A related name read from the row's annotation `annotation` when its queryset made one
    (a list's rows then need no related instance each), else through `source` as usual."""

    def __init__(self, *, annotation: str, **kwargs: Any) -> None:
        self.annotation = annotation
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        try:
            return instance.__dict__[self.annotation]
        except KeyError:
            return super().get_attribute(instance)

    def row_reader(self, generic: RowReader) -> RowReader:
        annotation, represent = self.annotation, self.to_representation

        def read(instance: Any) -> Any:
            value = instance.__dict__.get(annotation, _MISSING)
            if value is _MISSING:
                return generic(instance)  # through the relation, DRF's defaults and all
            return None if value is None else represent(value)

        return read


def resolve_keys(
    queryset: QuerySet, values: list[Any], natural: KeyParser | None
) -> tuple[list[Model], list[str]]:
    """The rows named by `values` (ids or keys) in one query, and the values not found."""
    wanted = [(value, key_q(value, natural)) for value in values]
    missing = [repr(value) for value, q in wanted if q is None]
    combined = Q()
    for _, q in wanted:
        if q is not None:
            combined |= q
    rows = list(queryset.filter(combined)) if combined else []
    found: list[Model] = []
    for value, q in wanted:
        if q is None:
            continue
        match = [row for row in rows if _matches(row, value, natural)]
        if len(match) == 1:
            found.append(match[0])
        else:
            missing.append(repr(value))
    return found, missing


def _matches(row: Model, value: Any, natural: KeyParser | None) -> bool:
    pk = as_pk(value)
    if pk is not None:
        return row.pk == pk
    # Re-evaluate the key against the fetched row in Python, without another query.
    q = natural(value.strip()) if natural else None
    # A key's Q holds (lookup, value) pairs only, never nested nodes.
    pairs: list[tuple[str, Any]] = list(q.children) if q is not None else []  # type: ignore[arg-type]
    return q is not None and all(_field_matches(row, lookup, wanted) for lookup, wanted in pairs)


def _field_matches(row: Model, lookup: str, wanted: Any) -> bool:
    path = lookup.removesuffix("__iexact")
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part, None)
    if lookup.endswith("__iexact"):
        return str(value).casefold() == str(wanted).casefold()
    return value == wanted


@extend_schema_field({"type": "array", "items": ID_OR_KEY})
class ManyKeysField(serializers.Field):
    """A many-to-many: reads ids (from a `pairs()` annotation), writes ids or natural keys."""

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        pairs_attr: str,
        natural: KeyParser | None = None,
        keeps_unseen: bool = False,
        **kwargs: Any,
    ) -> None:
        self.queryset, self.pairs_attr, self.natural = queryset, pairs_attr, natural
        self.keeps_unseen = keeps_unseen
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def unseen_of(self, instance: Model) -> list[Model]:
        """With `keeps_unseen`, the linked rows outside `queryset` (the writer's view of the
        targets): a write of the list replaces only what its writer could see."""
        if not self.keeps_unseen or not self.queryset.query.has_filters():
            return []
        return links_unseen(getattr(instance, self.source or ""), self.queryset)

    def get_attribute(self, instance: Model) -> Any:
        if hasattr(instance, self.pairs_attr):
            return [pair[0] for pair in pairs_of(instance, self.pairs_attr)]
        return sorted(getattr(instance, self.source or "").values_list("pk", flat=True))

    def row_reader(self, generic: RowReader) -> RowReader:
        """What a serialiser calls per row (ReadModelSerializer, lib/api/serializers.py):
        get_attribute and to_representation in one call; `generic` is DRF's way."""
        attr = self.pairs_attr

        def read(instance: Any) -> Any:
            if hasattr(instance, attr):
                return [pair[0] for pair in pairs_of(instance, attr)]
            return generic(instance)

        return read

    def to_representation(self, value: list[int]) -> list[int]:
        return value

    def to_internal_value(self, data: Any) -> list[Model]:
        if not isinstance(data, list):
            raise serializers.ValidationError("Give a list of ids or keys.")
        if len(data) > 1000:
            raise serializers.ValidationError("At most 1000 items.")
        found, missing = resolve_keys(self.queryset.all(), data, self.natural)
        if missing:
            raise serializers.ValidationError(f"Not found: {', '.join(missing)}.")
        return found


@extend_schema_field({"type": "array", "items": {"type": "string"}, "readOnly": True})
class PairLabelsField(serializers.Field):
    """The labels (names) beside the ids of a `pairs()` annotation, read only; `part` picks
    which label when the annotation carries several (1: the first)."""

    def __init__(self, *, pairs_attr: str, part: int = 1, **kwargs: Any) -> None:
        self.pairs_attr, self.part = pairs_attr, part
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance: Model) -> list[str]:
        return [pair[self.part] for pair in pairs_of(instance, self.pairs_attr)]

    def row_reader(self, generic: RowReader) -> RowReader:
        part, attr = self.part, self.pairs_attr
        return lambda instance: [pair[part] for pair in pairs_of(instance, attr)]


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "readOnly": True})
class IdsField(serializers.Field):
    """The ids of a `pairs()` annotation, read only."""

    def __init__(self, pairs_attr: str, **kwargs: Any) -> None:
        self.pairs_attr = pairs_attr
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, instance: Model) -> list[int]:
        return [pair[0] for pair in pairs_of(instance, self.pairs_attr)]
