"""Request parsers that answer a hostile body with a 400, never a 500."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested too deeply to decode.

    The standard library's decoder recurses once per level and gives up with RecursionError
    around a thousand levels; DRF catches only ValueError, so `[[[[...]]]]` was a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
