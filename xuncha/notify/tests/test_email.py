"""E-mail through a local SMTP server over a real socket (the standard library's ``smtpd``
on 127.0.0.1), with Django's SMTP backend pointed at it."""

from django.test import override_settings

from xuncha.lib.testing import WorldTestCase
from xuncha.notify import sweep as notify
from xuncha.notify.digest import digests_send
from xuncha.notify.models import Delivery, DeliveryStatus, DigestSent, EmailChoice, Preference
from xuncha.notify.outbox import MAX_ATTEMPTS
from xuncha.notify.tasks import deliveries_dispatch
from xuncha.notify.texts import digest_message, person_message

from .base import D, SmtpServer, StubTodo, at, body_of, closed_port, on

DUE = D(2026, 10, 9)


@override_settings(XUNCHA_BASE_URL="https://xuncha.example.gov.cn", XUNCHA_DIGEST_HOUR=8,
                   DEFAULT_FROM_EMAIL="xuncha@example.gov.cn")
class EmailTests(WorldTestCase):
    def setUp(self):
        self.todo = StubTodo()
        for user in (self.office2, self.team):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        self.todo.add(self.office2, kind="target_notice", key="target_notice:1",
                      committee_id=self.county.pk, due=DUE)
        self.todo.add(self.team, kind="report_review", key="report_review:1",
                      committee_id=self.county.pk, due=DUE)
        self.todo.add(self.team, kind="stationing", key="stationing:1",
                      committee_id=self.county.pk, due=D(2026, 12, 1))

    def sweep_and_send(self, day):
        with self.captureOnCommitCallbacks(execute=True), on(day):
            result = notify.sweep(source=self.todo)
            deliveries_dispatch(result.deliveries)
        return result

    def test_an_e_mail_at_each_reminder(self):
        Preference.objects.create(user=self.office2, email=EmailChoice.EACH)
        with SmtpServer() as smtp, smtp.settings():
            self.sweep_and_send(D(2026, 9, 29))
            self.sweep_and_send(D(2026, 9, 29))  # nothing new: no second mail
            self.sweep_and_send(D(2026, 10, 10))
        self.assertEqual(len(smtp.received), 2)
        first, second = smtp.received
        expected = person_message(total=1, overdue=0)
        self.assertEqual(str(first["Subject"]), expected.subject)
        self.assertEqual(first["X-Envelope-To"], "office2@example.org")
        self.assertEqual(first["From"], "xuncha@example.gov.cn")
        self.assertEqual(body_of(first).strip(), expected.body)
        self.assertIn("https://xuncha.example.gov.cn/todo/", body_of(first))
        self.assertEqual(body_of(second).strip(), person_message(total=1, overdue=1).body)
        self.assertEqual(list(Delivery.objects.values_list("status", "attempts")),
                         [(DeliveryStatus.SENT, 1)] * 2)

    def test_the_daily_digest_once_a_day_after_its_hour(self):
        Preference.objects.create(user=self.team, email=EmailChoice.DAILY)
        Preference.objects.create(user=self.office2, email=EmailChoice.NONE)
        with SmtpServer() as smtp, smtp.settings():
            for moment in (at(D(2026, 9, 29), 7), at(D(2026, 9, 29), 9),
                           at(D(2026, 9, 29), 15), at(D(2026, 10, 10), 9)):
                with self.captureOnCommitCallbacks(execute=True), on(moment.date(),
                                                                     moment.hour):
                    deliveries_dispatch(digests_send(source=self.todo))
        self.assertEqual([m["X-Envelope-To"] for m in smtp.received],
                         ["team@example.org", "team@example.org"])
        self.assertEqual(body_of(smtp.received[0]).strip(),
                         digest_message(total=2, overdue=0).body)
        self.assertEqual(body_of(smtp.received[1]).strip(),
                         digest_message(total=2, overdue=1).body)
        # A folded non-ASCII header may come back with the fold's space in front.
        self.assertEqual(str(smtp.received[1]["Subject"]).strip(),
                         digest_message(total=2, overdue=1).subject)
        self.assertEqual(DigestSent.objects.filter(user=self.team).count(), 2)

    def test_no_digest_when_nothing_waits(self):
        Preference.objects.create(user=self.custodian, email=EmailChoice.DAILY)
        self.custodian.email = "custodian@example.org"
        self.custodian.save(update_fields=["email"])
        with on(D(2026, 9, 29), 9):
            self.assertEqual(digests_send(source=self.todo), [])

    def test_a_mail_server_that_is_down_is_retried_then_logged(self):
        Preference.objects.create(user=self.office2, email=EmailChoice.EACH)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port(),
                               EMAIL_USE_TLS=False), self.assertLogs("xuncha.notify", "INFO"):
            result = self.sweep_and_send(D(2026, 9, 29))
        self.assertEqual(result.reminders, 2)  # the reminders stand
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual(delivery.attempts, MAX_ATTEMPTS)
        self.assertIn("refused", delivery.last_error.lower())
