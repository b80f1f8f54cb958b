import datetime
from unittest import mock

import pyotp
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts import signin
from xuncha.accounts.middleware import IDLE_KEY
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.lib.testing import PASSWORD

from .base import AccountsTestCase

LOGIN = reverse("accounts:login")


class LoginTests(AccountsTestCase):
    def post_login(self, username, password, **extra):
        return self.client.post(LOGIN, {"username": username, "password": password, **extra})

    def test_login_succeeds_and_is_audited(self):
        response = self.post_login("office", PASSWORD)
        self.assertRedirects(response, reverse("web:home"))
        event = Event.objects.filter(action="login").latest("seq")
        self.assertEqual(event.actor_id, self.office.pk)
        self.assertEqual(event.ip, "127.0.0.1")

    def test_wrong_password_is_refused_and_audited(self):
        response = self.post_login("office", "wrong-password")
        self.assertGeneric(response)
        event = Event.objects.filter(action="login.failed").latest("seq")
        self.assertEqual(event.object_id, str(self.office.pk))
        self.assertEqual(event.ip, "127.0.0.1")  # the staff sign-in page keeps addresses

    def test_unknown_user_gets_the_same_message(self):
        self.assertGeneric(self.post_login("office", "wrong-password"))
        self.assertGeneric(self.post_login("nobody-here", "wrong-password"))
        self.assertEqual(Event.objects.filter(action="login.failed",
                                              params__username="nobody-here").count(), 1)

    def test_admin_unlocks_an_account(self):
        for _i in range(5):
            self.post_login("office2", "wrong-password")
        self.office2.refresh_from_db()
        self.assertTrue(self.office2.is_locked)  # what the administrator sees
        self.assertGeneric(self.post_login("office2", PASSWORD))  # delayed
        self.login(self.office)
        self.client.post(reverse("accounts:user_unlock", args=[self.office2.pk]))
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.is_locked)
        self.assertEqual(self.office2.failed_logins, 0)
        self.assertTrue(Event.objects.filter(action="account.unlock",
                                             object_id=str(self.office2.pk)).exists())
        self.client.logout()
        self.assertRedirects(self.post_login("office2", PASSWORD), reverse("web:home"))

    def test_inactive_account_cannot_sign_in(self):
        User.objects.filter(pk=self.office2.pk).update(is_active=False)
        response = self.post_login("office2", PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_open_redirect_is_refused(self):
        response = self.post_login("office", PASSWORD, next="https://evil.example/")
        self.assertRedirects(response, reverse("web:home"))

    def test_logout_is_post_only_and_audited(self):
        self.login(self.office)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.client.post(reverse("accounts:logout"))
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(Event.objects.filter(action="logout", actor=self.office).exists())

    def test_idle_session_expires(self):
        self.login(self.office)
        session = self.client.session
        session[IDLE_KEY] = int(timezone.now().timestamp()) - 31 * 60
        session.save()
        response = self.client.get(reverse("web:home"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)


class TwoFactorTests(AccountsTestCase):
    def enable(self, user):
        secret = signin.totp_new_secret()
        code = pyotp.TOTP(secret).now()
        codes = signin.totp_enable(user=user, secret=secret, code=code)
        user.refresh_from_db()
        return secret, codes

    def test_setup_page_enables_with_a_correct_code(self):
        self.login(self.office)
        page = self.client.get(reverse("accounts:totp_setup"))
        self.assertContains(page, "<svg")
        secret = self.client.session["xuncha_totp_setup_secret"]
        wrong = self.client.post(reverse("accounts:totp_setup"), {"code": "000000"})
        self.assertContains(wrong, "不正确")
        response = self.client.post(reverse("accounts:totp_setup"),
                                    {"code": pyotp.TOTP(secret).now()})
        self.assertContains(response, "恢复码")
        self.office.refresh_from_db()
        self.assertTrue(self.office.totp_enabled)
        self.assertNotIn(secret, self.office.totp_secret)  # stored encrypted
        self.assertEqual(self.office.recovery_codes.count(), 10)

    def test_sign_in_needs_the_second_factor(self):
        secret, _codes = self.enable(self.office)
        response = self.client.post(LOGIN, {"username": "office", "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:login_2fa"))
        self.assertNotIn("_auth_user_id", self.client.session)
        # Next time step, so the code used at enrolment is not the one reused here.
        later = timezone.now() + datetime.timedelta(seconds=30)
        with mock.patch("xuncha.accounts.signin.timezone.now", return_value=later):
            code = pyotp.TOTP(secret).at(later)
            response = self.client.post(reverse("accounts:login_2fa"), {"code": code})
        self.assertRedirects(response, reverse("web:home"), fetch_redirect_response=False)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.office.pk))

    def test_a_code_is_accepted_once(self):
        secret, _codes = self.enable(self.office)
        later = timezone.now() + datetime.timedelta(seconds=30)
        with mock.patch("xuncha.accounts.signin.timezone.now", return_value=later):
            code = pyotp.TOTP(secret).at(later)
            self.assertEqual(signin.totp_verify(user=self.office, code=code), "totp")
            with self.assertRefused(signin.LoginRefused,
                                    "This code was already used. Wait for the next code."):
                signin.totp_verify(user=self.office, code=code)
        self.assertTrue(Event.objects.filter(action="login.failed",
                                             params__reason="bad 2fa code").exists())

    def test_wrong_code_is_refused_and_counted(self):
        self.enable(self.office)
        with self.assertRefused(signin.LoginRefused, "That code is not correct."):
            signin.totp_verify(user=self.office, code="123456")
        self.office.refresh_from_db()
        self.assertEqual(self.office.failed_logins, 1)

    def test_wrong_codes_are_delayed_like_wrong_passwords(self):
        secret, _codes = self.enable(self.office)
        with self.clock() as clock:
            for _i in range(5):
                with self.assertRefused(signin.LoginRefused, code="bad_code"):
                    signin.totp_verify(user=self.office, code="000000", ip="10.0.0.7")
            # Past the password, the person may be told: they are delayed.
            right = pyotp.TOTP(secret).at(timezone.now() + datetime.timedelta(seconds=30))
            with self.assertRefused(signin.LoginRefused,
                                    "Too many attempts. Please try again later."):
                signin.totp_verify(user=self.office, code=right, ip="10.0.0.7")
            clock.advance(31)
            later = timezone.now() + datetime.timedelta(seconds=30)
            with mock.patch("xuncha.accounts.signin.timezone.now", return_value=later):
                self.assertEqual(signin.totp_verify(user=self.office,
                                                    code=pyotp.TOTP(secret).at(later),
                                                    ip="10.0.0.7"), "totp")

    def test_recovery_code_works_once(self):
        _secret, codes = self.enable(self.office)
        self.assertEqual(signin.totp_verify(user=self.office, code=codes[0]), "recovery")
        with self.assertRefused(signin.LoginRefused, "That code is not correct."):
            signin.totp_verify(user=self.office, code=codes[0])
        self.assertEqual(self.office.recovery_codes.filter(used_at__isnull=True).count(), 9)

    def test_committee_requirement_forces_setup(self):
        self.county.require_2fa = True
        self.county.save()
        self.login(self.team)
        response = self.client.get(reverse("organizations:unit_list"))
        self.assertRedirects(response, reverse("accounts:totp_setup"))
        # Roles outside office and team are not forced.
        self.client.force_login(self.liaison)
        self.assertEqual(self.client.get(reverse("web:home")).status_code, 200)

    def test_required_second_factor_cannot_be_turned_off(self):
        self.enable(self.office)
        self.county.require_2fa = True
        self.county.save()
        self.login(self.office)
        self.client.post(reverse("accounts:totp_disable"))
        self.office.refresh_from_db()
        self.assertTrue(self.office.totp_enabled)


