"""The sentence splitter every extraction step reads (statements/extract/sentences.py): where a
sentence ends and where it does not."""

from __future__ import annotations

import pytest

from statements.extract.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[low:high] for low, high in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("India and Japan met. They agreed.", ["India and Japan met.", "They agreed."]),
        # A closing quote or bracket after the mark belongs to the sentence it ends.
        (
            'He said "we will." Then they left.',
            ['He said "we will."', "Then they left."],
        ),
        ("The talks (in Tokyo.) Ended well!", ["The talks (in Tokyo.)", "Ended well!"]),
        # A mark followed by a lower-case word, an abbreviation or an initial ends nothing.
        ("It rose 2.5 per cent. e.g. this one.", ["It rose 2.5 per cent. e.g. this one."]),
        (
            "Smt. Radhika Iyengar spoke. Then Mr. Rao.",
            ["Smt. Radhika Iyengar spoke.", "Then Mr. Rao."],
        ),
        (
            "The U.S. Navy came. Adm. R. Hari Kumar too.",
            ["The U.S. Navy came.", "Adm. R. Hari Kumar too."],
        ),
        # A mark inside a word ("1.5", "www.mod.gov.in") is no end: no space after it.
        ("Visit www.mod.gov.in today. Next.", ["Visit www.mod.gov.in today.", "Next."]),
        # A line break always ends one; blank lines and spaces are no sentence.
        (
            "Title line\n\nDate: 2024-01-02\nBody here.  ",
            ["Title line", "Date: 2024-01-02", "Body here."],
        ),
        # Japanese: a full-width mark ends a sentence with no space after it, a quote with it.
        (
            "日本とインドは会談した。両国は合意した。",
            ["日本とインドは会談した。", "両国は合意した。"],
        ),
        (
            "大臣は「協力する。」と述べた\uff01次に",
            ["大臣は「協力する。」", "と述べた\uff01", "次に"],
        ),
        ("Is it? Yes", ["Is it?", "Yes"]),
        ("", []),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
