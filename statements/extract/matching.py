"""Finding gazetteer terms in a text: one Aho-Corasick pass over the case-folded text, matches
kept at word boundaries and in the case their term asks for, overlaps given to the longest.
Cues (commitment and defence-context phrases) are gathered in the same pass but take no span."""

from __future__ import annotations

from bisect import bisect_right
from operator import itemgetter
from typing import NamedTuple

from .gazetteer import Gazetteer, case_matches, fold
from .sentences import SNIPPET_LIMIT, sentence_spans, snippet

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


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Found]:
    """Every gazetteer term in `text`, one Found per entity the term stands for."""
    return find_all(text, gazetteer)[0]


def find_all(text: str, gazetteer: Gazetteer) -> tuple[list[Found], list[Cue]]:
    """The mentions of `text` (as `find_mentions`) and its cues, in text order."""
    if not text or not len(gazetteer.automaton):
        return [], []
    size = len(text)
    candidates, cues = [], []
    for last, match in gazetteer.automaton.iter(fold(text)):
        start, end = last - match.length + 1, last + 1
        if (start and text[start - 1].isalnum()) or (end < size and text[end].isalnum()):
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
    candidates.sort(key=LONGEST_THEN_LEFTMOST)
    sentences = sentence_spans(text)
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
    return found, cues
