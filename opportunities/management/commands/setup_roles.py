from __future__ import annotations

from django.core.management.base import BaseCommand

from opportunities.roles import roles_setup


class Command(BaseCommand):
    help = "Create the Desk staff, Team lead and Analyst groups with their permissions."

    def handle(self, *args, **options) -> None:
        for name, count in roles_setup().items():
            self.stdout.write(f"{name}: {count} permissions")
        self.stdout.write(self.style.SUCCESS("Roles are set up."))
