"""Fixtures the reminder tests share (the admin and HTTP ones come from their own packages)."""

from __future__ import annotations

from tests.admin.conftest import client_for, outsider  # noqa: F401
from tests.statements.httpserver import http_server  # noqa: F401

from .smtpserver import smtp_server  # noqa: F401
