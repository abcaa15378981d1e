"""The blind held-out sets (bench/extraction/heldout/ and heldout2/ to heldout5/) and the
evaluation's --set option that reads them: their labels agree with their files and the reference
data, and the evaluation runs on each end to end and prints its figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
from django.conf import settings

from bench.extraction import scoring
from partners.models import PolicyOpening
from partners.reference import INVESTMENT_AREAS

PROJECT = Path(__file__).resolve().parents[2]
HELDOUT = scoring.LABELS.parent / "heldout"
# Each set is written blind, after the rules were tuned on the sets before it.
NAMES = ("heldout2", "heldout3", "heldout4", "heldout5")
SETS = [HELDOUT, *(scoring.LABELS.parent / name for name in NAMES)]
EVAL = PROJECT / "bench" / "extraction_eval.py"
each_set = pytest.mark.parametrize("folder", SETS, ids=lambda folder: folder.name)


def texts(folder: Path = HELDOUT) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.txt")}


@each_set
def test_heldout_labels_agree_with_their_files_and_the_reference_data(folder: Path) -> None:
    labels = scoring.labels_load(folder / "labels.json")
    reference = {
        "countries": {country.alpha_2 for country in pycountry.countries},
        "areas": {spec.name for spec in INVESTMENT_AREAS},
        "policy kinds": set(PolicyOpening.Kind.values),
        "home": {settings.TRACKER_HOME_COUNTRY},
    }
    assert scoring.labels_problems(labels, texts(folder), reference) == []
    assert len(labels) == 24
    kinds = [label["kind"] for label in labels.values()]
    assert kinds.count("negative") >= 6 and set(kinds) == set(scoring.KINDS)
    for name, text in texts(folder).items():
        assert 150 <= len(text.split()) <= 600, name


@each_set
def test_heldout_files_are_not_in_the_default_set(folder: Path) -> None:
    """The default run reads only bench/extraction/*.txt, so the held-out files stay unseen."""
    default = scoring.labels_load()
    assert not set(default) & set(scoring.labels_load(folder / "labels.json"))


def test_heldout_sets_share_no_file() -> None:
    names = [set(scoring.labels_load(folder / "labels.json")) for folder in SETS]
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            assert not first & second


def run_eval(*args: str) -> subprocess.CompletedProcess:
    # The child sets itself up as the bench does (its own SQLite file, DEBUG off), not as a test.
    env = {key: value for key, value in os.environ.items() if key != "TRACKER_TESTING"}
    command = [sys.executable, str(EVAL), *args]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)


@each_set
def test_eval_runs_on_the_heldout_set_and_prints_its_figures(folder: Path) -> None:
    done = run_eval("--set", str(folder.relative_to(PROJECT)))
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
