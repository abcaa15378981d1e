"""Stories: one announcement carried by several sources (a ministry, an embassy, news sites),
stored once per copy and grouped by near-duplicate text (see statements/stories.py)."""

from __future__ import annotations

from django.db import models


class Story(models.Model):
    """Near-duplicate statements. Exactly one of them is the story's lead (`is_copy` False):
    the one extracted and proposed from; the others are copies, kept and shown, never extracted.
    Only announcements carried at least twice have a story; a statement alone has none."""

    title = models.CharField(max_length=500, help_text="The earliest copy's title")
    source = models.ForeignKey(
        "statements.Source",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the story was first published: the earliest copy's source",
    )
    published_on = models.DateField(null=True, blank=True, help_text="The earliest copy's date")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_on", "-created_at"]

    def __str__(self) -> str:
        return self.title


class StatementBand(models.Model):
    """One LSH band of a statement's MinHash signature, hashed to one integer: statements that
    share a band are candidate copies. A table, not a field, so that a copy imported a week
    later finds its story by an indexed look-up whatever the batch."""

    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="bands"
    )
    key = models.BigIntegerField()

    class Meta:
        # With the statement: a key's newest few are read from the index alone (story_candidates).
        indexes = [models.Index(fields=["key", "statement"], name="statementband_key_stmt_idx")]

    def __str__(self) -> str:
        return f"band {self.key} of statement {self.statement_id}"
