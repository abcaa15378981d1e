"""History pages whose cost does not grow with the number of versions shown.

django-simple-history diffs many-to-many fields with two queries per field per version; this
loads each field's historical rows for the whole page in one query and diffs them in memory.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

from django.db.models import Model
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.utils import get_m2m_reverse_field_name


def _m2m_rows(
    records: list[Any], field_name: str, model: type[Model]
) -> dict[int, list[dict[str, Any]]]:
    """Historical through rows of one M2M field, per history id, as simple-history shows them."""
    through = getattr(records[0], field_name).model
    reverse = get_m2m_reverse_field_name(model._meta.get_field(field_name))
    columns = [
        f.name
        for f in through._meta.fields
        if f.editable and f.name not in ("id", "m2m_history_id", "history")
    ]
    rows = defaultdict(list)
    for row in (
        through.objects.filter(history__in=[r.history_id for r in records])
        .select_related(*columns)
        .order_by(reverse)
    ):
        rows[row.history_id].append({column: getattr(row, column) for column in columns})
    return rows


class BulkDiffHistoryAdmin(SimpleHistoryAdmin):
    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        m2m_names = [field.name for field in self.model.history.model._history_m2m_fields]
        if not m2m_names or len(records) < 2:
            return super().set_history_delta_changes(
                request, records, foreign_keys_are_objs=foreign_keys_are_objs
            )
        rows = {name: _m2m_rows(records, name, self.model) for name in m2m_names}
        for newer, older in pairwise(records):
            delta = newer.diff_against(
                older, excluded_fields=m2m_names, foreign_keys_are_objs=foreign_keys_are_objs
            )
            changes = list(delta.changes)
            for name in m2m_names:
                before, after = rows[name][older.history_id], rows[name][newer.history_id]
                if before != after:
                    changes.append(ModelChange(name, before, after))
            delta = ModelDelta(
                changes=changes,
                changed_fields=[change.field for change in changes],
                old_record=older,
                new_record=newer,
            )
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)
