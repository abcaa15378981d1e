"""The language a statement is written in, by py3langid's model (shipped in the package, so no
download): an ISO 639-1 code such as "ja", "fr" or "ko", or "" when the text is too short or too
mixed to tell."""

from __future__ import annotations

from functools import cache

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
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return ""
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else ""
