from __future__ import annotations

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF would also take 0, "yes", "on"..."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictTextMixin:
    """A JSON string only: DRF would turn 12 into "12" where the schema says string."""

    def to_internal_value(self, data):
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


class ReadModelSerializer(serializers.ModelSerializer):
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

    def to_representation(self, instance):
        # DRF skips every default while `partial`, output included, so a PATCH would answer
        # without `country_name` (`source="country.name", default=None`) where a read has it
        # (encode/django-rest-framework#5905). Partial is about input only.
        root = self.root
        partial = getattr(root, "partial", False)
        root.partial = False
        try:
            return super().to_representation(instance)
        finally:
            root.partial = partial


class ModelSerializer(ReadModelSerializer):
    """Runs the model's own validation (clean, constraints, uniqueness) before a write, so a
    bad payload is a 400 carrying the constraint's message, never a database error."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model = self.Meta.model
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

    def create(self, validated_data: dict):
        many = self._many(validated_data)
        instance = super().create(validated_data)
        for name, rows in many.items():
            getattr(instance, name).set(rows)
        return instance

    def update(self, instance, validated_data: dict):
        many = self._many(validated_data)
        instance = super().update(instance, validated_data)
        for name, rows in many.items():
            getattr(instance, name).set(rows)
        return instance
