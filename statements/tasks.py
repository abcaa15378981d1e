"""Celery jobs of the statements app: thin wrappers that take ids and call the services.

Each is idempotent: a redelivered or retried task finds its work done and changes nothing.
"""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction

from . import extract, imports
from .models import Statement
from .parse import ParseError

RETRY_POLICY = {
    "acks_late": True,
    "max_retries": 5,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
}


def queue_extraction(statement_ids: list[int]) -> None:
    for statement_id in statement_ids:
        transaction.on_commit(partial(extract_statement.delay, statement_id))


@shared_task(bind=True, **RETRY_POLICY)
def import_source(self, source_id: int) -> dict:
    try:
        run = imports.source_import(source_id=source_id)
    except imports.SourceFailed as error:
        if error.transient:
            raise self.retry(exc=error) from error
        return {"source": source_id, "status": "failed", "error": str(error)}
    queue_extraction(run.new_statement_ids)
    return {"source": source_id, "run": run.pk, "status": run.status, "new": run.new}


@shared_task(bind=True, **RETRY_POLICY)
def extract_statement(self, statement_id: int) -> dict:
    try:
        result = extract.statement_extract(statement_id=statement_id)
    except Statement.DoesNotExist:
        return {"statement": statement_id, "status": "deleted"}
    return {"statement": statement_id, "mentions": len(result.mentions)}


@shared_task(bind=True, **RETRY_POLICY)
def import_due_sources(self) -> list[int]:
    claimed = imports.sources_claim_due()
    for source_id in claimed:
        transaction.on_commit(partial(import_source.delay, source_id))
    return claimed


@shared_task(bind=True, **RETRY_POLICY)
def reprocess_statement(self, statement_id: int) -> dict:
    try:
        imports.statement_reprocess(statement_id=statement_id)
    except ParseError as error:
        return {"statement": statement_id, "status": "failed", "error": str(error)}
    queue_extraction([statement_id])
    return {"statement": statement_id, "status": "reparsed"}
