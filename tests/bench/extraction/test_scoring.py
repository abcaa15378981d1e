"""The extraction evaluation (bench/extraction_eval.py): its scoring on tiny inputs, the labels
against the files and the reference data, and one import through the production path."""

from __future__ import annotations

import shutil

import pycountry
import pytest
from django.conf import settings

from bench.extraction import scoring
from bench.extraction.scoring import (
    Observed,
    areas_score,
    cap_normal,
    commitments_score,
    evaluate,
    names_score,
    policy_right,
    set_score,
    suggestion_right,
)
from partners.models import PolicyOpening
from partners.reference import INVESTMENT_AREAS, reference_load

FOLDER = scoring.LABELS.parent


def texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in FOLDER.glob("*.txt")}


def test_party_scores_count_a_topic_country_as_extra() -> None:
    outcome = set_score({"IN", "FR"}, {"IN", "FR", "UA"})
    assert outcome.counts.precision == pytest.approx(2 / 3)
    assert outcome.counts.recall == 1.0
    assert outcome.counts.f1 == pytest.approx(0.8)
    assert outcome.extra == ["UA"]


def test_a_commitment_stored_twice_counts_once_right_and_once_extra() -> None:
    stored = ["The two sides agreed to hold talks in 2026."] * 2 + ["The sky is blue."]
    outcome = commitments_score(["agreed to hold talks", "will sign an MoU"], stored)
    assert (outcome.counts.tp, outcome.counts.fp, outcome.counts.fn) == (1, 2, 1)
    assert outcome.counts.precision == pytest.approx(1 / 3)
    assert outcome.counts.recall == 0.5
    assert outcome.missed == ["will sign an mou"]


def test_an_area_label_is_met_by_the_combined_area_of_today() -> None:
    outcome = areas_score(
        ["Maritime domain awareness", "Space"],
        {"Maritime security and domain awareness", "Training and exercises"},
    )
    assert (outcome.counts.tp, outcome.counts.fp, outcome.counts.fn) == (1, 1, 1)
    assert outcome.extra == ["Training and exercises"] and outcome.missed == ["Space"]


def test_names_compare_without_titles_and_ignore_optional_ones() -> None:
    labels = [
        {"text": "Richard Marles", "kind": "person"},
        {"text": "Austal", "kind": "org"},
        {"text": "Indian Navy", "kind": "org", "optional": True},
    ]
    found = ["Mr Richard Marles", "Indian Navy", "Deputy Prime Minister"]
    outcome = names_score(labels, found)
    assert outcome.counts.precision == 0.5  # Marles right, "Deputy Prime Minister" extra
    assert outcome.counts.recall == 0.5  # Austal missed; the navy counts neither way
    assert outcome.missed == ["austal"]


def test_a_suggestion_is_right_only_for_the_labelled_pairing() -> None:
    label = {"suggestion": True, "parties": ["IN", "FR"]}
    assert suggestion_right(label, [frozenset({"IN", "FR"})])[0]
    assert not suggestion_right(label, [frozenset({"IN", "FR", "UA"})])[0]
    assert not suggestion_right(label, [])[0]
    assert suggestion_right({"suggestion": False, "parties": ["IN"]}, [])[0]


def test_policy_caps_compare_in_any_spelling() -> None:
    assert cap_normal("seventy-four percent") == cap_normal("74 per cent") == "74%"
    label = {"owner": "IN", "kind": "fdi", "cap": "74%"}
    assert policy_right(label, [("IN", "fdi", "74 per cent, automatic route")])[0]
    assert not policy_right(label, [("IN", "fdi", "")])[0]
    assert not policy_right(label, [("AU", "fdi", "74%")])[0]
    assert not policy_right(None, [("IN", "fdi", "")])[0]


