"""PostgreSQL-only search indexes: GIN over the bigram tsvector, trigram GIN on names."""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS petition_search_gin ON petitions_petition "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS subject_name_trgm ON petitions_petitionsubject "
    "USING gin (name gin_trgm_ops)",
]
DOWN = [
    "DROP INDEX IF EXISTS subject_name_trgm",
    "DROP INDEX IF EXISTS petition_search_gin",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
