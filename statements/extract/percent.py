"""Percentages as statements write them: "74%", "74 per cent", "seventy-four per cent"; the
caps of policy openings are read with these."""

from __future__ import annotations

import re

# "74%", "74 %", "74 per cent", "74 percent", "74 pc", "seventy-four per cent".
UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = {
    **{word: n for n, word in enumerate(UNITS, 1)},
    **{word: n for n, word in enumerate(TEENS, 10)},
    **{word: n * 10 for n, word in enumerate(TENS, 2)},
    "hundred": 100,
    "one hundred": 100,
}
SPELLED = (
    r"(?:one\s+hundred|hundred|(?:" + "|".join(TENS) + r")(?:[\s-](?:" + "|".join(UNITS) + r"))?"
    r"|" + "|".join(TEENS + UNITS) + r")"
)
PERCENT = re.compile(
    r"(?<![\d.\w-])(\d{1,3}(?:\.\d+)?|" + SPELLED + r")\s?(?:%|per\s?cent\b|percent\b|pc\b)",
    re.IGNORECASE,
)


def percent_value(words: str) -> str:
    """ "74" from "74" or "seventy-four"."""
    if words[:1].isdigit():
        return words
    parts = re.split(r"[\s-]+", words.lower())
    return str(NUMBER_WORDS.get(" ".join(parts)) or sum(NUMBER_WORDS.get(p, 0) for p in parts))
