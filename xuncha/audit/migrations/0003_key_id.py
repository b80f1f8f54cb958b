"""Rows name the key that signed them (``chain.py``). The column is nullable so that adding
it rewrites no row (SQLite would otherwise re-create the append-only table, and its
triggers with it); NULL marks the SHA-256 rows written before the keyed chain."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='key_id',
            field=models.CharField(blank=True, max_length=16, null=True),
        ),
    ]
