"""Natural keys: how a sheet or an API client names a partner record instead of its id."""

from __future__ import annotations

import re

from django.db.models import Q

FIRM_KEY = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[A-Za-z]{2})\)$")


def country_key(value: str) -> Q | None:
    return Q(code__iexact=value) if len(value) == 2 else Q(name__iexact=value)


def area_key(value: str) -> Q:
    return Q(slug__iexact=value)


def firm_key(value: str) -> Q:
    """ "Mitsubishi Heavy Industries (JP)", or a name alone when it is unique."""
    match = FIRM_KEY.match(value)
    if match:
        return Q(name__iexact=match["name"], country__code__iexact=match["code"])
    return Q(name__iexact=value)
