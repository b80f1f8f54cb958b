"""Sign-in throttling (issue 15, item 5): one answer for an unknown name, a wrong password
and a delayed attempt; a progressive delay instead of a lock an outsider can set off; the
address counts failures only; a known device is not held up by others' failures."""

from django.test import override_settings
from django.urls import reverse

from xuncha.accounts import signin, throttle
from xuncha.audit.models import Event
from xuncha.lib.testing import PASSWORD

from .base import AccountsTestCase

LOGIN = reverse("accounts:login")
OUTSIDER = "203.0.113.9"


class ThrottleTests(AccountsTestCase):
    def post_login(self, username, password, client=None, **extra):
        return (client or self.client).post(LOGIN, {"username": username,
                                                    "password": password}, **extra)

    def signed_in(self, response) -> bool:
        return response.status_code == 302 and response["Location"] == reverse("web:home")

    def test_unknown_wrong_and_delayed_get_one_answer(self):
        """The old code said "account locked" to the sixth attempt on a real name and the
        generic message to an unknown one: the name's existence showed."""
        with self.clock():
            answers = {}
            for name, password in (("office", "wrong-password"), ("nobody-here", "x" * 12)):
                responses = [self.post_login(name, password) for _i in range(7)]
                responses.append(self.post_login(name, PASSWORD))  # right, but delayed
                for response in responses:
                    self.assertGeneric(response)
                answers[name] = [(r.status_code, r.context["form"].non_field_errors())
                                 for r in responses]
            self.assertEqual(answers["office"], answers["nobody-here"])
            # Both names were delayed in the same way (the trail tells the office, not
            # the guesser): 5 counted failures, then attempts refused unchecked.
            for params in ({"username": "office"}, {"username": "nobody-here"}):
                self.assertEqual(Event.objects.filter(action="login.failed", **{
                    f"params__{k}": v for k, v in params.items()},
                    params__reason="delayed").count(), 3)

    def test_no_lock_out_the_delay_ends_by_itself_and_grows(self):
        """The old code locked the account for 15 minutes after five bad passwords, for
        anyone to set off. Now each failure past the free ones doubles a short delay."""
        with self.clock() as clock:
            for _i in range(5):
                self.post_login("office", "wrong-password")
            self.assertFalse(self.signed_in(self.post_login("office", PASSWORD)))
            clock.advance(29)
            self.assertFalse(self.signed_in(self.post_login("office", PASSWORD)))
            clock.advance(2)  # the first delay, 30 s, is over
            self.post_login("office", "wrong-password")  # the sixth failure: 60 s
            clock.advance(45)
            self.assertFalse(self.signed_in(self.post_login("office", PASSWORD)))
            clock.advance(16)
            self.assertTrue(self.signed_in(self.post_login("office", PASSWORD)))
        self.office.refresh_from_db()
        self.assertFalse(self.office.is_locked)
        self.assertEqual(self.office.failed_logins, 0)

    def test_delays_double_up_to_the_maximum(self):
        attempt = throttle.attempt_for(username="office", ip=None)
        with self.clock() as clock:
            delays = []
            for _i in range(12):
                until = throttle.failed(attempt)
                delays.append(round(until - clock.now) if until else 0)
                clock.advance(max(delays[-1], 0) + 1)
        self.assertEqual(delays, [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900])

    def test_the_address_counts_failures_only(self):
        """The old code counted every attempt from an address, successes too: the 31st
        sign-in from one office's network in 15 minutes was refused."""
        for _i in range(35):
            self.assertTrue(self.signed_in(self.post_login("office", PASSWORD)))
            self.client.logout()

    def test_many_names_from_one_address_are_delayed(self):
        with self.clock():
            for i in range(20):
                self.post_login(f"guess{i}", "wrong-password", REMOTE_ADDR=OUTSIDER)
            self.assertGeneric(self.post_login("office2", PASSWORD, REMOTE_ADDR=OUTSIDER))
            # Another address is not held up by it.
            self.assertTrue(self.signed_in(self.post_login("office2", PASSWORD)))

    def test_an_outsider_cannot_keep_the_owner_out_of_a_known_device(self):
        with self.clock():
            self.assertTrue(self.signed_in(self.post_login("office", PASSWORD)))
            self.assertIn(throttle.DEVICE_COOKIE, self.client.cookies)
            self.client.post(reverse("accounts:logout"))
            outsider = self.client_class()
            for _i in range(30):  # the name's and the outsider's address's counters fill
                self.post_login("office", "wrong-password", client=outsider,
                                REMOTE_ADDR=OUTSIDER)
            self.assertGeneric(self.post_login("office", PASSWORD, client=outsider,
                                               REMOTE_ADDR=OUTSIDER))
            # A new browser of the owner waits out the delay like anyone ...
            self.assertGeneric(self.post_login("office", PASSWORD, client=self.client_class()))
            # ... but the browser it signed in with before is let in at once.
            self.assertTrue(self.signed_in(self.post_login("office", PASSWORD)))
        self.office.refresh_from_db()
        self.assertTrue(self.office.is_locked)  # the administrator still sees the attack

    def test_a_device_cookie_is_bound_to_its_account(self):
        cookie = throttle.device_cookie("office")
        self.assertIsNotNone(throttle.device_of(cookie, name="office"))
        self.assertIsNone(throttle.device_of(cookie, name="office2"))
        self.assertIsNone(throttle.device_of(cookie[:-2] + "xx", name="office"))
        attempt = throttle.attempt_for(username="OFFICE2 ", ip="10.1.1.1", device_cookie=cookie)
        self.assertEqual(attempt.counters, ((throttle.NAME, "office2"),
                                            (throttle.ADDRESS, "10.1.1.1")))

    def test_a_known_device_is_delayed_by_its_own_failures(self):
        cookie = throttle.device_cookie("office")
        with self.clock():
            for _i in range(5):
                with self.assertRefused(signin.LoginRefused, code="bad_credentials"):
                    signin.login_check_password(username="office", password="nope",
                                                device=cookie)
            with self.assertRefused(signin.LoginRefused, code="bad_credentials"):
                signin.login_check_password(username="office", password=PASSWORD,
                                            device=cookie)
            # The name itself was not charged: without the cookie the owner gets in.
            self.assertEqual(signin.login_check_password(username="office", password=PASSWORD,
                                                         ip="10.2.2.2"), self.office)

    @override_settings(XUNCHA_LOGIN_FREE_FAILURES=2)
    def test_limits_come_from_the_settings(self):
        with self.clock():
            for _i in range(2):
                self.post_login("office", "wrong-password")
            self.assertFalse(self.signed_in(self.post_login("office", PASSWORD)))
