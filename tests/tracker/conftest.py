"""Fixtures the wiring tests share (the admin and HTTP ones come from their own packages)."""

from __future__ import annotations

from tests.admin.conftest import client_for  # noqa: F401
from tests.statements.httpserver import http_server  # noqa: F401
from tests.workers import broker_down, private_redis  # noqa: F401
