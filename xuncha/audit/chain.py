"""Hash chaining of audit events: the canonical form and its verification."""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Turn a field value into plain JSON (strings for dates, decimals, UUIDs, files)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return str(value)


def canonical(row: dict) -> bytes:
    """The bytes a row's hash covers. ``created_at`` is normalised to UTC microseconds."""
    created = row["created_at"]
    if isinstance(created, datetime.datetime):
        created = created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": row["seq"],
        "created_at": created,
        "actor_id": row["actor_id"],
        "actor_name": row["actor_name"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "committee_id": row["committee_id"],
        "changes": row["changes"],
        "params": row["params"],
        "ip": row["ip"],
        "prev_hash": row["prev_hash"],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash(row: dict) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass
class Break:
    seq: int
    reason: str


FIELDS = (
    "seq", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id",
    "object_repr", "committee_id", "changes", "params", "ip", "prev_hash", "hash",
)


def verify(rows) -> tuple[int, Break | None]:
    """Walk rows in ``seq`` order; return (rows checked, first break or None)."""
    prev = GENESIS
    expected_seq = None
    count = 0
    for row in rows:
        count += 1
        if expected_seq is not None and row["seq"] != expected_seq:
            return count, Break(row["seq"], f"row(s) missing before seq {row['seq']}")
        if row["prev_hash"] != prev:
            return count, Break(row["seq"], "previous-hash link does not match")
        if row_hash(row) != row["hash"]:
            return count, Break(row["seq"], "content does not match its hash")
        prev = row["hash"]
        expected_seq = row["seq"] + 1
    return count, None
