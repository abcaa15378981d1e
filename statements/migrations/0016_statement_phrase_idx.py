"""An index of adjacent word pairs on PostgreSQL, for phrase searches (statements/phrases.py):
a GIN index on the pairs of lexemes at adjacent positions of each statement's search vector,
each pair hashed to one of 2^18 keys. Nothing is stored in the row and the trigger is
unchanged: the index computes the pairs from the stored vector. Building it over 200,000
statements took 89 s and 172 MB (bench/README.md); it holds the table's write lock meanwhile.
Nothing on SQLite, which searches with icontains.

statements_lexeme_pairs is costly (an unnest and a join per row, about 0.2 ms), so it is
declared so: PostgreSQL then reads it from the index and evaluates it last in a filter, after
the phrase check it is implied by. hashtext is immutable (hash indexes rely on it)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION statements_lexeme_pair(first text, second text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN hashtext(first || ' ' || second) & 262143;

CREATE FUNCTION statements_lexeme_pairs(vector tsvector) RETURNS integer[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000
    BEGIN ATOMIC
        WITH at AS (SELECT lexeme, unnest(positions) AS position FROM unnest(vector))
        SELECT coalesce(array_agg(DISTINCT statements_lexeme_pair(this.lexeme, next.lexeme)), '{}')
        FROM at AS this JOIN at AS next ON next.position = this.position + 1;
    END;

CREATE INDEX statement_phrase_idx ON statements_statement
    USING gin (statements_lexeme_pairs(search_vector));

-- The index's statistics (its most common pairs) say which phrases skip it; a new index has
-- none until the table is next analysed.
ANALYZE statements_statement;
"""

BACKWARD = """
DROP INDEX IF EXISTS statement_phrase_idx;
DROP FUNCTION IF EXISTS statements_lexeme_pairs(tsvector);
DROP FUNCTION IF EXISTS statements_lexeme_pair(text, text);
"""


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("statements", "0015_statement_search_vector_inline")]

    operations = [migrations.RunPython(forward, backward)]
