"""Extraction quality on the project's own labelled statements (issue 13, point 8).

    .venv/bin/python bench/extraction_eval.py [--quiet] [--set DIR]

Imports every file of bench/extraction/ (or of --set DIR, e.g. the blind held-out set
bench/extraction/heldout/; each folder has its own labels.json) into a fresh temporary SQLite
database (reference data loaded, one folder source per publishing country, tasks in-process),
extracts and proposes as production does, then compares what was stored with the folder's
labels.json. Prints the figures, then what each statement got wrong (--quiet leaves that out).
See README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from extraction.scoring import LABELS, Counts, Report, evaluate, labels_load, labels_problems
from import_bench import django_setup

FOLDER = LABELS.parent
TARGETS = {  # issue 13, "Done when"
    "party countries F1": 0.95,
    "suggestions right": 0.95,
    "policy openings right": 0.95,
    "area recall": 0.85,
    "commitment precision": 0.9,
    "commitment recall": 0.8,
    "name candidate precision": 0.8,
}


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def reference() -> dict[str, set[str]]:
    from django.conf import settings

    from partners.models import Country, InvestmentArea, PolicyOpening

    return {
        "countries": set(Country.objects.values_list("code", flat=True)),
        "areas": set(InvestmentArea.objects.values_list("name", flat=True)),
        "policy kinds": set(PolicyOpening.Kind.values),
        "home": {settings.TRACKER_HOME_COUNTRY},
    }


def counts_line(name: str, counts: Counts) -> str:
    return (
        f"{name:<24} precision {share(counts.precision)}  recall {share(counts.recall)}  "
        f"F1 {share(counts.f1)}  ({counts.tp} right, {counts.fp} extra, {counts.fn} missed)"
    )


def verdicts(report: Report) -> dict[str, float | None]:
    return {
        "party countries F1": report.parties.f1,
        "suggestions right": report.suggestions_right / report.statements,
        "policy openings right": report.policies_right / report.statements,
        "area recall": report.areas.recall,
        "commitment precision": report.commitments.precision,
        "commitment recall": report.commitments.recall,
        "name candidate precision": report.names.precision if report.names else None,
    }


def report_print(report: Report, *, quiet: bool) -> None:
    total = report.statements
    print(f"{total} labelled statements")
    print(counts_line("party countries", report.parties))
    for name, right in (
        ("suggestions", report.suggestions_right),
        ("policy openings", report.policies_right),
    ):
        print(f"{name:<24} {right} right, {total - right} wrong ({right / total:.0%} right)")
    print(counts_line("areas", report.areas))
    print(counts_line("commitments", report.commitments))
    if report.names is None:
        print(f"{'name candidates':<24} not available (no name-candidate model yet)")
    else:
        print(counts_line("name candidates", report.names))
    print("\nAgainst the targets of issue 13:")
    for name, value in verdicts(report).items():
        met = "n/a" if value is None else ("met" if value >= TARGETS[name] else "missed")
        print(f"  {name:<26} {share(value):>5}  target >= {TARGETS[name]:.2f}: {met}")
    if quiet:
        return
    print("\nPer statement (what it got wrong):")
    for name, misses in report.misses.items():
        if misses:
            print(f"{name}")
            print("".join(f"    {miss}\n" for miss in misses), end="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    parser.add_argument(
        "--set",
        type=Path,
        default=FOLDER,
        metavar="DIR",
        help="folder of labelled .txt files and their labels.json (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    folder = args.set.resolve()
    if not (folder / "labels.json").is_file():  # a clear message, not a traceback
        parser.error(f"{args.set} has no labels.json")
    labels = labels_load(folder / "labels.json")
    with tempfile.TemporaryDirectory(prefix="extraction-eval-") as tmp:
        work = Path(tmp)
        # The eval's own folder sources live here; folder sources may read only allowed roots.
        os.environ["STATEMENTS_FOLDER_ROOTS"] = str(work / "files")
        django_setup(work / "eval.sqlite3")
        from extraction.collect import observed, statements_import

        texts = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.txt")}
        problems = labels_problems(labels, texts, reference())
        if problems:
            print("labels.json disagrees with the files:", *problems, sep="\n  ")
            return 1
        ids = statements_import(folder, labels, work / "files")
        missing = sorted(set(labels) - set(ids))
        if missing:
            print("not imported:", *missing, sep="\n  ")
            return 1
        report = evaluate(labels, {name: observed(ids[name]) for name in labels})
    print(f"set: {args.set}")
    report_print(report, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
