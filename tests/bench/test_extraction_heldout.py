"""The blind held-out set (bench/extraction/heldout/) and the evaluation's --set option that
reads it: its labels agree with its files and the reference data, and the evaluation runs on it
end to end and prints its figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pycountry
from django.conf import settings

from bench.extraction import scoring
from partners.models import PolicyOpening
from partners.reference import INVESTMENT_AREAS

PROJECT = Path(__file__).resolve().parents[2]
HELDOUT = scoring.LABELS.parent / "heldout"
EVAL = PROJECT / "bench" / "extraction_eval.py"


def texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in HELDOUT.glob("*.txt")}


def test_heldout_labels_agree_with_their_files_and_the_reference_data() -> None:
    labels = scoring.labels_load(HELDOUT / "labels.json")
    reference = {
        "countries": {country.alpha_2 for country in pycountry.countries},
        "areas": {spec.name for spec in INVESTMENT_AREAS},
        "policy kinds": set(PolicyOpening.Kind.values),
        "home": {settings.TRACKER_HOME_COUNTRY},
    }
    assert scoring.labels_problems(labels, texts(), reference) == []
    assert len(labels) == 24
    kinds = [label["kind"] for label in labels.values()]
    assert kinds.count("negative") >= 6 and set(kinds) == set(scoring.KINDS)
    for name, text in texts().items():
        assert 150 <= len(text.split()) <= 600, name


def test_heldout_files_are_not_in_the_default_set() -> None:
    """The default run reads only bench/extraction/*.txt, so the held-out files stay unseen."""
    default = scoring.labels_load()
    assert not set(default) & set(scoring.labels_load(HELDOUT / "labels.json"))


def run_eval(*args: str) -> subprocess.CompletedProcess:
    # The child sets itself up as the bench does (its own SQLite file, DEBUG off), not as a test.
    env = {key: value for key, value in os.environ.items() if key != "TRACKER_TESTING"}
    command = [sys.executable, str(EVAL), *args]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)


def test_eval_runs_on_the_heldout_set_and_prints_its_figures() -> None:
    done = run_eval("--set", str(HELDOUT.relative_to(PROJECT)))
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "24 labelled statements" in out
    assert re.search(r"party countries +precision \d\.\d\d +recall \d\.\d\d +F1 \d\.\d\d", out)
    assert re.search(r"commitments +precision \d\.\d\d", out)
    assert re.search(r"suggestions +\d+ right, \d+ wrong", out)
    assert "Against the targets of issue 13:" in out and "Per statement" in out


def test_eval_refuses_a_folder_without_labels(tmp_path) -> None:
    done = run_eval("--set", str(tmp_path))
    assert done.returncode == 2
    assert f"{tmp_path} has no labels.json" in done.stderr
