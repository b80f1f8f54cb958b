"""Delivery errors are stored as codes and shown in the reader's language (the log page and
the API), never as English text written by the sender."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from xuncha.lib.testing import WorldTestCase
from xuncha.notify.models import (
    DELIVERY_ERRORS,
    Delivery,
    DeliveryStatus,
    Webhook,
    WebhookKind,
    delivery_error_text,
)
from xuncha.notify.outbox import MAX_ATTEMPTS, STALE_SENDING, deliveries_to_resume, delivery_attempt


class DeliveryErrorTests(WorldTestCase):
    def email(self, **fields):
        return Delivery.objects.create(channel="email", committee=self.county, subject="s",
                                       body="b", **fields)

    def test_an_address_missing_is_stored_as_a_code(self):
        delivery = self.email(user=self.office2, address="")
        self.assertEqual(delivery_attempt(delivery_id=delivery.pk, attempt=1).status,
                         DeliveryStatus.FAILED)
        delivery.refresh_from_db()
        self.assertEqual(delivery.last_error, "no_address")

    def test_a_removed_robot_is_stored_as_a_code(self):
        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x?key=k",
                                      created_by=self.office, is_active=False)
        delivery = Delivery.objects.create(channel="webhook", webhook=hook,
                                           committee=self.county, subject="s", body="b")
        delivery_attempt(delivery_id=delivery.pk, attempt=1)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.last_error),
                         (DeliveryStatus.FAILED, "robot_removed"))

    def test_an_interrupted_last_attempt_is_stored_as_a_code(self):
        long_ago = timezone.now() - STALE_SENDING - datetime.timedelta(minutes=1)
        delivery = self.email(address="a@example.org", status=DeliveryStatus.SENDING,
                              attempts=MAX_ATTEMPTS, last_attempt_at=long_ago)
        deliveries_to_resume()
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.last_error),
                         (DeliveryStatus.FAILED, "interrupted"))

    def test_every_code_reads_in_both_languages(self):
        for code, text in DELIVERY_ERRORS.items():
            has_detail = "%(detail)s" in str(text)
            stored = f"{code}:42" if has_detail else code
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    expected = str(text) % {"detail": "42"} if has_detail else str(text)
                    self.assertEqual(delivery_error_text(stored), expected)
            with translation.override("zh-hans"):  # the catalogue has every one
                self.assertRegex(delivery_error_text(stored), "[\u4e00-\u9fff]", code)
        self.assertEqual(delivery_error_text("an older free text"), "an older free text")

    def test_the_log_page_shows_the_translated_text(self):
        self.email(user=self.office2, address="", status=DeliveryStatus.FAILED,
                   last_error="no_address")
        self.email(user=self.office2, address="o@example.org", status=DeliveryStatus.FAILED,
                   last_error="http:502")
        self.login(self.office)
        page = self.client.get(reverse("notify:channels")).content.decode()
        with translation.override("zh-hans"):
            self.assertIn(gettext("The person has no e-mail address."), page)
            self.assertIn(gettext("The robot answered with HTTP status %(detail)s.")
                          % {"detail": "502"}, page)
        self.assertNotIn(">no_address<", page)
        self.assertNotIn("http:502", page)
