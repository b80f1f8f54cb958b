"""PostgreSQL: one GIN index over (committee_id, search_vector) instead of the vector alone.

Measured on the province set (1,000,000 petitions): a four-character query common across
the province (``宅基地审批``, about 40,000 matches) took 320 ms when the planner had to read
every province-wide match and then keep one county's; with ``committee_id`` inside the same
GIN index (btree_gin) the bitmap holds only the county's matches: 5 ms. A query without a
committee still uses the index on its vector column.
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS petition_committee_search_gin ON petitions_petition "
    "USING gin (committee_id, search_vector)",
    "DROP INDEX IF EXISTS petition_search_gin",
]
DOWN = [
    "CREATE INDEX IF NOT EXISTS petition_search_gin ON petitions_petition "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS petition_committee_search_gin",
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
    dependencies = [("petitions", "0004_reindex")]
    operations = [migrations.RunPython(up, down)]
