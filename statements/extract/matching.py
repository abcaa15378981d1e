"""Finding gazetteer terms in a text: one Aho-Corasick pass over the case-folded text, matches
kept at word boundaries (or the rule of their script, see scripts.py) and in the case their term
asks for, overlaps given to the longest. Cues (commitment and defence-context phrases) are
gathered in the same pass but take no span. A statement in a language with country names in
Latin letters gets a second pass for those (see gazetteer.py)."""

from __future__ import annotations

from bisect import bisect_right
from itertools import chain
from operator import itemgetter
from typing import NamedTuple

from .folding import fold
from .gazetteer import Gazetteer, case_matches
from .scripts import edges_allow
from .sentences import SNIPPET_LIMIT, Spans, sentence_spans, snippet

LONGEST_THEN_LEFTMOST = itemgetter(0, 1)
BY_POSITION = itemgetter(3, 0)  # start, kind


class Found(NamedTuple):
    kind: str
    entity_id: int | None
    term: str
    start: int
    end: int
    snippet: str
    sentence: int  # index of the sentence in the text
    sentence_span: tuple[int, int]
    role: str = ""  # countries: party, place or other (see roles.py)


class Cue(NamedTuple):
    kind: str  # Term.Kind.COMMITMENT or Term.Kind.CONTEXT
    phrase: str  # as the vocabulary spells it
    start: int
    end: int


def find_mentions(text: str, gazetteer: Gazetteer, language: str = "") -> list[Found]:
    """Every gazetteer term in `text`, one Found per entity the term stands for. `language` is
    the statement's (ISO 639-1, "" unknown): it adds that language's names in Latin letters."""
    return find_all(text, gazetteer, language)[0]


def find_all(
    text: str, gazetteer: Gazetteer, language: str = "", *, spans: Spans | None = None
) -> tuple[list[Found], list[Cue]]:
    """The mentions of `text` (as `find_mentions`) and its cues, in text order. `spans`: the
    text's sentence spans, when the caller has them already."""
    if not text or not len(gazetteer.automaton):
        return [], []
    size = len(text)
    candidates, cues = [], []
    folded = fold(text)
    hits = gazetteer.automaton.iter(folded)
    if language and (own := gazetteer.by_language.get(language)) is not None:
        hits = chain(hits, own.iter(folded))
    for last, match in hits:
        start, end = last - match.length + 1, last + 1
        # Word boundaries on the folded text (same letters and digits as the text, and an Indic
        # vowel sign counts as a letter there). A term of another script may stand where the
        # test fails ("日本と"); only then is its own rule read, so English text pays nothing.
        if ((start and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum())) and (
            match.edges is None or not edges_allow(text, start, end, match.edges)
        ):
            continue
        if match.cues:
            surface = text[start:end]
            cues.extend(
                Cue(cue.kind, cue.term, start, end)
                for cue in match.cues
                if case_matches(cue, surface)
            )
            if not match.entries:
                continue
        entities = match.entities
        if not match.any_case:
            surface = text[start:end]
            if len(match.entries) == 1:  # the usual case: one entity, one spelling
                if not case_matches(match.entries[0], surface):
                    continue
            else:
                kept = [entry for entry in match.entries if case_matches(entry, surface)]
                if not kept:
                    continue
                entities = tuple(dict.fromkeys((entry.kind, entry.entity_id) for entry in kept))
        candidates.append((start - end, start, end, entities))
    return _longest(text, candidates, sentence_spans(text) if spans is None else spans), cues


def _longest(text: str, candidates: list, sentences: Spans) -> list[Found]:
    """The candidates that keep their span, longest first, each with its sentence."""
    candidates.sort(key=LONGEST_THEN_LEFTMOST)
    size = len(text)
    sentence_starts = [low for low, _ in sentences]
    taken = bytearray(size)
    snippets: dict[int, str] = {}
    found = []
    for _, start, end, entities in candidates:
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        index = max(bisect_right(sentence_starts, start) - 1, 0)
        sentence = sentences[index]
        if sentence[1] - sentence[0] <= SNIPPET_LIMIT:  # the whole sentence, shared
            if (around := snippets.get(index)) is None:
                around = snippets[index] = text[sentence[0] : sentence[1]]
        else:
            around = snippet(text, sentence, start, end)
        term = text[start:end]
        for kind, entity_id in entities:
            found.append(Found(kind, entity_id, term, start, end, around, index, sentence))
    found.sort(key=BY_POSITION)  # stable: the entities of one span keep their order
    return found
