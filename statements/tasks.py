"""Celery jobs of the statements app: thin wrappers that take ids and call the services.

Each is idempotent: a redelivered or retried task finds its work done and changes nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from lib.tasks import enqueue_after_commit, enqueue_each_after_commit

from . import extract, imports
from .models import Statement
from .parse import ParseError

RETRY_POLICY = {
    "acks_late": True,
    "max_retries": 5,
    "retry_backoff": 30,
    # Longer countdowns would be redelivered by Redis before they are due (see settings).
    "retry_backoff_max": settings.CELERY_MAX_COUNTDOWN,
    "retry_jitter": True,
}


# Statements per extraction task: a batch costs a fixed number of queries, so the bigger the
# batch the cheaper each statement, well within the task time limit (500 take about a second).
EXTRACT_BATCH = 500


def queue_extraction(statement_ids: list[int]) -> None:
    """Enqueue, once the transaction commits, one task for a single statement or one per batch."""
    if len(statement_ids) == 1:
        enqueue_after_commit(extract_statement, statement_ids[0])
        return
    batches = range(0, len(statement_ids), EXTRACT_BATCH)
    enqueue_each_after_commit(
        extract_statements, ([statement_ids[first : first + EXTRACT_BATCH]] for first in batches)
    )


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
def extract_statements(self, statement_ids: list[int]) -> dict:
    results = extract.statements_extract(statement_ids=statement_ids)
    return {
        "statements": len(results),
        "deleted": len(statement_ids) - len(results),
        "mentions": sum(len(result.mentions) for result in results),
    }


@shared_task(bind=True, **RETRY_POLICY)
def import_due_sources(self) -> list[int]:
    imports.import_runs_close_stale()
    queue_extraction(imports.statements_unextracted())
    claimed = imports.sources_claim_due()
    enqueue_each_after_commit(import_source, ([source_id] for source_id in claimed))
    return claimed


@shared_task(bind=True, **RETRY_POLICY)
def reprocess_statement(self, statement_id: int) -> dict:
    try:
        imports.statement_reprocess(statement_id=statement_id)
    except ParseError as error:
        return {"statement": statement_id, "status": "failed", "error": str(error)}
    queue_extraction([statement_id])
    return {"statement": statement_id, "status": "reparsed"}
