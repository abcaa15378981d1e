"""The possible-duplicate opportunities finder's Python part, at growing sizes: does its cost
grow with the list (blocking) or with its square, and what does a page load read?

    .venv/bin/python bench/duplicates_bench.py [--sizes 2500 10000 40000] [--closed 0.4]

No database: the finder's three queries read plain values, and this builds the same rows in
memory from generated titles (a technology, an activity, sometimes a firm) over 15 partner
countries, one in 20 a near copy of another (case, punctuation, a word added), a share of them
won or lost (`--closed`). For each size, twice: "all" is every visible row (what the finder read
before it left closed work out and capped its read), "open" is what it reads now: the open rows,
at most ROWS_READ of them, the most recently changed (here: the highest ids). Each line: the rows
read, the candidate pairs compared, the pairs found, the copies made among the rows read, CPU.
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


def generated(size: int, closed: float, rng: random.Random) -> tuple[list, set[int], set[int]]:
    """The rows, the ids of the closed ones, and the ids of the copies made."""
    rows, closed_ids, copies = [], set(), set()
    for pk in range(size):
        if rows and rng.random() < 0.05:
            original = rng.choice(rows)
            title = original.key.upper() + rng.choice(["", "!", " contract", " phase"])
            countries = original.countries
            copies.add(pk)
        else:
            title = f"{rng.choice(TECH)} {rng.choice(ACTIVITY)} {rng.choice(FIRMS)} {pk % 97}"
            countries = frozenset(rng.sample(range(15), rng.choice([1, 1, 2])))
        if rng.random() < closed:
            closed_ids.add(pk)
        words = duplicates.title_words(title)
        rows.append(duplicates._Row(pk, " ".join(words), words, countries, frozenset()))
    return rows, closed_ids, copies


def measured(label: str, rows: list, copies: set[int]) -> None:
    compared = sum(
        min(duplicates.compared_with(len(block)), len(block) - 1 - i)
        for block in duplicates._blocks(rows)
        for i in range(len(block))
    )
    start = time.process_time()
    found = duplicates.pairs_found(rows)
    cpu = time.process_time() - start
    made = len(copies & {row.pk for row in rows})
    print(
        f"  {label:>4}: {len(rows):>6,} read, {compared:>9,} compared"
        f" ({compared / max(len(rows), 1):.1f} a row), {len(found):,} pairs found"
        f" ({made:,} copies made), CPU {cpu:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 10000, 40000])
    parser.add_argument("--closed", type=float, default=0.4, help="share won or lost")
    args = parser.parse_args()
    for size in args.sizes:
        rows, closed, copies = generated(size, args.closed, random.Random(size))
        print(f"{size:,} opportunities, {len(closed):,} closed:")
        measured("all", rows, copies)
        open_rows = [row for row in reversed(rows) if row.pk not in closed]
        measured("open", open_rows[: duplicates.ROWS_READ], copies)


if __name__ == "__main__":
    main()
