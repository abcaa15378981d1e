"""Links from a figure to the list behind it, keeping the page's filters."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

from .filters import Scope


def opportunity_link(scope: Scope, **params: object) -> str:
    return list_path("dashboards:opportunities", get_script_prefix()) + scope.query(**params)


def follow_up_link(scope: Scope, **params: object) -> str:
    return list_path("dashboards:follow_ups", get_script_prefix()) + scope.query(**params)


@lru_cache(maxsize=16)
def list_path(name: str, script_prefix: str) -> str:
    """reverse() once per list and script prefix: the overview builds a few hundred links."""
    return reverse(name)
