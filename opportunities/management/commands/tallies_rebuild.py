"""`manage.py tallies_rebuild`: recount every team's dashboard tallies from the live tables.

The services keep the tallies current on every write; this is for after writes that bypass
them (a raw SQL fix, a restored backup, a data migration) and for the first deploy."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from opportunities.tallies.keep import tallies_rebuild


class Command(BaseCommand):
    help = "Recount the dashboards' tallies of every team from the opportunities."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        tallies_rebuild()
        self.stdout.write(f"Tallies rebuilt in {time.perf_counter() - started:.1f} s.")
