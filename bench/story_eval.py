"""Precision and recall of story grouping per similarity threshold, on a generated set.

    cd /work/main && .venv/bin/python bench/story_eval.py [--stories N] [--seed N]

The set (tests/statements/near_duplicates.py) holds announcements, copies of them edited as a
re-publisher does (trimmed, re-headlined, boilerplate added, reordered, all at once) and
different announcements on the same topic. A pair of statements is predicted to be one story
when, as at import (statements/stories.py), they share an LSH band and their MinHash signatures
estimate a similarity at or above the threshold. Precision and recall are over pairs; recall is
also given per kind of edit. No database is needed. See README.md for the figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
THRESHOLDS = [0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from statements import stories
    from tests.statements.near_duplicates import near_duplicate_set

    items = near_duplicate_set(stories=args.stories, seed=args.seed)
    signatures = [stories.signature(item.text) for item in items]
    by_band = defaultdict(set)
    for index, values in enumerate(signatures):
        for key in stories.band_keys(values):
            by_band[key].add(index)
    candidates = {
        pair for members in by_band.values() for pair in itertools.combinations(sorted(members), 2)
    }
    true_pairs = {
        (a, b)
        for a, b in itertools.combinations(range(len(items)), 2)
        if items[a].story == items[b].story
    }
    edit_of = {pair: _edit(items, pair) for pair in true_pairs}
    same_topic = {
        (a, b)
        for a, b in itertools.combinations(range(len(items)), 2)
        if items[a].topic == items[b].topic and items[a].story != items[b].story
    }
    scores = {
        pair: stories.similarity(signatures[pair[0]], signatures[pair[1]]) for pair in candidates
    }
    print(
        f"{len(items)} statements, {len(true_pairs)} copy pairs, {len(same_topic)} same-topic "
        f"pairs that must stay apart; {len(candidates)} LSH candidate pairs "
        f"({stories.BANDS} bands of {stories.ROWS}, {stories.NUM_PERM} permutations)"
    )
    edits = sorted(set(edit_of.values()))
    print(
        f"{'threshold':>9} {'precision':>9} {'recall':>7} {'same-topic joined':>17}  "
        + " ".join(f"{e:>11}" for e in edits)
    )
    for threshold in THRESHOLDS:
        predicted = {pair for pair, score in scores.items() if score >= threshold}
        hits = predicted & true_pairs
        precision = len(hits) / len(predicted) if predicted else 1.0
        recall = len(hits) / len(true_pairs)
        per_edit = []
        for edit in edits:
            wanted = [pair for pair, kind in edit_of.items() if kind == edit]
            per_edit.append(sum(pair in hits for pair in wanted) / len(wanted))
        marker = "  <- chosen" if threshold == stories.THRESHOLD else ""
        print(
            f"{threshold:>9.2f} {precision:>9.3f} {recall:>7.3f} "
            f"{len(predicted & same_topic):>17}  "
            + " ".join(f"{value:>11.3f}" for value in per_edit)
            + marker
        )


def _edit(items, pair) -> str:
    """What separates the two: the copy's edit, or two edited copies of one original."""
    kinds = {items[pair[0]].edit, items[pair[1]].edit} - {"original", "same topic"}
    return kinds.pop() if len(kinds) == 1 else ("copy-copy" if kinds else "same")


if __name__ == "__main__":
    main()