def test_evaluate_adds_up_the_statements() -> None:
    labels = {
        "a.txt": {
            **{"parties": ["IN", "FR"], "others": ["UA"], "suggestion": True, "policy": None},
            **{"areas": ["Space"], "commitments": ["agreed to meet"], "names": []},
        },
        "b.txt": {
            **{"parties": ["IN", "AU"], "others": [], "suggestion": False, "policy": None},
            **{"areas": [], "commitments": [], "names": []},
        },
    }
    observed = {
        "a.txt": Observed({"IN", "FR", "UA"}, [frozenset({"IN", "FR", "UA"})], [], {"Space"},
                          ["They agreed to meet."], None),
        "b.txt": Observed({"IN", "AU"}, [], [], {"Training and exercises"}, [], None),
    }  # fmt: skip
    report = evaluate(labels, observed)
    assert report.parties.precision == pytest.approx(4 / 5) and report.parties.recall == 1.0
    assert (report.suggestions_right, report.policies_right, report.statements) == (1, 2, 2)
    assert report.areas.precision == 0.5 and report.areas.recall == 1.0
    assert report.commitments.precision == 1.0 and report.names is None
    assert report.misses["a.txt"][0] == "parties extra: UA (other)"
    assert "areas extra: Training and exercises" in report.misses["b.txt"]


def test_labels_agree_with_the_files_and_the_reference_data() -> None:
    labels = scoring.labels_load()
    reference = {
        "countries": {country.alpha_2 for country in pycountry.countries},
        "areas": {spec.name for spec in INVESTMENT_AREAS},
        "policy kinds": set(PolicyOpening.Kind.values),
        "home": {settings.TRACKER_HOME_COUNTRY},
    }
    assert scoring.labels_problems(labels, texts(), reference) == []
    assert len(labels) >= 36
    kinds = [label["kind"] for label in labels.values()]
    assert kinds.count("negative") >= 8 and set(kinds) == set(scoring.KINDS)
    for name, text in texts().items():
        if scoring.spaced(text):
            assert 150 <= len(text.split()) <= 600, name
        else:  # Japanese or Korean: about two characters to an English word
            assert 300 <= len("".join(text.split())) <= 1500, name


def test_labels_problems_name_what_is_wrong() -> None:
    label = {
        **{"kind": "speech", "source": "XX", "parties": ["FR", "JP"], "others": []},
        **{"suggestion": True, "policy": {"owner": "IN", "kind": "tax", "cap": None}},
        **{"areas": ["Knitting"], "commitments": ["agreed to knit"], "names": []},
    }
    reference = {"countries": {"FR", "JP", "IN"}, "areas": set(), "policy kinds": {"fdi"}}
    problems = scoring.labels_problems(
        {"a.txt": label}, {"b.txt": "Text"}, {**reference, "home": {"IN"}}
    )
    assert problems == [
        "b.txt: not labelled",
        "a.txt: labelled, no such file",
        "a.txt: policy kind 'tax'",
        "a.txt: XX is not a country",
        "a.txt: no area 'Knitting'",
        "a.txt: kind 'speech'",
        "a.txt: a suggestion pairs the home country, which is not among the parties",
        "a.txt: 'agreed to knit' is not in the text",
    ]


@pytest.mark.django_db
def test_collect_imports_labelled_files_and_reads_back_the_results(
    tmp_path, tasks_in_process, django_capture_on_commit_callbacks
) -> None:
    from bench.extraction.collect import observed, statements_import

    reference_load()
    names = ["in-fr-engine-joint-statement.txt", "neg-monsoon-weather-bulletin.txt"]
    labels = {name: scoring.labels_load()[name] for name in names}
    for name in names:
        shutil.copy(FOLDER / name, tmp_path / name)
    with django_capture_on_commit_callbacks(execute=True):  # the tasks wait for a commit
        ids = statements_import(tmp_path, labels, tmp_path / "work")
    assert sorted(ids) == names
    engine = observed(ids[names[0]])
    assert {"IN", "FR"} <= engine.parties
    assert "Aerospace and aero-engines" in engine.areas
    assert any("joint steering committee" in sentence for sentence in engine.commitments)
    assert engine.names is None or isinstance(engine.names, list)
    assert observed(ids[names[1]]).pairings == []
