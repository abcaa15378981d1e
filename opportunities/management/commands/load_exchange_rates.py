"""manage.py load_exchange_rates rates.csv: dated exchange rates from a CSV file."""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opportunities.money.loading import exchange_rates_load


class Command(BaseCommand):
    help = "Load exchange rates from a CSV file with the columns date,currency,quote,rate[,source]."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="CSV file (UTF-8), or - for standard input")

    def handle(self, *args, path: str, **options) -> None:
        try:
            if path == "-":
                report = exchange_rates_load(lines=sys.stdin)
            else:
                with open(path, encoding="utf-8-sig", newline="") as stream:
                    report = exchange_rates_load(lines=stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        except ValidationError as error:
            raise CommandError("Nothing loaded:\n" + "\n".join(error.messages)) from error
        self.stdout.write(f"{report.created} rates added, {report.updated} changed.")
