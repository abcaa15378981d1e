"""Name keys: a firm's or a person's name reduced to what tells it apart, so that "Mitsubishi
Heavy Industries, Ltd." and "MITSUBISHI HEAVY INDUSTRIES LIMITED" are one key. Duplicate
finding, merging and the bulk upserts all compare these keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# Legal forms, after dots are dropped ("K.K." is "kk", "S.A." is "sa"). Only trailing ones go:
# "Co" inside a name ("Co Innovation Labs") is a word of the name.
LEGAL_SUFFIXES = frozenset(
    [
        "ltd",
        "limited",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "co",
        "company",
        "cos",
        "kk",
        "gk",
        "pvt",
        "private",
        "pte",
        "pty",
        "plc",
        "llc",
        "llp",
        "lp",
        "gmbh",
        "ag",
        "kg",
        "mbh",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "asa",
        "as",
        "aps",
        "sdn",
        "bhd",
        "tbk",
        "jsc",
        "pjsc",
        "ojsc",
        "oao",
        "zao",
        "sae",
        "ltda",
        "cia",
    ]
)
# Two-word legal forms that read as one: "Kabushiki Kaisha", "Sdn Bhd", "Pvt Ltd".
LEGAL_PAIRS = frozenset({("kabushiki", "kaisha"), ("godo", "kaisha")})
# Courtesy titles before a person's name.
TITLES = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sir", "shri", "smt", "hon", "gen", "lt", "col", "adm", "amb"]
)

_JOINED = re.compile("[.'\u2019`]")  # dropped without a gap: "K.K." -> "KK", "O'Neil" -> "ONeil"
_SEPARATORS = re.compile(r"[^\w]+|_")


def words(name: str) -> list[str]:
    """The name's words, case-folded, accents off, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return [word for word in _SEPARATORS.split(_JOINED.sub("", text)) if word]


def firm_key(name: str) -> str:
    """The key of a firm's name: words without trailing legal forms ("Tata Advanced Systems
    Pvt. Ltd." -> "tata advanced systems"); a name made only of them keeps its words."""
    found = words(name)
    kept = list(found)
    while kept:
        if len(kept) >= 2 and (kept[-2], kept[-1]) in LEGAL_PAIRS:
            kept = kept[:-2]
        elif kept[-1] in LEGAL_SUFFIXES:
            kept.pop()
        else:
            break
    return " ".join(kept or found)


def person_key(name: str) -> str:
    """The key of a person's name: words without leading titles ("Dr. S. Jaishankar" ->
    "s jaishankar")."""
    found = words(name)
    kept = list(found)
    while len(kept) > 1 and kept[0] in TITLES:
        kept.pop(0)
    return " ".join(kept)


def name_keys(name: str, aliases: Iterable[str] | None, key: Callable[[str], str]) -> list[str]:
    """The keys a firm or a contact is found by, its name's first, then each alias's: the one
    rule the bulk upsert, the reference load and the duplicate finder match records by."""
    return [key(each) for each in [name, *(aliases or [])]]
