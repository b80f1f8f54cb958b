"""Seal the SHA-256 rows written before the keyed chain under the signing key.

The old rows keep their plain SHA-256 links (the database refuses UPDATE, and re-signing
them would also bless whatever had been changed in them before). One keyed row,
``audit.chain_keyed``, is appended after them: its MAC covers the last SHA-256 link, and its
params record how many unkeyed rows there were, their head, and whether their chain was
intact when it was sealed. From then on, rewriting an old row breaks the chain at that row,
since the keyed row after it cannot be re-signed without the key. An empty trail, or one
whose last row is already keyed, gets nothing. Take a checkpoint (``xuncha
audit-checkpoint``) right after migrating.

Reversing leaves the row (the trail is append-only).
"""

from django.db import migrations
from django.utils import timezone

from xuncha.audit.chain import FIELDS, row_mac, verify
from xuncha.audit.keys import signing_key

ACTION = "audit.chain_keyed"
_CHAIN_LOCK_KEY = 7_700_101  # the lock event_record takes (xuncha/audit/services.py)


def seal(apps, schema_editor):
    connection = schema_editor.connection
    Event = apps.get_model("audit", "Event")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = Event.objects.order_by("-seq").values("seq", "hash", "key_id").first()
    if last is None or last["key_id"]:
        return
    rows = Event.objects.order_by("seq").values(*FIELDS).iterator(chunk_size=5000)
    count, broken, _head = verify(rows, keys=(), require_keyed_head=False)
    key = signing_key()
    row = {
        "seq": last["seq"] + 1,
        "created_at": timezone.now(),
        "actor_id": None,
        "actor_name": "",
        "action": ACTION,
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "committee_id": None,
        "changes": {},
        "params": {
            "unkeyed_rows": count,
            "unkeyed_head_seq": last["seq"],
            "unkeyed_head": last["hash"],
            "unkeyed_chain_intact": broken is None,
            "first_break_seq": broken.seq if broken is not None else None,
        },
        "ip": None,
        "prev_hash": last["hash"],
        "key_id": key.id,
    }
    Event.objects.create(**row, hash=row_mac(row, key))


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_key_id")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
