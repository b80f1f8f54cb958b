"""The MAC chain: appends, what the walk finds, and the attacks of issue 15 item 7 that the
old plain SHA-256 chain let through (re-hashing the rest after a rewrite)."""

import base64
import hashlib
import secrets

from django.core.management import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from xuncha.audit.chain import canonical, row_mac, unkeyed_hash
from xuncha.audit.keys import DEV_KEY_ID, AuditKey, audit_keys
from xuncha.audit.models import Event
from xuncha.audit.services import event_record
from xuncha.audit.testing import audit_triggers_lifted

from .base import ChainTestCase, new_key


def plain_sha256(row):
    """The old algorithm: no key, no key id."""
    row["key_id"] = None
    return None, unkeyed_hash(row)


def sha256_under_the_same_key_id(row):
    return row["key_id"], hashlib.sha256(canonical(row)).hexdigest()


def mac_under(key):
    def link(row):
        row["key_id"] = key.id
        return key.id, row_mac(row, key)
    return link


def forged(row):
    row["params"] = {"i": 99, "text": "改写"}


class AuditChainTests(ChainTestCase):
    def test_events_are_chained_with_a_keyed_mac(self):
        self.record()
        events = list(Event.objects.order_by("seq"))
        self.assertEqual([e.seq for e in events], [1, 2, 3])
        self.assertEqual(events[1].prev_hash, events[0].hash)
        self.assertEqual({e.key_id for e in events}, {DEV_KEY_ID})
        row = self.rows()[1]
        self.assertEqual(row["hash"], row_mac(row, audit_keys()[0]))
        self.assertNotEqual(row["hash"], unkeyed_hash(row))
        self.assertIn("3 event(s) verified", self.verify())

    def test_an_append_is_one_read_and_one_insert(self):
        self.record(1)
        with CaptureQueriesContext(connection) as queries:
            event_record(actor=None, action="test.event", params={"i": 1})
        statements = [q["sql"] for q in queries.captured_queries
                      if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
        lock = 1 if connection.vendor == "postgresql" else 0  # the advisory lock
        self.assertEqual(len(statements), 2 + lock, statements)

    def test_rows_cannot_be_updated_or_deleted(self):
        self.record(1)
        event = Event.objects.get()
        with self.assertRaises(RuntimeError):
            event.save()
        with self.assertRaises(RuntimeError):
            event.delete()
        with self.assertRaises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(action="forged")
        with self.assertRaises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk=event.pk).delete()

    def test_tampering_is_found_at_the_right_row(self):
        self.record(4)
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_event SET params = %s WHERE seq = 3",
                           ['{"i": 99}'])
        with self.assertRaisesMessage(CommandError, "broken at seq 3: content does not match"):
            self.verify()

    def test_a_removed_row_is_found(self):
        self.record(4)
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq = 2")
        with self.assertRaisesMessage(CommandError, "seq 3: row(s) missing before seq 3"):
            self.verify()

    def test_removing_the_first_rows_is_found(self):
        self.record(4)
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq <= 2")
        with self.assertRaisesMessage(CommandError, "missing before seq 3"):
            self.verify()

    def test_rewrite_rehashed_with_plain_sha256_is_found(self):
        # What the old chain accepted: change a row, recompute SHA-256 for it and the rest.
        self.record(5)
        self.rechain(3, plain_sha256, forged)
        with self.assertRaisesMessage(
                CommandError, "broken at seq 3: row without a key MAC after keyed rows"):
            self.verify()

    def test_rewrite_rehashed_with_sha256_keeping_the_key_id_is_found(self):
        self.record(5)
        self.rechain(3, sha256_under_the_same_key_id, forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 3: content does not match "
                                                    "its MAC"):
            self.verify()

    def test_whole_chain_rehashed_with_plain_sha256_is_found(self):
        self.record(5)
        self.rechain(1, plain_sha256, forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 5: the chain ends with a row "
                                                    "without a key MAC"):
            self.verify()

    def test_rewrite_rechained_with_a_wrong_key_is_found(self):
        self.record(5)
        # The attacker's own key under the real key id, then under an id of their own.
        guess = AuditKey(DEV_KEY_ID, secrets.token_bytes(32))
        self.rechain(2, mac_under(guess), forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 2: content does not match "
                                                    "its MAC"):
            self.verify()
        self.rechain(2, mac_under(AuditKey("mine", secrets.token_bytes(32))), forged)
        with self.assertRaisesMessage(
                CommandError, "broken at seq 2: signed with key id 'mine', which "
                              "XUNCHA_AUDIT_KEYS does not list"):
            self.verify()

    def test_public_events_carry_no_address(self):
        from xuncha.lib.requestctx import reset_client_ip, set_client_ip

        token = set_client_ip("10.1.2.3")
        try:
            with transaction.atomic():
                event = event_record(actor=None, action="public.thing")
        finally:
            reset_client_ip(token)
        self.assertIsNone(event.ip)


class KeyRotationTests(ChainTestCase):
    def setUp(self):
        super().setUp()
        self.old, self.new = new_key("2025a"), new_key("2026a")

    def test_rows_under_an_old_key_verify_after_a_new_key_is_added(self):
        with override_settings(XUNCHA_AUDIT_KEYS=[self.old]):
            self.record(3)
        with override_settings(XUNCHA_AUDIT_KEYS=[self.new, self.old]):
            self.record(2)
            self.assertEqual(list(Event.objects.order_by("seq").values_list("key_id", flat=True)),
                             ["2025a"] * 3 + ["2026a"] * 2)
            self.assertIn("5 event(s) verified", self.verify())
        # Without the old key its rows cannot be checked: named, not passed.
        with override_settings(XUNCHA_AUDIT_KEYS=[self.new]), self.assertRaisesMessage(
                CommandError, "broken at seq 1: signed with key id '2025a', which "
                              "XUNCHA_AUDIT_KEYS does not list"):
            self.verify()

    def test_a_retired_key_cannot_sign_rows_after_the_rotation(self):
        with override_settings(XUNCHA_AUDIT_KEYS=[self.old]):
            self.record(2)
        with override_settings(XUNCHA_AUDIT_KEYS=[self.new, self.old]):
            self.record(2)
            # Someone holding only the old (leaked) key re-signs the last row with it.
            old_key = audit_keys()[1]
            self.rechain(4, mac_under(old_key), forged)
            with self.assertRaisesMessage(CommandError, "broken at seq 4: signed with the older "
                                                        "key '2025a' after rows signed with the "
                                                        "newer key '2026a'"):
                self.verify()

    def test_both_base64_alphabets_are_accepted(self):
        raw = secrets.token_bytes(32)
        for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
                        base64.urlsafe_b64encode(raw).decode().rstrip("=")):
            with self.subTest(encoded=encoded), override_settings(
                    XUNCHA_AUDIT_KEYS=[f"k1:{encoded}"]):
                self.assertEqual(audit_keys()[0].secret, raw)
