"""JSON written by orjson: a page of 100 opportunities is serialised several times faster than
by the standard library's encoder, which DRF's JSONRenderer uses (bench/api_bench.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_DRF_DEFAULT = JSONEncoder().default


class FastJSONRenderer(JSONRenderer):
    """DRF's compact, unescaped-Unicode JSON, by orjson. What orjson does not know itself
    (lazy translations, Decimals, querysets...) goes to DRF's own encoder, so both write the
    same document; a request for indented JSON is DRF's to answer."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        # Dates and times too: DRF writes UTC as "Z" and cuts microseconds to milliseconds.
        return orjson.dumps(data, default=_DRF_DEFAULT, option=orjson.OPT_PASSTHROUGH_DATETIME)
