"""Candidate policy openings: where policy phrases meet a country that can own the policy."""

from __future__ import annotations

import re

from .gazetteer import POLICY_PHRASES, Gazetteer, Kind, OpeningKind, fold
from .matching import Found

# Stable titles: a candidate is found again by (country, title) on re-extraction.
OPENING_TITLES = {
    OpeningKind.FDI: "Defence FDI opening (from statement)",
    OpeningKind.OFFSETS: "Defence offsets policy (from statement)",
    OpeningKind.PROCUREMENT: "Defence procurement opening (from statement)",
    OpeningKind.OTHER: "Defence industrial policy (from statement)",
}
OPENING_PRIORITY = (
    OpeningKind.FDI,
    OpeningKind.OFFSETS,
    OpeningKind.PROCUREMENT,
    OpeningKind.OTHER,
)
POLICY_KINDS = {fold(phrase): kind for phrase, kind in POLICY_PHRASES.items()}
# "United States industry", "Japanese companies": the country benefits from the policy named in
# the sentence, it does not own it.
BENEFICIARY = re.compile(
    r"\s+(industry|industries|firms?|compan(y|ies)|investors|manufacturers|OEMs|suppliers|vendors)"
    r"\b",
    re.IGNORECASE,
)
SENTENCE_LIMIT = 2000


def policy_candidates(
    text: str, found: list[Found], gazetteer: Gazetteer, home_code: str
) -> dict[tuple[int, str], str]:
    """(country id, opening kind) -> the sentence that proposes it.

    Policy phrases propose an opening where they share a sentence with a country whose policy
    it can be: the home country when the sentence names it ("completely open in India"), else
    the named country nearest the phrase. A country named only as a beneficiary ("United States
    firms", "Japanese companies") owns nothing.
    """
    by_sentence: dict[int, list[Found]] = {}
    for item in found:
        by_sentence.setdefault(item.sentence, []).append(item)
    proposals: dict[tuple[int, str], str] = {}
    for items in by_sentence.values():
        phrases = [(POLICY_KINDS.get(fold(i.term)), i) for i in items if i.kind == Kind.POLICY]
        present = {phrase_kind for phrase_kind, _ in phrases}
        kind = next((k for k in OPENING_PRIORITY if k in present), None)
        if kind is None:
            continue
        countries = [
            item
            for item in items
            if item.kind == Kind.COUNTRY and not BENEFICIARY.match(text, item.end)
        ]
        home = [c for c in countries if gazetteer.country_codes.get(c.entity_id) == home_code]
        owners = home or countries
        if not owners:
            continue
        phrase = next(item for phrase_kind, item in phrases if phrase_kind == kind)
        owner = min(owners, key=lambda country: abs(country.start - phrase.start))
        if (owner.entity_id, kind) not in proposals:
            low, high = phrase.sentence_span
            proposals[owner.entity_id, kind] = text[low:high][:SENTENCE_LIMIT]
    return proposals
