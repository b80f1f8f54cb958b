"""Who reads which event: the rule and its query form agree; missing and forbidden alike."""

from django.db import transaction

from xuncha.audit.access import access_event, can_read_event
from xuncha.audit.selectors import events_visible_to
from xuncha.audit.services import event_record
from xuncha.lib.errors import NotFound
from xuncha.lib.testing import WorldTestCase


class EventRuleTests(WorldTestCase):
    def setUp(self):
        with transaction.atomic():
            self.events = [
                event_record(actor=self.office, action="test.a", committee_id=self.county.pk),
                event_record(actor=self.other_office, action="test.b",
                             committee_id=self.county_b.pk),
                event_record(actor=None, action="test.c"),
            ]

    def test_can_read_event_agrees_with_events_visible_to(self):
        for persona in self.PERSONAS:
            user = getattr(self, persona)
            for event in self.events:
                self.assertEqual(can_read_event(user=user, event=event),
                                 events_visible_to(user=user).filter(pk=event.pk).exists(),
                                 f"{persona} reads {event.action}")

    def test_missing_and_forbidden_events_look_the_same(self):
        own, other, _system = self.events
        self.assertEqual(access_event(user=self.office, seq=own.seq), own)
        for seq in (other.seq, own.seq + 1000):
            with self.assertRefused(NotFound, code="not_found"):
                access_event(user=self.office, seq=seq)
        with self.assertRefused(NotFound, code="not_found"):
            access_event(user=self.office2, seq=own.seq)  # not an administrator
