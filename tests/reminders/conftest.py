"""Fixtures the reminder tests share (the admin ones come from tests/admin)."""

from __future__ import annotations

from tests.admin.conftest import client_for, outsider  # noqa: F401
