"""Building a statement's highlighted text from its mention spans."""

from __future__ import annotations

from statements.models import Mention
from tracker.dashboards.highlight import statement_highlight


def mention(kind: str, text: str, term: str, occurrence: int = 0) -> Mention:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(term, start + 1)
    return Mention(kind=kind, term=term, start=start, end=start + len(term))


def test_overlapping_spans_keep_the_earlier_longer_one_and_bad_spans_are_dropped():
    text = "Make in India & FDI <b> rules"
    mentions = [
        mention(Mention.Kind.COUNTRY, text, "India"),
        mention(Mention.Kind.AREA, text, "Make in India"),
        mention(Mention.Kind.POLICY, text, "FDI"),
        Mention(kind=Mention.Kind.FIRM, term="gone", start=25, end=90),  # past the text's end
        Mention(kind=Mention.Kind.FIRM, term="empty", start=3, end=3),
    ]
    html = statement_highlight(
        text=text,
        mentions=mentions,
        link_for=lambda m: "/x/?a=1&b=2" if m.kind == Mention.Kind.AREA else None,
    )
    assert html == (
        '<a class="mention mention-area" href="/x/?a=1&amp;b=2" '
        'title="Investment area: Make in India">Make in India</a> &amp; '
        '<mark class="mention mention-policy" title="Policy phrase: FDI">FDI</mark> '
        "&lt;b&gt; rules"
    )


def test_text_without_mentions_is_only_escaped():
    html = statement_highlight(text="<script>1</script>", mentions=[], link_for=lambda m: None)
    assert html == "&lt;script&gt;1&lt;/script&gt;"
