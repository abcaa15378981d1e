"""A correlated subquery whose SQL is built once per shape of the query around it.

Resolving and compiling the five relation subqueries of an opportunity list cost more than
running them (bench/README.md, load_bench): about 3 ms of a 17 ms request, on every request,
for SQL that never changes. `CompiledSubquery` resolves its query against the outer one when
that is compiled, the first time for each shape of outer query (database, outer alias, alias
prefixes in use), and reuses the text and parameters after that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Subquery


class CompiledSubquery(Subquery):
    """`Subquery` with its SQL kept per outer shape. Build it once (at import, or in a
    `functools.cache`d function) so that the kept SQL is reused; its query must not depend on
    the request (a reader's own filters belong in a plain `Subquery`). Not for an outer
    query with GROUP BY: unresolved, it cannot name the outer columns it would be grouped by,
    so it is grouped by itself."""

    def __init__(self, queryset: Any, output_field: Any = None, **extra: Any) -> None:
        super().__init__(queryset, output_field, **extra)
        # shape -> (sql, params, the outer query's subquery prefixes after resolving)
        self._compiled: dict[tuple, tuple[str, tuple, frozenset]] = {}

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        # Resolved in as_sql, against the query actually compiled (a count's or a relabelled
        # copy's included), so annotate() costs nothing; the shared template is never changed.
        return self

    def relabeled_clone(self, change_map: Mapping[str, str]) -> CompiledSubquery:
        # The outer aliases are read when compiled; relabelling the unresolved inner query
        # could only rename its own aliases that happen to share a name.
        return self

    def get_group_by_cols(self) -> list[Any]:
        return [self]

    def as_sql(
        self, compiler: Any, connection: Any, template: str | None = None, **extra: Any
    ) -> tuple[str, tuple]:
        outer = compiler.query
        shape = (
            connection.vendor,
            outer.model,
            next(iter(outer.alias_map), None),
            outer.alias_prefix,
            frozenset(outer.subq_aliases),
            template,
            tuple(sorted(extra.items())),
        )
        found = self._compiled.get(shape)
        if found is None:
            resolved = Subquery(self.query, output_field=self.output_field, **self.extra)
            resolved = resolved.resolve_expression(outer)
            sql, params = resolved.as_sql(compiler, connection, template, **extra)
            found = (sql, tuple(params), frozenset(outer.subq_aliases))
            self._compiled[shape] = found
        # The prefixes the resolution reserved, so a sibling subquery sees the same shape.
        outer.subq_aliases = found[2]
        return found[0], found[1]
