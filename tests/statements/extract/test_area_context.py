"""Areas a desk reads in defence statements: maritime security in its everyday words (sea
lanes, illegal fishing, piracy), and a one-word area ("cyber") in a sentence that names
another area by a phrase of its own, which makes the sentence defence context."""

from __future__ import annotations

import pytest

from tests.support.extraction import areas_extracted

pytestmark = [pytest.mark.usefixtures("reference"), pytest.mark.django_db]


def areas(text: str) -> set[str]:
    return areas_extracted("India and Kenya held their defence dialogue. " + text)


@pytest.mark.parametrize(
    "sentence",
    [
        "They discussed the security of sea lanes in the western Indian Ocean.",
        "They agreed to work together against illegal fishing off the coast.",
        "The navies will cooperate on counter-piracy patrols.",
    ],
)
def test_maritime_security_in_its_everyday_words(sentence: str) -> None:
    assert "Maritime security and domain awareness" in areas(sentence)


def test_a_one_word_area_beside_a_phrase_area_counts() -> None:
    found = areas(
        "The two sides discussed cooperation in space and cyber, and the exchange of space "
        "situational awareness data."
    )

    assert {"Space", "Cyber"} <= found


def test_a_one_word_area_alone_in_a_plain_sentence_still_needs_context() -> None:
    found = areas("Separately, the delegation visited a training college for nurses.")

    assert "Training and exercises" not in found


@pytest.mark.parametrize(
    ("sentence", "area"),
    [
        ("The firm will transfer the technology for the radar.", "Technology transfer"),
        ("The company has transferred technology for the howitzer.", "Technology transfer"),
        ("Polish companies invested in the Indian defence sector.", "FDI and investment"),
        ("They welcomed foreign investment in defence manufacturing.", "FDI and investment"),
        ("Finished defence equipment may be exported for non-combat use.", "Defence exports"),
    ],
)
def test_areas_in_the_verbs_statements_use(sentence: str, area: str) -> None:
    assert area in areas(sentence)
