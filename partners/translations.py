"""Country names in the languages ministries publish in besides English: CLDR's names (through
babel, so no download) plus `data/country_names.csv` for what CLDR lacks: demonyms ("japonais",
"indische", "भारतीय"), the short forms ministries write ("米国", "한국") and capitals, and the
Japanese and Korean pair abbreviations ("日印" names Japan and India, "한미" Korea and the US)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import babel

LANGUAGES = ("ja", "fr", "de", "ko", "hi", "es")
NAMES_DATA = Path(__file__).parent / "data" / "country_names.csv"
# "Myanmar (Birmanie)", "RAE de Hong Kong (China)": the part in brackets is a gloss (and may
# name another country), so only the name before it is kept.
GLOSS = re.compile(r"\s*[(\uff08].*$")  # ASCII or full-width bracket


def _split(cell: str) -> list[str]:
    return [name.strip() for name in cell.split("|") if name.strip()]


def translated_names(codes: set[str]) -> dict[str, dict[str, list[str]]]:
    """ISO code -> language -> names and demonyms, for the countries of `codes`."""
    found: dict[str, dict[str, list[str]]] = {code: {} for code in codes}
    for language in LANGUAGES:
        territories = babel.Locale(language).territories
        for code in codes:
            if name := GLOSS.sub("", territories.get(code, "")).strip():
                found[code].setdefault(language, []).append(name)
    with NAMES_DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for code in row["codes"].split("|"):
                if code in found:
                    found[code].setdefault(row["language"], []).extend(_split(row["names"]))
    return {
        code: {language: list(dict.fromkeys(names)) for language, names in by_language.items()}
        for code, by_language in found.items()
    }
