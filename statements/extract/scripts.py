"""Where a term may start and end in scripts not written as separate words.

English terms match at word boundaries ("India" not inside "Indiana"). Other scripts differ:

- Han and hiragana (Japanese, Chinese): no spaces at all, so no boundary: 日本 in 日本とインドは,
  日印 in 日印防衛相会談.
- Katakana: loanwords run into kanji and hiragana (インドと, インド太平洋), but a katakana word
  is not part of a longer katakana word (インドア, "indoor", is no India; インドネシア is a
  term of its own, and the longest match wins anyway).
- Hangul: words are spaced, but particles attach to the noun (한국과 인도는). A term starts at
  the start of a word; a name ends where the word ends or where only a particle or a short
  noun suffix follows (인도의, 인도인, 인도 측), so 인도적 ("humanitarian") is no India.
  Other Korean terms (areas, phrases) may sit inside a compound or run on into a verb
  (한미공동개발, 정례화하기로 했다).
- Devanagari and other scripts with combining vowel signs: word boundaries, where a vowel
  sign (a combining mark, not alphanumeric to Python) counts as part of the word.

Each rule is at least as lenient as word boundaries, so matching.py reads it only where the
word-boundary test fails.
"""

from __future__ import annotations

import unicodedata

LATIN_END = "\u024f"  # the last Latin letter (Latin Extended-B); all of ASCII is before it
WORD, OPEN, KANA, HANGUL, PARTICLE = "word", "open", "kana", "hangul", "particle"
# What may follow a Korean name in the same word: case particles and their combinations, the
# copula's adnominal "인" (also the "-인" of demonyms: 인도인), and a few bound nouns.
_TAILS = """
이 가 은 는 을 를 의 에 와 과 도 만 로 으로 에서 에게 께 와의 과의 에서의 에의 로의 으로의
과는 와는 에는 에서는 으로는 로는 과도 와도 에도 까지 부터 보다 처럼 이나 나 이며 며 이고 고
이자 이다 이었다 였다 이라 라 인 인의 인은 인들 측 측은 측의 측이 측과 측에 군 군은 군의 군과
군이 산 간 간의 간에 정부 국민 내
"""
HANGUL_TAILS = frozenset(_TAILS.split())


def _script(char: str) -> str:
    code = ord(char)
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x3040 <= code <= 0x309F:
        return OPEN  # Han (with the CJK extension A) and hiragana
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return KANA
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return HANGUL
    return WORD


def is_latin(term: str) -> bool:
    """Every letter of `term` in the Latin script (or none a letter at all)."""
    return all(
        char <= LATIN_END or not char.isalpha() or unicodedata.name(char, "").startswith("LATIN")
        for char in term
    )


def edges_of(term: str, *, proper_noun: bool) -> tuple[str, str]:
    """The rule for the left and the right neighbour of a (folded) term."""
    left, right = _script(term[0]), _script(term[-1])
    if not proper_noun:  # Korean compounds and verb endings: 방산협력을, 정례화하기로 했다
        left = OPEN if left == HANGUL else left
        right = OPEN if right == HANGUL else right
    elif right == HANGUL:
        right = PARTICLE
    return left, right


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _neighbour_allows(rule: str, char: str) -> bool:
    if rule == OPEN:
        return True
    if rule == KANA:
        return _script(char) != KANA
    if rule == HANGUL:
        return _script(char) != HANGUL
    return not _in_word(char)


def edges_allow(text: str, start: int, end: int, edges: tuple[str, str]) -> bool:
    """May the term at text[start:end] stand there, by the rules above?"""
    left, right = edges
    if start and not _neighbour_allows(left, text[start - 1]):
        return False
    if end >= len(text):
        return True
    if right != PARTICLE:
        return _neighbour_allows(right, text[end])
    tail = end
    while tail < len(text) and _script(text[tail]) == HANGUL:
        tail += 1
    return tail == end or text[end:tail] in HANGUL_TAILS
