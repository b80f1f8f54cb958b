"""Recording audit events. Every service calls ``event_record`` inside its transaction."""

from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from xuncha.lib.requestctx import client_ip

from .chain import GENESIS, jsonable, row_mac
from .keys import signing_key
from .models import Event

# One fixed advisory-lock key serialises appends to the chain on PostgreSQL; the lock is
# held only until the surrounding transaction commits. SQLite serialises writers anyway.
_CHAIN_LOCK_KEY = 7_700_101


def snapshot(instance: Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` on ``instance`` (FKs as ids), ready for ``diff``."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        if getattr(field, "many_to_many", False):
            related = getattr(instance, name).values_list("pk", flat=True) if instance.pk else []
            values[name] = sorted(related)
        else:
            values[name] = jsonable(getattr(instance, attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))]
        for k in {**before, **after}
        if jsonable(before.get(k)) != jsonable(after.get(k))
    }


def _committee_of(obj: Model | None) -> int | None:
    if obj is None:
        return None
    for attr in ("audit_committee_id", "committee_id"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return None


def chain_lock() -> None:
    """Serialise with every other append until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def event_record(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    committee_id: int | None = None,
    changes: dict | None = None,
    params: dict | None = None,
    object_repr: str | None = None,
    ip: str | None = None,
) -> Event:
    """Append one event to the chain, in the caller's transaction: one query for the
    previous row, one HMAC under the signing key, one INSERT.

    ``actor`` is a user, or None for the public and the system. The client IP is kept
    for staff only (an authenticated actor, or ``ip`` given explicitly by the staff
    sign-in page); public submissions carry none.
    """
    key = signing_key()
    with transaction.atomic():
        chain_lock()
        last = Event.objects.order_by("-seq").values("seq", "hash").first()
        staff = actor is not None and getattr(actor, "is_authenticated", False)
        row = {
            "seq": (last["seq"] + 1) if last else 1,
            "actor_id": actor.pk if staff else None,
            "actor_name": actor.get_username() if staff else "",
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
            "object_repr": (object_repr if object_repr is not None
                            else (str(obj) if obj is not None else ""))[:200],
            "committee_id": committee_id if committee_id is not None else _committee_of(obj),
            "changes": jsonable(changes or {}),
            "params": jsonable(params or {}),
            "ip": ip or (client_ip() if staff else None),
            "prev_hash": last["hash"] if last else GENESIS,
            "key_id": key.id,
        }
        event = Event(**row)
        row["created_at"] = event.created_at
        event.hash = row_mac(row, key)
        event.save(force_insert=True)
        return event
