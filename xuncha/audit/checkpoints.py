"""Checkpoints: the head of the audit chain, kept outside the database (see ``chain.py``).

A checkpoint is one JSON line::

    {"at":"2026-12-04T20:35:00.123456Z","count":1200,"key_id":"2026a","mac":"9f…","seq":1200,
     "sig":"4b…","v":1}

``count`` rows, the last one numbered ``seq`` with link value ``mac``, at time ``at``;
``sig`` is HMAC-SHA256 under the key ``key_id`` of the other fields (with a context prefix,
so a checkpoint's MAC never doubles as a row's). ``checkpoint_take`` sends the line to each
configured destination: appended to ``XUNCHA_AUDIT_CHECKPOINT_DIR/audit-checkpoints.jsonl``
(the directory must exist: a missing mount is an error, not a reason to write on the local
disk), e-mailed to ``XUNCHA_AUDIT_CHECKPOINT_EMAIL`` and logged on ``xuncha.audit``.
"""

import datetime
import hmac
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .chain import GENESIS, Head
from .keys import AuditKey, audit_keys, signing_key
from .models import Event
from .services import chain_lock

FILE_NAME = "audit-checkpoints.jsonl"
VERSION = 1
_CONTEXT = b"xuncha-audit-checkpoint\n"

log = logging.getLogger("xuncha.audit")


class CheckpointError(Exception):
    """A checkpoint could not be sent to one of its destinations, or cannot be read."""


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    seq: int
    mac: str
    key_id: str

    def _payload(self) -> dict[str, Any]:
        return {"v": VERSION, "at": self.at, "count": self.count, "seq": self.seq,
                "mac": self.mac, "key_id": self.key_id}

    def line(self, key: AuditKey) -> str:
        """The checkpoint as its MAC'd JSON line (no newline)."""
        if key.id != self.key_id:
            raise ValueError("a checkpoint is signed with the key it names")
        payload = self._payload()
        payload["sig"] = _sign(payload, key)
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def _sign(payload: dict[str, Any], key: AuditKey) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.digest(key.secret, _CONTEXT + body, "sha256").hex()


