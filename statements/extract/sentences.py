"""Sentences of a statement, and the snippet of a sentence kept beside each mention."""

from __future__ import annotations

import re

SNIPPET_LIMIT = 300
# Japanese and Chinese end a sentence with a full-width mark and no space after it. The mark
# comes first as one character class, the rest by what it was: a pattern that starts with a
# class is scanned for by the regex engine's fast search, three times as fast as trying an
# alternation at every character (the same matches).
SENTENCE_END = re.compile(
    "[.!?\u3002\uff01\uff1f\n](?:(?<=[.!?])[\"'\u201d\u2019)\\]]*(?=\\s|$)"
    "|(?<=[\u3002\uff01\uff1f])\u300d?|(?<=\n))"
)
NEXT_VISIBLE = re.compile(r"\s*(\S)")
LAST_WORD = re.compile(r"[\w.]+$")
# Words whose full stop does not end a sentence ("Smt. Radhika Iyengar", "the U.S. Navy").
# fmt: off
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "smt", "shri", "mme", "st", "no", "nos", "vs", "viz", "e.g",
    "i.e", "h.e", "u.s", "u.k", "u.s.a", "u.a.e", "jr", "sr", "lt", "col", "gen", "capt",
    "cdr", "adm", "brig", "maj", "hon", "prof", "govt", "dept", "approx"
})
# fmt: on


# (start, end) of each sentence of a text, in order.
Spans = tuple[tuple[int, int], ...]


def sentence_spans(text: str) -> Spans:
    """(start, end) of each sentence. Not cached: `statement_read` splits a statement once and
    hands the spans to every step that reads its sentences."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.group() != "\n" and not _ends_sentence(text, start, match.start(), match.end()):
            continue
        _push_span(spans, text, start, match.end())
        start = match.end()
    _push_span(spans, text, start, len(text))
    return tuple(spans)


def _ends_sentence(text: str, start: int, mark: int, after: int) -> bool:
    following = NEXT_VISIBLE.match(text, after, after + 20)
    if following and following.group(1).islower():
        return False
    if text[mark] != ".":
        return True
    token = LAST_WORD.search(text, max(start, mark - 12), mark)
    word = token.group() if token else ""
    return not (word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()))


def _push_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def snippet(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The sentence, or a window of it centred on the mention and cut at spaces."""
    low, high = sentence
    if high - low <= SNIPPET_LIMIT:
        return text[low:high]
    left = max(low, min((start + end - SNIPPET_LIMIT) // 2, high - SNIPPET_LIMIT))
    right = min(high, left + SNIPPET_LIMIT)
    if left > low and (space := text.find(" ", left, start)) != -1:
        left = space + 1
    if right < high and (space := text.rfind(" ", end, right)) != -1:
        right = space
    return f"{'…' if left > low else ''}{text[left:right]}{'…' if right < high else ''}"
