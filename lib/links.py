"""Many-to-many links a writer cannot see, kept when that writer replaces the list.

A form or a payload offers only the rows its writer may see (restricted statements hidden),
so saving it would drop the links to the others: each writer reads them first, with this,
and puts them back beside what it saved.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet


def links_unseen(linked: Any, visible: QuerySet[Any]) -> list[Model]:
    """The rows of a related manager `linked` that lie outside `visible`."""
    return list(linked.exclude(pk__in=visible.values("pk")))
