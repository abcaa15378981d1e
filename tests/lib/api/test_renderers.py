"""The orjson renderer writes the document DRF's JSONRenderer writes."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from lib.api.renderers import FastJSONRenderer

# What reaches a renderer: serializer output (mostly strings and numbers) and error details.
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(values.filter(lambda value: value is not None))  # None renders as no body
def test_any_json_value_is_read_back_the_same(value):
    fast = FastJSONRenderer().render(value)
    assert json.loads(fast) == json.loads(JSONRenderer().render(value))


def test_types_orjson_does_not_know_are_written_as_drf_writes_them():
    data = {
        "lazy": gettext_lazy("Not found."),
        "detail": ErrorDetail("Give a value.", code="blank"),
        "amount": decimal.Decimal("1500.50"),
        "when": datetime.datetime(2026, 12, 1, 10, 30, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 12, 1),
        "at": datetime.time(9, 5, 7, 123456),
        "local": datetime.datetime(2026, 12, 1, 10, 30, 0, 987654),
        "id": uuid.UUID(int=7),
        "日本": "インド",
    }
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data))
    assert "インド".encode() in FastJSONRenderer().render(data)  # unescaped, as DRF writes it


def test_indented_json_is_drf_s_and_nothing_is_empty():
    indented = FastJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert FastJSONRenderer().render(None) == b""
