"""The audit chain: the canonical form of a row, its MAC, and the walk that verifies it.

Keyed chain
-----------
Every row stores ``prev_hash`` (the link value of the row before it; ``GENESIS`` for seq 1),
``key_id`` and ``hash``: HMAC-SHA256, under the key named by ``key_id``, of the row's
canonical JSON (every field, ``prev_hash`` and ``key_id`` included). The keys live in the
environment, never in the database (``XUNCHA_AUDIT_KEYS``, see ``keys.py``): someone who
can write the database but does not hold a key cannot rewrite a row and re-compute the
rest, neither with plain SHA-256 nor with a key of their own. Appending costs one HMAC and
no query beyond the one that reads the previous row.

Key rotation
------------
``XUNCHA_AUDIT_KEYS="new:BASE64,old:BASE64"``: the first key signs new rows and
checkpoints, every listed key verifies. To rotate, put a new key in front and restart; keep
the old keys listed for as long as rows signed with them must verify (rows are never
re-signed: the database refuses UPDATE). Along the chain a row may not be signed with a key
listed after the key of an earlier row, so a retired (possibly leaked) key cannot sign rows
appended after the rotation.

Rows from before the keyed chain
--------------------------------
Rows written before migration ``audit 0004`` carry ``key_id = ""`` and keep their plain
SHA-256 link. That migration appends one keyed row, ``audit.chain_keyed``, whose MAC covers
the last SHA-256 link (and the count and head in its params): from then on rewriting an old
row breaks the chain at that row, because the keyed row after it cannot be re-signed. An
unkeyed row after a keyed one, or a chain whose last row is unkeyed, is a break. What was
changed *before* the migration cannot be found: the old chain had nothing to detect it with.

Checkpoints
-----------
A MAC chain still ends where the database ends: deleting the last rows leaves a valid,
shorter chain. ``xuncha audit-checkpoint`` (daily, through the scheduler) therefore writes
the head -- row count, last seq, its MAC, the time -- outside the database: one MAC'd JSON
line appended to ``XUNCHA_AUDIT_CHECKPOINT_DIR/audit-checkpoints.jsonl`` (storage the
database host cannot write), an e-mail to ``XUNCHA_AUDIT_CHECKPOINT_EMAIL`` and the
``xuncha.audit`` log (``checkpoints.py``). ``xuncha audit-verify`` walks the chain, then
compares it with every checkpoint: fewer rows or a lower last seq than a checkpoint is a
truncated tail; a different MAC at a checkpointed seq is a rewritten, re-chained history.
Losses after the last checkpoint (at most a day) are only found by the next one.
"""

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .keys import AuditKey

GENESIS = "0" * 64
#: ``key_id`` of the rows chained with plain SHA-256, before ``audit 0004``.
UNKEYED = ""

#: The columns ``verify`` reads (``audit-verify``, backups and their tests use them too).
FIELDS = (
    "seq", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id",
    "object_repr", "committee_id", "changes", "params", "ip", "prev_hash", "key_id", "hash",
)


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


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes a row's link covers. ``created_at`` is normalised to UTC microseconds;
    ``key_id`` is covered when set (unkeyed rows keep the form their SHA-256 was made of)."""
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
    key_id = row.get("key_id") or UNKEYED
    if key_id:
        payload["key_id"] = key_id
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def unkeyed_hash(row: Mapping[str, Any]) -> str:
    """The plain SHA-256 link of the rows written before ``audit 0004``."""
    return hashlib.sha256(canonical(row)).hexdigest()


def row_mac(row: Mapping[str, Any], key: AuditKey) -> str:
    """HMAC-SHA256 of the row under ``key`` (``row["key_id"]`` must be ``key.id``)."""
    return hmac.digest(key.secret, canonical(row), "sha256").hex()


@dataclass
class Break:
    seq: int
    reason: str


@dataclass(frozen=True)
class Head:
    """The end of the chain as the walk found it: rows, last seq and its link value."""

    count: int
    seq: int
    mac: str


def verify(rows: Iterable[Mapping[str, Any]], *, keys: Sequence[AuditKey],
           pins: Mapping[int, str] | None = None, require_keyed_head: bool = True,
           ) -> tuple[int, Break | None, Head]:
    """Walk ``rows`` in ``seq`` order; return (rows checked, first break or None, head of
    the intact part).

    ``keys`` are the configured keys, newest first. ``pins`` maps checkpointed seqs to the
    MAC a checkpoint saw there: a row whose link differs was rewritten and re-chained.
    ``require_keyed_head=False`` accepts a chain of unkeyed rows only (the migration that
    seals them walks them so).
    """
    by_id = {key.id: (rank, key) for rank, key in enumerate(keys)}
    pins = pins or {}
    prev = GENESIS
    expected_seq = 1
    newest: tuple[int, str] | None = None  # (rank, id) of the newest key seen so far
    count = 0
    for row in rows:
        count += 1
        reason, newest = _problem(row, prev, expected_seq, newest, by_id, pins)
        if reason:
            return count, Break(row["seq"], reason), Head(count - 1, expected_seq - 1, prev)
        prev = row["hash"]
        expected_seq = row["seq"] + 1
    if count and newest is None and require_keyed_head:
        reason = ("the chain ends with a row without a key MAC: since migration audit 0004 the "
                  "last row is always keyed, so rows were removed or re-hashed without the key")
        return count, Break(expected_seq - 1, reason), Head(count, expected_seq - 1, prev)
    return count, None, Head(count, expected_seq - 1, prev)


def _problem(row: Mapping[str, Any], prev: str, expected_seq: int, newest: tuple[int, str] | None,
             by_id: Mapping[str, tuple[int, AuditKey]], pins: Mapping[int, str],
             ) -> tuple[str, tuple[int, str] | None]:
    """What is wrong with ``row`` ("" if nothing), and the newest key seen after it."""
    seq = row["seq"]
    if seq != expected_seq:
        return f"row(s) missing before seq {seq}", newest
    if row["prev_hash"] != prev:
        return "previous-hash link does not match", newest
    key_id = row["key_id"] or UNKEYED
    if key_id == UNKEYED:
        if newest is not None:
            return "row without a key MAC after keyed rows (re-hashed without the key?)", newest
        expected = unkeyed_hash(row)
    elif key_id not in by_id:
        return f"signed with key id {key_id!r}, which XUNCHA_AUDIT_KEYS does not list", newest
    else:
        rank, key = by_id[key_id]
        if newest is not None and rank > newest[0]:
            return (f"signed with the older key {key_id!r} after rows signed with the newer "
                    f"key {newest[1]!r}"), newest
        newest = (rank, key_id)
        expected = row_mac(row, key)
    if expected != row["hash"]:
        if key_id == UNKEYED:
            return "content does not match its hash", newest
        return "content does not match its MAC (changed, or re-chained without the key)", newest
    pinned = pins.get(seq)
    if pinned is not None and pinned != row["hash"]:
        return ("MAC differs from the one a checkpoint recorded at this seq: the history up "
                "to here was rewritten and re-chained"), newest
    return "", newest
