from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from statements.extract import statements_extract
from statements.models import Statement
from statements.tasks import EXTRACT_BATCH


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
        with tqdm(total=len(ids), desc="statements", unit="statement", disable=len(ids) < 2) as bar:
            for first in range(0, len(ids), EXTRACT_BATCH):
                batch = ids[first : first + EXTRACT_BATCH]
                statements_extract(statement_ids=batch)
                bar.update(len(batch))
        self.stdout.write(self.style.SUCCESS(f"Extracted {len(ids)} statements."))