class PasswordTests(AccountsTestCase):
    def test_change_password(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:password_change"), {
            "old_password": PASSWORD, "new_password": "Another-Pass-77",
            "new_password2": "Another-Pass-77"})
        self.assertRedirects(response, reverse("accounts:profile"))
        self.office.refresh_from_db()
        self.assertTrue(self.office.check_password("Another-Pass-77"))
        self.assertTrue(Event.objects.filter(action="account.password_change").exists())

    def test_weak_or_wrong_password_changes_nothing(self):
        self.login(self.office)
        weak = self.client.post(reverse("accounts:password_change"), {
            "old_password": PASSWORD, "new_password": "12345678901", "new_password2":
            "12345678901"})
        self.assertEqual(weak.status_code, 200)
        wrong = self.client.post(reverse("accounts:password_change"), {
            "old_password": "nope", "new_password": "Another-Pass-77",
            "new_password2": "Another-Pass-77"})
        self.assertContains(wrong, "当前密码")
        self.office.refresh_from_db()
        self.assertTrue(self.office.check_password(PASSWORD))

    @override_settings(XUNCHA_SESSION_IDLE_MINUTES=30)
    def test_forced_change_after_reset(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:user_reset_password",
                                            args=[self.office2.pk]))
        password = response.context["password"]
        self.client.logout()
        self.client.post(LOGIN, {"username": "office2", "password": password})
        response = self.client.get(reverse("organizations:unit_list"))
        self.assertRedirects(response, reverse("accounts:password_change"))
