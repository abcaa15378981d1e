from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from statements.extract import statement_extract
from statements.imports import statement_reprocess
from statements.models import Statement
from statements.parse import ParseError


class Command(BaseCommand):
    help = "Parse statements again from their kept raw bytes (no fetching), then re-extract."

    def add_arguments(self, parser) -> None:
        parser.add_argument("statement_ids", nargs="*", type=int, help="Default: all")

    def handle(self, *args, statement_ids: list[int], **options) -> None:
        statements = Statement.objects.order_by("pk")
        if statement_ids:
            statements = statements.filter(pk__in=statement_ids)
        ids = list(statements.values_list("pk", flat=True))
        failed = 0
        for statement_id in tqdm(ids, desc="statements", unit="statement", disable=len(ids) < 2):
            try:
                statement_reprocess(statement_id=statement_id)
            except ParseError as error:
                failed += 1
                self.stderr.write(f"statement {statement_id}: {error}")
                continue
            statement_extract(statement_id=statement_id)
        self.stdout.write(f"Reprocessed {len(ids) - failed} statements, {failed} failed.")
