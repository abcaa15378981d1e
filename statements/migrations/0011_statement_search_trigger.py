"""Full-text search on PostgreSQL: a trigger keeps each statement's search_vector current on
every insert and update (bulk inserts, queryset updates and raw SQL included), a GIN index
serves the searches, and the statements stored before are indexed once. Nothing on SQLite,
which searches with icontains (statements/search.py)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION statements_statement_search_vector() RETURNS trigger AS $$
BEGIN
    -- The text is cut at 300,000 characters: a tsvector holds at most 1 MB, and a longer text
    -- would make the whole insert fail. Its title and first pages are what a search is for.
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.speaker, '')), 'B')
        || setweight(to_tsvector('english', left(coalesce(NEW.text, ''), 300000)), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER statement_search_vector_update
    BEFORE INSERT OR UPDATE OF title, speaker, text ON statements_statement
    FOR EACH ROW EXECUTE FUNCTION statements_statement_search_vector();

UPDATE statements_statement SET title = title;

CREATE INDEX statement_search_idx ON statements_statement USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS statement_search_idx;
DROP TRIGGER IF EXISTS statement_search_vector_update ON statements_statement;
DROP FUNCTION IF EXISTS statements_statement_search_vector();
UPDATE statements_statement SET search_vector = NULL;
"""


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # Without parameters, so the several statements go as one simple query.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("statements", "0010_statement_stories")]

    operations = [migrations.RunPython(forward, backward)]
