"""Celery jobs of the wiring app: thin wrappers over its services."""

from __future__ import annotations

from celery import shared_task

from .audit import sheet_logs_prune


@shared_task(acks_late=True)
def prune_sheet_logs() -> int:
    # Idempotent: a second run deletes nothing more.
    return sheet_logs_prune()
