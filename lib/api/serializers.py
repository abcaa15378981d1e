from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from .errors import PreconditionFailed, stale_message

if TYPE_CHECKING:
    # The mixins below extend DRF classes; the checker reads them as their subclasses.
    _Field = serializers.CharField
    _Serializer = serializers.ModelSerializer
else:
    _Field = _Serializer = object


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF would also take 0, "yes", "on"..."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictTextMixin(_Field):
    """A JSON string only: DRF would turn 12 into "12" where the schema says string."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictTextMixin, serializers.CharField):
    pass


class StrictEmailField(StrictTextMixin, serializers.EmailField):
    pass


class StrictSlugField(StrictTextMixin, serializers.SlugField):
    pass


class StrictURLField(StrictTextMixin, serializers.URLField):
    pass


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF would also take "12" and 12.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


_SKIP = object()
# Fields whose representation of a value already of the given type is the value itself.
_AS_STORED = {
    serializers.CharField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.BooleanField.to_representation: bool,
}


def _reader(field):
    """How to read one field off a row: DRF's get_attribute + to_representation, with the
    per-row work DRF repeats done once. A plain attribute is read with getattr, and shown as
    it is stored when its type is already the one shown (most text and number columns)."""
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        field.timezone = field.default_timezone()  # type: ignore[assignment]  # DRF looks the zone up for every value
    stored_type = _AS_STORED.get(type(field).to_representation)
    represent = field.to_representation

    def read(instance):
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else represent(attribute)

    row_reader = getattr(field, "row_reader", None)
    if row_reader is not None:
        # The field reads a row in one call (the relation fields of lib/api/fields.py), and
        # hands a row it cannot read so to DRF's way.
        return row_reader(read)
    if type(field).get_attribute is not serializers.Field.get_attribute:
        return read
    if len(field.source_attrs) != 1:
        return read
    name = field.source_attrs[0]

    def read_plain(instance):
        value = getattr(instance, name, _SKIP)
        if value is None:
            return None
        if type(value) is stored_type:
            return value
        if value is _SKIP or callable(value):
            return read(instance)  # DRF's rules for defaults, methods and missing attributes
        return represent(value)

    return read_plain


# serializer class -> its fields as DRF builds them, unbound, never handed out themselves
_FIELD_TEMPLATES: dict[type, dict[str, serializers.Field]] = {}


def _field_copy(field: serializers.Field) -> serializers.Field:
    # A nested serializer keeps its own fields (and a list serializer its child) once bound:
    # copied shallowly, two requests would share them and their context. Those are deep
    # copied, as DRF copies every field.
    if isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    return copy.copy(field)


class ReadModelSerializer(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # DRF rebuilds every field from the model's (and deep-copies the declared ones,
        # querysets and all) for each serializer: half a list's serializer cost. What it
        # builds depends on the class only (Meta and declared fields), so it is built once
        # and each serializer binds shallow copies of it.
        template = _FIELD_TEMPLATES.get(type(self))
        if template is None:
            template = _FIELD_TEMPLATES[type(self)] = super().get_fields()
        return {name: _field_copy(field) for name, field in template.items()}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # DRF's own loop, with each field's reader chosen once per serializer instead of per
        # row: a page of 100 opportunities spent more time here than in the database.
        readers = self.__dict__.get("_readers")
        if readers is None:
            readers = self._readers = [
                (field.field_name or "", _reader(field)) for field in self._readable_fields
            ]
        # DRF skips every default while `partial`, output included, so a PATCH would answer
        # without `country_name` (`source="country.name", default=None`) where a read has it
        # (encode/django-rest-framework#5905). Partial is about input only.
        root = self.root
        partial = getattr(root, "partial", False)
        root.partial = False
        try:
            shown: dict[str, Any] = {}
            for name, read in readers:
                value = read(instance)
                if value is not _SKIP:
                    shown[name] = value
            return shown
        finally:
            root.partial = partial

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
    }


class ModelSerializer(ReadModelSerializer):
    """Runs the model's own validation (clean, constraints, uniqueness) before a write, so a
    bad payload is a 400 carrying the constraint's message, never a database error."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=sorted(many))
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return attrs

    def _many(self, validated_data: dict) -> dict:
        from .fields import ManyKeysField

        return {
            field.source: validated_data.pop(field.source)
            for field in self.fields.values()
            if isinstance(field, ManyKeysField) and field.source in validated_data
        }

    def _links_set(self, instance: Any, many: dict) -> None:
        """Write each many-to-many's rows, keeping the links the writer could not see."""
        from .fields import ManyKeysField

        fields = {
            field.source: field
            for field in self.fields.values()
            if isinstance(field, ManyKeysField)
        }
        for name, rows in many.items():
            getattr(instance, name).set([*rows, *fields[name].unseen_of(instance)])

    def create(self, validated_data: dict[str, Any]) -> Any:
        many = self._many(validated_data)
        instance = super().create(validated_data)
        self._links_set(instance, many)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        many = self._many(validated_data)
        instance = super().update(instance, validated_data)
        self._links_set(instance, many)
        return instance


def version_field() -> StrictIntegerField:
    return StrictIntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="On a write: the version you read; a stale one gets 412 and changes nothing",
    )


class VersionPreconditionMixin(_Serializer):
    """`version` (declare it with `version_field()`) is the record's version on a read and the
    version the client read on a write: a stale one is a 412 before anything else is checked.
    The service that saves must check again under a lock."""

    def validate(self, attrs: dict) -> dict:
        version = attrs.pop("version", None)
        if self.instance is not None and version is not None and version != self.instance.version:
            raise PreconditionFailed(stale_message(self.instance.version))
        return super().validate(attrs)
