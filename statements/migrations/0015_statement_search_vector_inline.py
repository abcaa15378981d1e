"""Search vectors kept in the statement's row on PostgreSQL (storage MAIN), not in the TOAST
table: a search checks or ranks each candidate's vector, and fetching it out of line took
three quarters of a common-word search (bench/README.md, search_bench.py). A vector of an
average statement is about 2.6 kB and barely compresses, so the text goes out of line first and
the row holds the vector; only a vector too big for a page still goes out of line. Stored
vectors are rewritten once (`|| ''` makes a new value, which is stored by the new rule; the
trigger does not fire, as no title, speaker or text changes). Nothing on SQLite."""

from django.db import migrations

FORWARD = """
ALTER TABLE statements_statement ALTER COLUMN search_vector SET STORAGE MAIN;
UPDATE statements_statement SET search_vector = search_vector || ''::tsvector
    WHERE search_vector IS NOT NULL;
"""

BACKWARD = "ALTER TABLE statements_statement ALTER COLUMN search_vector SET STORAGE EXTENDED;"


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("statements", "0014_statement_newest_idx")]

    operations = [migrations.RunPython(forward, backward)]