def checkpoint_parse(line: str, keys: Sequence[AuditKey]) -> Checkpoint:
    """The checkpoint a line holds; ``ValueError`` if it is malformed or its MAC does not
    verify under the key it names."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError("not a JSON checkpoint") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise ValueError("not a version-1 checkpoint")
    try:
        checkpoint = Checkpoint(at=str(data["at"]), count=int(data["count"]),
                                seq=int(data["seq"]), mac=str(data["mac"]),
                                key_id=str(data["key_id"]))
        sig = str(data["sig"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("a checkpoint field is missing or malformed") from None
    key = next((k for k in keys if k.id == checkpoint.key_id), None)
    if key is None:
        raise ValueError(f"signed with key id {checkpoint.key_id!r}, which XUNCHA_AUDIT_KEYS "
                         "does not list")
    if not hmac.compare_digest(_sign(checkpoint._payload(), key).encode(), sig.encode()):
        raise ValueError("its MAC does not verify (changed, or written with another key)")
    return checkpoint


def checkpoints_parse(lines: Iterable[str], keys: Sequence[AuditKey], *, source: str,
                      ) -> list[Checkpoint]:
    """Every checkpoint of ``lines`` (blank lines skipped); ``CheckpointError`` names the
    first line that does not verify."""
    found = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                found.append(checkpoint_parse(line.strip(), keys))
            except ValueError as exc:
                raise CheckpointError(f"{source}, line {number}: {exc}.") from None
    return found


def checkpoint_dir() -> Path | None:
    directory = str(getattr(settings, "XUNCHA_AUDIT_CHECKPOINT_DIR", "") or "")
    return Path(directory) if directory else None


def checkpoints_stored() -> tuple[list[Checkpoint], str]:
    """The checkpoints of the configured file and a sentence saying where they came from.
    A configured directory that is missing is an error (unmounted storage)."""
    directory = checkpoint_dir()
    if directory is None:
        return [], "no checkpoint directory configured (XUNCHA_AUDIT_CHECKPOINT_DIR)"
    if not directory.is_dir():
        raise CheckpointError(f"XUNCHA_AUDIT_CHECKPOINT_DIR {directory} is not a directory "
                              "(is the storage mounted?).")
    path = directory / FILE_NAME
    if not path.exists():
        return [], f"no checkpoint in {path} yet"
    with path.open(encoding="utf-8") as handle:
        return checkpoints_parse(handle, audit_keys(), source=str(path)), str(path)


def checkpoint_pins(checkpoints: Iterable[Checkpoint]) -> dict[int, str]:
    """``{seq: MAC}`` the chain must show at each checkpointed seq. Two valid checkpoints
    that disagree about one seq mean the history was rewritten between them."""
    pins: dict[int, str] = {}
    for checkpoint in checkpoints:
        if checkpoint.seq <= 0:
            continue
        if pins.setdefault(checkpoint.seq, checkpoint.mac) != checkpoint.mac:
            raise CheckpointError(
                f"Audit history rewritten: two checkpoints record different MACs at seq "
                f"{checkpoint.seq} (the later one of {checkpoint.at}).")
    return pins


def truncation(head: Head, checkpoints: Sequence[Checkpoint]) -> str:
    """Why the intact chain ``head`` is shorter than the furthest checkpoint saw it ("" if
    it is not)."""
    if not checkpoints:
        return ""
    furthest = max(checkpoints, key=lambda c: (c.seq, c.count))
    if head.count < furthest.count or head.seq < furthest.seq:
        return (f"Audit trail truncated: the checkpoint of {furthest.at} recorded "
                f"{furthest.count} event(s) up to seq {furthest.seq}; the database has "
                f"{head.count} up to seq {head.seq}.")
    return ""


def chain_head() -> Checkpoint:
    """The head as it is now, read while no append can commit, under the signing key."""
    with transaction.atomic():
        chain_lock()
        count = Event.objects.count()
        last = Event.objects.order_by("-seq").values("seq", "hash").first()
    now = timezone.now().astimezone(datetime.UTC)
    return Checkpoint(at=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), count=count,
                      seq=last["seq"] if last else 0, mac=last["hash"] if last else GENESIS,
                      key_id=signing_key().id)


def _append(directory: Path, line: str) -> Path:
    if not directory.is_dir():
        raise OSError(f"{directory} is not a directory (is the storage mounted?)")
    path = directory / FILE_NAME
    # O_APPEND: one write() per line lands at the end even with two writers; never truncated.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def checkpoint_take() -> tuple[Checkpoint, list[str]]:
    """Take a checkpoint and send it to every configured destination; return it and the
    destinations reached. Every destination is tried; if one fails, ``CheckpointError``
    says which (the log line is written first, whatever happens after)."""
    checkpoint = chain_head()
    line = checkpoint.line(signing_key())
    log.info("audit checkpoint %s", line)
    reached, failed = ["log"], []
    directory = checkpoint_dir()
    if directory is not None:
        try:
            reached.append(str(_append(directory, line)))
        except OSError as exc:
            failed.append(f"checkpoint file in {directory}: {exc}")
    recipients = list(getattr(settings, "XUNCHA_AUDIT_CHECKPOINT_EMAIL", []) or [])
    if recipients:
        try:
            send_mail(
                subject=f"Xuncha audit checkpoint: {checkpoint.count} event(s) up to seq "
                        f"{checkpoint.seq}",
                message=(f"The audit trail's head at {checkpoint.at}: {checkpoint.count} "
                         f"event(s), last seq {checkpoint.seq}, MAC {checkpoint.mac}.\n\n"
                         "Keep this message: `xuncha audit-verify --checkpoint '<line>'` "
                         "checks the trail against the line below.\n\n" + line + "\n"),
                from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients,
                fail_silently=False)
            reached.append("e-mail to " + ", ".join(recipients))
        except Exception as exc:  # any mail failure: still report the other destinations
            failed.append(f"e-mail to {', '.join(recipients)}: {exc}")
    if failed:
        log.error("audit checkpoint not delivered: %s", "; ".join(failed))
        raise CheckpointError("Checkpoint not delivered to " + "; ".join(failed) + ".")
    return checkpoint, reached
