from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements import imports
from statements.models import Source
from statements.tasks import queue_extraction


class Command(BaseCommand):
    help = "Import statements from sources now, in this process (all active, due, or chosen)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source_ids", nargs="*", type=int, help="Only these sources")
        parser.add_argument("--due", action="store_true", help="Only sources whose run is due")

    def handle(self, *args, source_ids: list[int], due: bool, **options) -> None:
        if due:
            ids = imports.sources_claim_due()
        elif source_ids:
            ids = list(Source.objects.filter(pk__in=source_ids).values_list("pk", flat=True))
            if missing := set(source_ids) - set(ids):
                raise CommandError(f"No source with id {sorted(missing)}.")
        else:
            active = Source.objects.filter(is_active=True).exclude(kind=Source.Kind.MANUAL)
            ids = list(active.values_list("pk", flat=True))
        for source_id in tqdm(ids, desc="sources", unit="source", disable=len(ids) < 2):
            try:
                run = imports.source_import(source_id=source_id)
            except imports.SourceFailed as error:
                self.stderr.write(f"source {source_id}: failed: {error}")
                continue
            queue_extraction(run.new_statement_ids)
            self.stdout.write(
                f"{run.source}: {run.get_status_display()}; fetched {run.fetched}, new {run.new}, "
                f"duplicate {run.duplicate}, failed {run.failed}"
            )
            for error in run.errors:
                self.stdout.write(f"  {error['item']}: {error['error']}")
