"""How the gazetteer reads words: text folded to one case and one form of spaces, hyphens and
apostrophes without moving any offset, and the other spellings a keyword also matches."""

from __future__ import annotations

import re
import unicodedata

INDIC_MARK_LETTERS = 0x20000  # CJK Extension B: alphanumeric, and never in our terms
# Length-preserving clean-up, so offsets in the folded text are offsets in the original: any
# whitespace and any hyphen or dash become a space ("co-production" is "co production"), and
# apostrophes their ASCII form. The vowel signs of Indic scripts (combining marks, which Python
# does not count as alphanumeric) become letters of their own, one per mark, so that the word
# boundary test sees "भारत" inside "भारतीय" at no cost to any other text.
FOLD = str.maketrans(
    {
        **{chr(code): " " for code in range(0x3001) if chr(code).isspace()},
        **{
            chr(code): chr(INDIC_MARK_LETTERS + code)
            for code in range(0x0900, 0x0E80)
            if unicodedata.category(chr(code)).startswith("M")
        },
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u2019": "'",
    }
)
PLURAL_ES = re.compile(r"(s|x|z|ch|sh)$")


def fold(text: str) -> str:
    folded = text.lower()
    if len(folded) != len(text):  # "İ" lower-cases to two characters; keep such ones as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded.translate(FOLD)


def variants(term: str, *, inflect: bool = True) -> list[str]:
    """Spellings a keyword also matches: hyphen or space and none alike ("co-production",
    "coproduction"), and the other number of its last word ("supply chain(s)", "drone(s)").
    Names and capitalised terms keep their one spelling."""
    found = [term]
    if "-" in term and term.replace("-", "").isalpha():
        found.append(term.replace("-", ""))
    words = fold(term).split()
    # A single word gets its other number too ("drone", "drones"), a phrase on its last word.
    if inflect and words and words[-1].isalpha() and len(words[-1]) > 3 and term.islower():
        last = words[-1]
        if last.endswith("ies"):
            other = last[:-3] + "y"
        elif last.endswith("es") and PLURAL_ES.search(last[:-2]):
            other = last[:-2]
        elif last.endswith("s") and not last.endswith("ss"):
            other = last[:-1]
        elif last.endswith("y") and last[-2] not in "aeiou":
            other = last[:-1] + "ies"
        else:
            other = last + ("es" if PLURAL_ES.search(last) else "s")
        found.append(" ".join([*words[:-1], other]))
    return found
