"""The language a statement is written in, by py3langid's model (shipped in the package, so no
download): an ISO 639-1 code such as "ja", "fr" or "ko", or "" when the text is too short or too
mixed to tell."""

from __future__ import annotations

from functools import cache
from itertools import islice

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The opening of a statement (its title and first paragraph) says its language as well as the
# whole. The cost grows with the sample: 3,000 characters took 1 ms a statement, a third of an
# import's store-and-extract budget; 600 take a fifth of that.
SAMPLE_CHARS = 600
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5


@cache
def _identifier() -> LanguageIdentifier:
    # Loaded on first use, not on import: about a second, which every manage.py command and
    # test that never reads a statement would otherwise pay.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_detect(*, text: str) -> str:
    sample = text[:SAMPLE_CHARS]
    # Counted in C and only up to the minimum: a Python loop over every character cost a
    # tenth of the detection itself.
    if len(list(islice(filter(str.isalpha, sample), MIN_LETTERS))) < MIN_LETTERS:
        return ""
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else ""
