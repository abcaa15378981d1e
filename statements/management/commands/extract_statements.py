from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from statements.extract import statement_extract
from statements.models import Statement


class Command(BaseCommand):
    help = "Extract mentions (and suggestions) from statements, in this process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("statement_ids", nargs="*", type=int)
        parser.add_argument(
            "--all", dest="again", action="store_true", help="Also those extracted before"
        )

    def handle(self, *args, statement_ids: list[int], again: bool, **options) -> None:
        statements = Statement.objects.order_by("pk")
        if statement_ids:
            statements = statements.filter(pk__in=statement_ids)
        elif not again:
            statements = statements.filter(extracted_at__isnull=True)
        ids = list(statements.values_list("pk", flat=True))
        for statement_id in tqdm(ids, desc="statements", unit="statement", disable=len(ids) < 2):
            statement_extract(statement_id=statement_id)
        self.stdout.write(self.style.SUCCESS(f"Extracted {len(ids)} statements."))
