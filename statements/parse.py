"""Turn fetched bytes into a clean statement: title, date, speaker and plain text."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

HEADER = re.compile(r"^(Date|Speaker):[ \t]*(.*)$", re.IGNORECASE)
FURNITURE = {"top of page", "bottom of page", "back to top", "print", "share"}


class ParseError(ValueError):
    """The bytes hold no statement we can read."""


@dataclass(frozen=True)
class ParsedStatement:
    title: str
    text: str
    published_on: datetime.date | None = None
    speaker: str = ""


def decode(raw: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8; never fail on a stray byte."""
    for encoding in filter(None, (declared, "utf-8-sig")):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def parse_text(raw: bytes, declared_encoding: str | None = None) -> ParsedStatement:
    """Read a plain-text statement: a title line, optional `Date:`/`Speaker:` lines, the body.

    Page furniture such as "top of page" is dropped wherever it stands on a line of its own.
    """
    lines = [
        line.rstrip()
        for line in decode(raw, declared_encoding).replace("\r\n", "\n").split("\n")
        if line.strip().lower() not in FURNITURE
    ]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("The file is empty.")
    title = lines.pop(0).strip()
    published_on, speaker, body_start = None, "", 0
    for index, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if match:
            key, value = match.group(1).lower(), match.group(2).strip()
            if key == "date" and value:
                try:
                    published_on = datetime.date.fromisoformat(value)
                except ValueError as error:
                    raise ParseError(f"Unreadable date {value!r}: use YYYY-MM-DD.") from error
            elif key == "speaker":
                speaker = value
            body_start = index + 1
        elif line.strip():
            break
    text = "\n".join(lines[body_start:]).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise ParseError("The statement has a title but no text.")
    return ParsedStatement(
        title=title[:500], text=text, published_on=published_on, speaker=speaker[:300]
    )
