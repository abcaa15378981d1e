from __future__ import annotations

from django.core.management.base import BaseCommand

from tracker.demo import demo_load


class Command(BaseCommand):
    help = "Fill the database with a believable demo data set and print the demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--opportunities", type=int, default=60)

    def handle(self, *args, **options) -> None:
        result = demo_load(opportunities=options["opportunities"])
        if result["created"]:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data was already loaded; left as it is.")
        self.stdout.write(
            "Demo logins (new password on every run): "
            + ", ".join(result["users"])
            + f"\nPassword for all of them: {result['password']}"
        )
