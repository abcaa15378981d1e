"""Signals the statements app sends to apps above it (they subscribe in AppConfig.ready())."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a batch of statements' mentions and links are committed; kwargs: statement_ids
# (list of int, one or more).
statement_extracted = Signal()
