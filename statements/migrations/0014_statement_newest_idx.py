"""An index of statements newest first, undated last, on PostgreSQL: a search takes the newest
matches (statements/search.py, `ORDER BY published_on DESC NULLS LAST, id DESC`), and for a
common word PostgreSQL walks this index until it has them instead of sorting every match.
statement_published_idx (DESC, so undated first there) cannot serve that order. SQLite puts
NULL last in a descending order anyway (statement_published_idx serves it) and takes no NULLS
LAST in an index, so nothing there."""

from django.db import migrations

FORWARD = """
CREATE INDEX IF NOT EXISTS statement_newest_idx
    ON statements_statement (published_on DESC NULLS LAST, id DESC);
"""

BACKWARD = "DROP INDEX IF EXISTS statement_newest_idx;"


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("statements", "0013_statementband_key_statement_index")]

    operations = [migrations.RunPython(forward, backward)]
