"""Sentences of a statement that commit someone to act: "agreed to", "decided to", "will hold"...

Only finds them; the opportunities app turns them into follow-up candidates (statements knows
nothing of opportunities).
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
    matches = list(_PATTERN.finditer(text))
    if not matches:
        return []
    spans = sentence_spans(text)
    starts = [start for start, _ in spans]
    strongest: dict[int, str] = {}  # sentence index -> its first-listed phrase
    for match in matches:
        index = bisect_right(starts, match.start()) - 1
        if index < 0 or match.end() > spans[index][1]:
            continue  # in the space between two sentences
        phrase = match.group(1).lower()
        if index not in strongest or PHRASES.index(phrase) < PHRASES.index(strongest[index]):
            strongest[index] = phrase
    found = []
    for index in sorted(strongest):
        start, end = spans[index]
        sentence = " ".join(text[start:end].split())[:SENTENCE_LIMIT]
        found.append(Commitment(sentence=sentence, phrase=strongest[index], start=start, end=end))
    return found
