"""Signals the statements app sends to apps above it (they subscribe in AppConfig.ready())."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a statement's mentions are stored; kwargs: statement_id (int).
statement_extracted = Signal()
