"""Shared set-up of the audit chain tests: recording events, verifying, and tampering as
someone with write access to the database (but not to the environment) would."""

import base64
import io
import secrets
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from xuncha.audit.chain import FIELDS, GENESIS
from xuncha.audit.models import Event
from xuncha.audit.services import event_record
from xuncha.audit.testing import audit_triggers_lifted


def new_key(key_id: str) -> str:
    """An ``XUNCHA_AUDIT_KEYS`` entry with a fresh random key."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


class ChainTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.checkpoint_dir = tempfile.mkdtemp(prefix="xuncha-checkpoints-")
        self.addCleanup(shutil.rmtree, self.checkpoint_dir, True)
        settings = override_settings(XUNCHA_AUDIT_CHECKPOINT_DIR=self.checkpoint_dir,
                                     XUNCHA_AUDIT_CHECKPOINT_EMAIL=[])
        settings.enable()
        self.addCleanup(settings.disable)

    def record(self, n: int = 3, action: str = "test.event") -> None:
        with transaction.atomic():
            for i in range(n):
                event_record(actor=None, action=action, params={"i": i, "text": "巡察"})

    def verify(self, *args: str) -> str:
        out = io.StringIO()
        call_command("audit_verify", *args, stdout=out)
        return out.getvalue()

    def checkpoint(self) -> str:
        out = io.StringIO()
        with self.assertLogs("xuncha.audit", "INFO"):
            call_command("audit_checkpoint", stdout=out)
        return out.getvalue()

    def rows(self) -> list[dict[str, Any]]:
        return list(Event.objects.order_by("seq").values(*FIELDS))

    def rechain(self, from_seq: int, link: Callable[[dict[str, Any]], tuple[str | None, str]],
                change: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Rewrite the rows from ``from_seq`` on as an attacker with database access: apply
        ``change`` to the first, then give every row a new ``(key_id, hash)`` from ``link``
        chained on the row before, and store them with the triggers dropped."""
        rows = self.rows()
        prev = GENESIS
        with audit_triggers_lifted():
            for row in rows:
                if row["seq"] >= from_seq:
                    if row["seq"] == from_seq and change is not None:
                        change(row)
                    row["prev_hash"] = prev
                    row["key_id"], row["hash"] = link(row)
                    Event.objects.filter(seq=row["seq"]).update(
                        params=row["params"], prev_hash=row["prev_hash"], key_id=row["key_id"],
                        hash=row["hash"])
                prev = row["hash"]
