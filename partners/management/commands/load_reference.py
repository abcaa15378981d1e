from __future__ import annotations

from django.core.management.base import BaseCommand

from partners.reference import reference_load


class Command(BaseCommand):
    help = "Load countries, investment areas, the vocabulary and reference firms; safe to rerun."

    def handle(self, *args, **options) -> None:
        created = reference_load()
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: created {summary}."))
