"""The possible-duplicate opportunities finder's Python part, at growing sizes: does its cost
grow with the list (blocking) or with its square?

    .venv/bin/python bench/duplicates_bench.py [--sizes 2500 10000 40000]

No database: the finder's three queries read plain values, and this builds the same rows in
memory from generated titles (a technology, an activity, sometimes a firm) over 15 partner
countries, one in 20 a near copy of another (case, punctuation, a word added). For each size:
the candidate pairs compared, the pairs found, the copies found, and the CPU time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("TRACKER_EMBEDDED", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from opportunities import duplicates  # noqa: E402

_TECH = (
    "radar sonar frigate submarine drone UAV UGV missile torpedo satellite helicopter P-1 US-2 "
    "tank howitzer rifle jet engine avionics armour radio encryption ammunition shipyard"
)
_ACTIVITY = (
    "co-production co-development maintenance refit purchase training trials upgrade licence "
    "export study joint venture localisation supply chain testing research"
)
TECH, ACTIVITY = _TECH.split(), _ACTIVITY.split()
FIRMS = ["MHI", "KHI", "BEL", "HAL", "L&T", "Tata", "Thales", "Safran", "NEC", "Fujitsu", ""]


def generated(size: int, rng: random.Random) -> tuple[list, int]:
    rows, copies = [], 0
    for pk in range(size):
        if rows and rng.random() < 0.05:
            original = rng.choice(rows)
            title = original.key.upper() + rng.choice(["", "!", " contract", " phase"])
            countries = original.countries
            copies += 1
        else:
            title = f"{rng.choice(TECH)} {rng.choice(ACTIVITY)} {rng.choice(FIRMS)} {pk % 97}"
            countries = frozenset(rng.sample(range(15), rng.choice([1, 1, 2])))
        words = duplicates.title_words(title)
        rows.append(duplicates._Row(pk, " ".join(words), words, countries, frozenset()))
    return rows, copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 10000, 40000])
    args = parser.parse_args()
    for size in args.sizes:
        rows, copies = generated(size, random.Random(size))
        compared = sum(
            min(duplicates.compared_with(len(block)), len(block) - 1 - i)
            for block in duplicates._blocks(rows)
            for i in range(len(block))
        )
        start = time.process_time()
        found = duplicates.pairs_found(rows)
        cpu = time.process_time() - start
        print(
            f"{size:>6} rows: {compared:>9,} compared ({compared / size:.1f} a row),"
            f" {len(found):,} pairs found ({copies:,} copies made), CPU {cpu:.2f} s"
        )


if __name__ == "__main__":
    main()
