"""Sentences of a statement that commit someone to act: "agreed to", "decided to", "will hold"...

Only finds them; the opportunities app turns them into follow-up candidates (statements knows
nothing of opportunities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import sentence_spans

# The wording of official statements when a side takes something on; longest first so
# "looked forward to the early finalisation of" reports the stronger phrase.
PHRASES = (
    "early finalisation of",
    "early finalization of",
    "looked forward to",
    "look forward to",
    "looks forward to",
    "committed to",
    "agreed to",
    "agreed on",
    "decided to",
    "resolved to",
    "will hold",
    "will host",
    "will convene",
    "will conclude",
)
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in PHRASES) + r")\b", re.IGNORECASE)
SENTENCE_LIMIT = 2000


@dataclass(frozen=True)
class Commitment:
    sentence: str
    phrase: str  # as listed in PHRASES, lower case
    start: int  # offsets of the sentence in the text
    end: int


def find_commitments(text: str) -> list[Commitment]:
    """Each sentence of `text` that carries a commitment phrase, once, in text order."""
    found = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        matches = list(_PATTERN.finditer(sentence))
        if not matches:
            continue
        phrase = min((m.group(1).lower() for m in matches), key=PHRASES.index)
        sentence = " ".join(sentence.split())[:SENTENCE_LIMIT]
        found.append(Commitment(sentence=sentence, phrase=phrase, start=start, end=end))
    return found
