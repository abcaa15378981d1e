"""A statement's text with its mentions marked and linked. The text is imported and untrusted:
every piece of it is escaped, and only our own markup is marked safe."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from statements.models import Mention


def statement_highlight(
    *, text: str, mentions: Iterable[Mention], link_for: Callable[[Mention], str | None]
) -> SafeString:
    """Mark each mention's span; where spans overlap the earlier (then longer) one wins, and a
    span that no longer fits the text (it was re-parsed) is left out."""
    pieces: list[str] = []
    position = 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < position or mention.end > len(text) or mention.start >= mention.end:
            continue
        pieces.append(escape(text[position : mention.start]))
        words = text[mention.start : mention.end]
        role = f" ({mention.role})" if mention.role else ""
        label = f"{mention.get_kind_display()}{role}: {mention.entity or mention.term}"
        href = link_for(mention)
        if href:
            pieces.append(
                format_html(
                    '<a class="mention mention-{}{}" href="{}" title="{}">{}</a>',
                    mention.kind,
                    f" mention-{mention.role}" if mention.role else "",
                    href,
                    label,
                    words,
                )
            )
        else:
            pieces.append(
                format_html(
                    '<mark class="mention mention-{}" title="{}">{}</mark>',
                    mention.kind,
                    label,
                    words,
                )
            )
        position = mention.end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece above is escaped
