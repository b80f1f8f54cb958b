"""Rows from before the keyed chain (plain SHA-256, no key id) keep verifying, and the
migration that seals them (``0004_seal_unkeyed_rows``) makes rewriting them detectable."""

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.core.management import CommandError
from django.db import connection

from xuncha.audit.chain import GENESIS, unkeyed_hash
from xuncha.audit.keys import DEV_KEY_ID
from xuncha.audit.models import Event
from xuncha.audit.services import event_record

from .base import ChainTestCase
from .test_chain import forged, plain_sha256

SEAL = importlib.import_module("xuncha.audit.migrations.0004_seal_unkeyed_rows")
START = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


class UnkeyedRowsTests(ChainTestCase):
    def write_unkeyed(self, n: int) -> None:
        """Rows as the code before the keyed chain wrote them."""
        prev = GENESIS
        for seq in range(1, n + 1):
            row = {"seq": seq, "created_at": START + datetime.timedelta(minutes=seq),
                   "actor_id": None, "actor_name": "", "action": "old.event",
                   "object_type": "", "object_id": "", "object_repr": "", "committee_id": None,
                   "changes": {}, "params": {"i": seq, "text": "旧"}, "ip": None,
                   "prev_hash": prev}
            prev = unkeyed_hash(row)
            Event(**row, hash=prev).save(force_insert=True)

    def seal(self) -> None:
        SEAL.seal(apps, SimpleNamespace(connection=connection))

    def test_unsealed_old_rows_alone_do_not_pass(self):
        self.write_unkeyed(3)
        with self.assertRaisesMessage(CommandError, "broken at seq 3: the chain ends with a row "
                                                    "without a key MAC"):
            self.verify()

    def test_the_migration_seals_the_old_rows_under_the_key(self):
        self.write_unkeyed(3)
        old_head = Event.objects.get(seq=3).hash
        self.seal()
        seal = Event.objects.get(seq=4)
        self.assertEqual((seal.action, seal.key_id, seal.prev_hash),
                         (SEAL.ACTION, DEV_KEY_ID, old_head))
        self.assertEqual(seal.params, {"unkeyed_rows": 3, "unkeyed_head_seq": 3,
                                       "unkeyed_head": old_head, "unkeyed_chain_intact": True,
                                       "first_break_seq": None})
        self.seal()  # once only: the last row is keyed now
        self.assertEqual(Event.objects.count(), 4)
        event_record(actor=None, action="new.event")
        self.assertIn("5 event(s) verified", self.verify())

    def test_rewriting_a_sealed_old_row_is_found(self):
        self.write_unkeyed(3)
        self.seal()
        self.record(2)
        # Change old row 2 and re-hash the old rows after it the old way, linking the seal
        # to the new head: the seal's MAC covers the old head and cannot be re-made.
        self.rechain(2, lambda row: plain_sha256(row) if row["seq"] <= 3
                     else (row["key_id"], row["hash"]), forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 4: content does not match "
                                                    "its MAC"):
            self.verify()

    def test_an_old_chain_broken_before_the_seal_is_recorded_so(self):
        self.write_unkeyed(3)
        self.rechain(2, lambda row: (None, "f" * 64) if row["seq"] == 2 else plain_sha256(row))
        self.seal()
        params = Event.objects.get(seq=4).params
        self.assertEqual((params["unkeyed_chain_intact"], params["first_break_seq"]), (False, 2))

    def test_an_empty_trail_gets_no_seal(self):
        self.seal()
        self.assertFalse(Event.objects.exists())
        self.record(1)
        self.assertEqual(Event.objects.get().seq, 1)
