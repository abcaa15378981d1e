"""The opportunities app's admin: each module registers its own classes on import."""

from __future__ import annotations

# Imported for their registrations, the split by subject keeping each module readable.
from . import admin_follow_ups, admin_opportunities, admin_people  # noqa: F401
from .money import admin as money_admin  # noqa: F401
from .reminders import admin as reminders_admin  # noqa: F401
from .suggestions import admin as suggestions_admin  # noqa: F401
