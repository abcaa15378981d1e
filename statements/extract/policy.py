"""Candidate policy openings: a sentence where a policy phrase meets a sign that a door opened
("liberalised", "raised to 74 per cent", "automatic route"), owned by the country whose policy
it is, with the cap and instrument the sentence names."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .folding import fold
from .gazetteer import Gazetteer, Kind, OpeningKind
from .matching import Found
from .percent import PERCENT, percent_value

# Stable titles: a candidate is found again by (country, title) on re-extraction.
OPENING_TITLES = {
    OpeningKind.FDI: "Defence FDI opening (from statement)",
    OpeningKind.OFFSETS: "Defence offsets policy (from statement)",
    OpeningKind.PROCUREMENT: "Defence procurement opening (from statement)",
    OpeningKind.EXPORT: "Defence export control easing (from statement)",
    OpeningKind.INCENTIVE: "Defence industry incentive (from statement)",
    OpeningKind.OTHER: "Defence industrial policy (from statement)",
}
OPENING_PRIORITY = (
    OpeningKind.FDI,
    OpeningKind.OFFSETS,
    OpeningKind.PROCUREMENT,
    OpeningKind.EXPORT,
    OpeningKind.INCENTIVE,
    OpeningKind.OTHER,
)
# A door that opens, not one that is only named: "tightened export controls" proposes nothing.
OPENING_CUE = re.compile(
    r"\b(?:open(?:ed|s|ing)?|liberali[sz](?:e|ed|es|ing|ation)|eas(?:e|ed|es|ing)|"
    r"relax(?:ed|es|ing|ation)?|rais(?:e|ed|es|ing)|allow(?:ed|s|ing)?|permit(?:s|ted|ting)?|"
    r"lift(?:ed|s|ing)?|remov(?:e|ed|es|ing|al)|simplif(?:y|ied|ies|ication)|"
    r"streamlin(?:e|ed|es|ing)|reform(?:s|ed|ing)?|revis(?:e|ed|ion)|amend(?:ed|ment|ments)?|"
    r"notif(?:y|ied|ies|ication)|introduc(?:e|ed|es|tion)|launch(?:ed|es)?|unveil(?:ed|s)?|"
    r"exempt(?:ed|s|ion)?|waive(?:d|s)?|up\s+to|no\s+longer|automatic\s+route|"
    r"expedit(?:e|ed|es|ing)|speed(?:s|ing)?\s+up|fast-track(?:ed|s)?|accelerat(?:e|ed|es)|"
    r"positive\s+indigeni[sz]ation\s+list|general\s+export\s+licen[cs]e|"
    # A door opened to firms: an offer made, a bid invited, an authorisation granted.
    r"offer(?:s|ed|ing)?|grant(?:s|ed|ing)?|invit(?:e|es|ed|ing|ation)|eligible|entitled|"
    r"authori[sz](?:e|es|ed|ing|ation)|approv(?:e|es|ed|al)|extend(?:s|ed|ing)?|"
    r"issu(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)
ROUTE = re.compile(r"\b(automatic|government|approval)\s+route\b", re.IGNORECASE)
INSTRUMENT = re.compile(
    r"\b(?:Press\s+Note\s+(?:No\.?\s*)?\d+(?:\s*\(\s*\d{4}(?:\s+Series)?\s*\))?|"
    r"Defen[cs]e\s+(?:Acquisition|Procurement)\s+Procedure(?:[\s,-]*\(?(?:19|20)\d{2}\)?)?|"
    r"(?:DAP|DPP)[\s-]*(?:19|20)\d{2}|Positive\s+Indigeni[sz]ation\s+Lists?|"
    r"Open\s+General\s+Export\s+Licen[cs]es?|Foreign\s+Trade\s+Policy(?:\s+(?:19|20)\d{2})?|"
    r"(?:Defen[cs]e\s+)?Offset\s+Guidelines|Notification\s+No\.?\s*[\w/.()-]+)",
)
# "United States industry", "Japanese companies": the country benefits from the policy named in
# the sentence, it does not own it.
# Up to two lower-case words between, neither a verb's form ("India offers Swedish firms"
# is India offering, not a beneficiary): a word in -s or -ed is taken for one.
BENEFICIARY = re.compile(
    r"\s+(?:[a-z-]+(?<![sd])\s+){0,2}?(?i:industry|industries|firms?|compan(?:y|ies)|"
    r"investors|manufacturers|OEMs|suppliers|vendors|buyers|end\s+users|entities|exporters|"
    r"importers)\b"
)
JOINED = re.compile(r"\s*(?:-|\u2013|/|,|&|and)?\s*")
# "exports to India", "licences for India", "defence trade with India": the door opens towards
# the country, which does not own it.
FLOW_BEFORE = re.compile(r"\b(?:to|for|towards|into|from|with)\s+(?:the\s+)?$", re.IGNORECASE)
SENTENCE_LIMIT = 2000
CAP_LIMIT = 120
INSTRUMENT_LIMIT = 250


@dataclass(frozen=True)
class Proposal:
    sentence: str
    cap: str = ""
    instrument: str = ""
    route: str = ""  # automatic, government or approval (PolicyOpening.Route), FDI only

    @property
    def sets_state(self) -> bool:
        """Whether it says what the policy now is (a cap or a route), not only that it moved."""
        return bool(self.cap or self.route)


def policy_state(cap: str, route: str = "") -> tuple[str, str]:
    """(percentage, route) a cap and route come to, so that "74% automatic route" written by a
    desk and "74 per cent under the automatic route" read from a statement compare equal."""
    percent = PERCENT.search(cap)
    named = ROUTE.search(cap)
    return (
        percent_value(percent.group(1)) if percent else "",
        route or (named.group(1).lower() if named else ""),
    )


def step_title(kind: str, proposal: Proposal) -> str:
    """The stable title of a step a statement proposes: the kind's title with what it sets,
    "Defence FDI opening: 100% government route (from statement)"."""
    base = OPENING_TITLES[kind].removesuffix(" (from statement)")
    what = proposal.cap or f"{proposal.route} route"
    return f"{base}: {what} (from statement)"[:250]


def _cap(sentence: str, kind: str) -> str:
    """ "74% automatic route" from "up to 74 per cent under the automatic route"."""
    percent = PERCENT.search(sentence)
    route = ROUTE.search(sentence)
    parts = []
    if percent and kind == OpeningKind.FDI:
        parts.append(f"{percent_value(percent.group(1))}%")
    if route and kind == OpeningKind.FDI:
        parts.append(f"{route.group(1).lower()} route")
    return " ".join(parts)[:CAP_LIMIT]


def percent_mentions(text: str, found: list[Found], gazetteer: Gazetteer) -> list[Found]:
    """Percentages in a sentence that names FDI, as policy mentions: caps are policy wording in
    any spelling, but "74 per cent of the budget" in another sentence is no cap."""
    fdi_sentences = {
        item.sentence: item
        for item in found
        if item.kind == Kind.POLICY and gazetteer.policy_kinds.get(fold(item.term)) == "fdi"
    }
    taken = {(item.start, item.end) for item in found if item.kind == Kind.POLICY}
    extra = []
    for item in fdi_sentences.values():
        low, high = item.sentence_span
        for match in PERCENT.finditer(text, low, high):
            if (match.start(), match.end()) not in taken:
                extra.append(
                    item._replace(term=match.group(), start=match.start(), end=match.end())
                )
    return extra


@dataclass(frozen=True)
class Owners:
    """Who may own a policy a sentence opens without naming its owner."""

    home: int | None
    source: int | None = None  # the publishing government
    parties: frozenset[int] = frozenset()

    def fallback(self, excluded: set[int]) -> int | None:
        """The source's government, else the home country where it takes part (or nobody
        does), else the one party left; never a country the sentence opens the door *to*."""
        if self.source and self.source not in excluded:
            return self.source
        if self.home not in excluded and (self.home in self.parties or not self.parties):
            return self.home
        others = self.parties - excluded
        return next(iter(others)) if len(others) == 1 else None


def _owner(
    items: list[Found], phrase: Found, text: str, home_code: str, gazetteer: Gazetteer
) -> tuple[int | None, set[int]]:
    """(owner named in the sentence, countries the sentence says cannot own it).

    "licences for India", "exports to India": the door opens towards them, so they cannot own
    it, nor can one joined to them ("for India-US investment"). "Japanese companies", "U.S.
    exporters": they gain by it, so they are not named as its owner, but may still own it as
    the publisher ("cuts red tape for U.S. exporters" in a US notice)."""
    countries: list[Found] = []
    excluded: set[int] = set()
    previous, previous_kept = None, False
    for item in items:
        if item.kind != Kind.COUNTRY:
            continue
        before = text[max(0, item.start - 12) : item.start]
        joined = previous is not None and JOINED.fullmatch(text, previous.end, item.start)
        if BENEFICIARY.match(text, item.end):  # before the flow: "for U.S. exporters"
            if joined and previous_kept:  # "Japanese and Korean companies"
                countries.pop()
            kept = False
        elif FLOW_BEFORE.search(before) or (joined and previous.entity_id in excluded):
            excluded.add(item.entity_id)
            kept = False
        else:
            countries.append(item)
            kept = True
        previous, previous_kept = item, kept
    home = [c for c in countries if gazetteer.country_codes.get(c.entity_id) == home_code]
    owners = home or countries
    if not owners:
        return None, excluded
    return min(owners, key=lambda country: abs(country.start - phrase.start)).entity_id, excluded


def policy_candidates(
    text: str,
    found: list[Found],
    gazetteer: Gazetteer,
    home_code: str,
    owners: Owners | None = None,
) -> dict[tuple[int, str], Proposal]:
    """(country id, opening kind) -> the proposal of the first sentence that makes it.

    A sentence proposes an opening when it has a policy phrase of some kind and an opening cue.
    The owner is the home country when the sentence names it ("completely open in India"), else
    the named country nearest the phrase, else `owners.fallback` (the source's country, then
    the home country). A country named only as a beneficiary ("United States firms",
    "Japanese companies") or a destination ("licences for India") owns nothing.
    """
    by_sentence: dict[int, list[Found]] = {}
    for item in found:
        by_sentence.setdefault(item.sentence, []).append(item)
    proposals: dict[tuple[int, str], Proposal] = {}
    sentences: Counter[tuple[int, str]] = Counter()
    for items in by_sentence.values():
        phrases = [
            (gazetteer.policy_kinds.get(fold(i.term), ""), i)
            for i in items
            if i.kind == Kind.POLICY
        ]
        present = {phrase_kind for phrase_kind, _ in phrases}
        kind = next((k for k in OPENING_PRIORITY if k in present), None)
        if kind is None:
            continue
        low, high = items[0].sentence_span
        sentence = text[low:high][:SENTENCE_LIMIT]
        if not OPENING_CUE.search(sentence):
            continue
        phrase = next(item for phrase_kind, item in phrases if phrase_kind == kind)
        owner, excluded = _owner(items, phrase, text, home_code, gazetteer)
        if owner is None:
            # "Both sides welcomed this easing": the opening an earlier sentence gave an owner.
            owner = next((o for o, k in proposals if k == kind and o not in excluded), None)
        if owner is None and owners is not None:
            owner = owners.fallback(excluded)
        if owner is None:
            continue
        proposal = _proposal(sentence, kind)
        sentences[owner, kind] += 1
        # The first sentence that opens the door, unless a later one says what it now is
        # ("has reviewed the FDI policy..." then "up to seventy-four per cent ...").
        earlier = proposals.get((owner, kind))
        if earlier is None or (proposal.sets_state and not earlier.sets_state):
            proposals[owner, kind] = proposal
    return _one_kind_each(proposals, sentences)


def _one_kind_each(
    proposals: dict[tuple[int, str], Proposal], sentences: Counter[tuple[int, str]]
) -> dict[tuple[int, str], Proposal]:
    """A statement opens one door per owner: the kind most of its sentences open (the first in
    OPENING_PRIORITY on a tie). An FDI notice that mentions the incentives or the procurement
    rules its investors meet does not open those too."""

    def rank(key: tuple[int, str]) -> tuple[int, int]:
        return sentences[key], -OPENING_PRIORITY.index(key[1])

    best: dict[int, tuple[int, int]] = {}
    for key in sentences:
        best[key[0]] = max(best.get(key[0], rank(key)), rank(key))
    return {key: proposal for key, proposal in proposals.items() if best[key[0]] == rank(key)}


def _proposal(sentence: str, kind: str) -> Proposal:
    instrument = INSTRUMENT.search(sentence)
    route = ROUTE.search(sentence) if kind == OpeningKind.FDI else None
    return Proposal(
        sentence=sentence,
        cap=_cap(sentence, kind),
        instrument=instrument.group()[:INSTRUMENT_LIMIT] if instrument else "",
        route=route.group(1).lower() if route else "",
    )
