import io

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from xuncha.audit.models import Event
from xuncha.audit.services import event_record
from xuncha.audit.testing import audit_triggers_lifted


class AuditChainTests(TestCase):
    def record(self, n=3):
        with transaction.atomic():
            for i in range(n):
                event_record(actor=None, action="test.event", params={"i": i, "text": "巡察"})

    def verify(self):
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        return out.getvalue()

    def test_events_are_chained(self):
        self.record()
        events = list(Event.objects.order_by("seq"))
        self.assertEqual([e.seq for e in events], [1, 2, 3])
        self.assertEqual(events[1].prev_hash, events[0].hash)
        self.assertIn("3 event(s) verified", self.verify())

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
        with self.assertRaises(CommandError) as ctx:
            self.verify()
        self.assertIn("seq 3", str(ctx.exception))
        self.assertIn("content", str(ctx.exception))

    def test_a_removed_row_is_found(self):
        self.record(4)
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq = 2")
        with self.assertRaises(CommandError) as ctx:
            self.verify()
        self.assertIn("seq 3", str(ctx.exception))

    def test_public_events_carry_no_address(self):
        from xuncha.lib.requestctx import reset_client_ip, set_client_ip

        token = set_client_ip("10.1.2.3")
        try:
            with transaction.atomic():
                event = event_record(actor=None, action="public.thing")
        finally:
            reset_client_ip(token)
        self.assertIsNone(event.ip)
