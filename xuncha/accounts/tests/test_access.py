"""Account administration rules: the rule and its query form agree; one page per action."""

import datetime

import pyotp
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts import access, services, signin
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.lib.errors import Forbidden, NotFound
from xuncha.lib.testing import WorldTestCase

ADMIN_ONLY = "Office administrators manage the accounts of their own committee only."
REQUIRED = "Your committee requires two-factor sign-in; it cannot be turned off."


class AccountRuleTests(WorldTestCase):
    def test_can_manage_account_agrees_with_users_managed_by(self):
        for persona in self.PERSONAS:
            user = getattr(self, persona)
            managed = access.users_managed_by(user=user)
            for other in self.PERSONAS:
                account = getattr(self, other)
                self.assertEqual(access.can_manage_account(user=user, account=account),
                                 managed.filter(pk=account.pk).exists(), f"{persona} → {other}")

    def test_another_committees_account_is_not_found(self):
        for pk in (self.other_office.pk, 10**9, "x"):
            with self.assertRefused(NotFound, code="not_found"):
                access.access_account(user=self.office, pk=pk)
        self.assertEqual(access.access_account(user=self.platform, pk=self.other_office.pk),
                         self.other_office)

    def test_only_ones_own_tokens_are_fetched(self):
        token, _secret = services.token_create(user=self.office2, name="t", days=1)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_token(user=self.office, pk=token.pk)
        self.assertEqual(access.access_token(user=self.office2, pk=token.pk), token)
        self.assertTrue(access.can_revoke_token(user=self.office, token=token))  # its admin
        self.assertFalse(access.can_revoke_token(user=self.other_office, token=token))
        with self.assertRefused(Forbidden, code="forbidden"):
            services.token_revoke(user=self.other_office, token=token)

    def test_services_refuse_another_committees_admin(self):
        with self.assertRefused(Forbidden, ADMIN_ONLY):
            services.user_unlock(actor=self.other_office, user=self.office2)
        with self.assertRefused(Forbidden, ADMIN_ONLY):
            services.user_reset_password(actor=self.office2, user=self.team)
        with self.assertRefused(Forbidden, ADMIN_ONLY):
            services.totp_reset(actor=self.city_office, user=self.office2)


class TwoFactorRuleTests(WorldTestCase):
    def enable(self, user: User) -> None:
        secret = signin.totp_new_secret()
        signin.totp_enable(user=user, secret=secret, code=pyotp.TOTP(secret).now())
        user.refresh_from_db()

    def test_a_required_second_factor_stays_on(self):
        self.enable(self.office2)
        self.county.require_2fa = True
        self.county.save()
        self.office2.refresh_from_db()
        self.assertFalse(access.can_turn_off_own_two_factor(user=self.office2))
        with self.assertRefused(Forbidden, REQUIRED):
            signin.totp_disable(user=self.office2)
        self.login(self.office2)
        profile = self.client.get(reverse("accounts:profile"))
        self.assertFalse(profile.context["can_turn_off_two_factor"])
        self.assertNotContains(profile, reverse("accounts:totp_disable"))
        response = self.client.post(reverse("accounts:totp_disable"), follow=True)
        self.assertContains(response, "不能关闭")
        self.office2.refresh_from_db()
        self.assertTrue(self.office2.totp_enabled)
        # The administrator may still reset it (a lost phone).
        self.enable(self.office)
        self.login(self.office)
        self.client.post(reverse("accounts:user_reset_2fa", args=[self.office2.pk]))
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.totp_enabled)
        event = Event.objects.filter(action="account.2fa_disable").latest("seq")
        self.assertEqual((event.actor_id, event.object_id), (self.office.pk, str(self.office2.pk)))

    def test_an_optional_second_factor_is_turned_off(self):
        self.enable(self.office2)
        self.login(self.office2)
        self.assertTrue(self.client.get(reverse("accounts:profile"))
                        .context["can_turn_off_two_factor"])
        self.client.post(reverse("accounts:totp_disable"))
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.totp_enabled)
        self.assertTrue(Event.objects.filter(action="account.2fa_disable",
                                             actor=self.office2).exists())


class AccountActionPageTests(WorldTestCase):
    ACTIONS = (("user_reset_password", "reset-password"), ("user_unlock", "unlock"),
               ("user_reset_2fa", "reset-2fa"))

    def test_the_paths_stay_as_they_were(self):
        for name, tail in self.ACTIONS:
            self.assertEqual(reverse(f"accounts:{name}", args=[7]),
                             f"/accounts/users/7/{tail}/")

    def test_each_action_is_post_only_and_scoped(self):
        self.login(self.other_office)
        for name, _tail in self.ACTIONS:
            url = reverse(f"accounts:{name}", args=[self.office2.pk])
            self.assertEqual(self.client.post(url).status_code, 404, name)
        self.login(self.office2)  # not an administrator
        for name, _tail in self.ACTIONS:
            url = reverse(f"accounts:{name}", args=[self.office2.pk])
            self.assertEqual(self.client.post(url).status_code, 403, name)
        self.login(self.office)
        for name, _tail in self.ACTIONS:
            url = reverse(f"accounts:{name}", args=[self.office2.pk])
            self.assertEqual(self.client.get(url).status_code, 405, name)
        self.assertFalse(Event.objects.filter(object_id=str(self.office2.pk), action__in=(
            "account.password_reset", "account.unlock", "account.2fa_disable")).exists())

    def test_reset_password_shows_the_new_one_once(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:user_reset_password",
                                            args=[self.office2.pk]))
        self.assertFalse(response.context["created"])
        self.office2.refresh_from_db()
        self.assertTrue(self.office2.check_password(response.context["password"]))
        self.assertTrue(self.office2.must_change_password)

    def test_unlock_goes_back_to_the_account(self):
        User.objects.filter(pk=self.office2.pk).update(
            locked_until=timezone.now() + datetime.timedelta(minutes=5))
        self.login(self.office)
        response = self.client.post(reverse("accounts:user_unlock", args=[self.office2.pk]))
        self.assertRedirects(response, reverse("accounts:user_edit", args=[self.office2.pk]))
        self.office2.refresh_from_db()
        self.assertFalse(self.office2.is_locked)

    def test_the_account_page_links_each_action(self):
        User.objects.filter(pk=self.office2.pk).update(
            locked_until=timezone.now() + datetime.timedelta(minutes=5), totp_enabled=True)
        self.login(self.office)
        page = self.client.get(reverse("accounts:user_edit", args=[self.office2.pk]))
        for name, _tail in self.ACTIONS:
            self.assertContains(page, reverse(f"accounts:{name}", args=[self.office2.pk]))

    def test_long_inputs_get_a_message(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:user_create"), {
            "username": "x" * 4000, "display_name": "长" * 4000, "role": "office",
            "committee": self.county.pk})
        self.assertEqual(response.status_code, 200)
        self.assertIn("username", response.context["form"].errors)
        response = self.client.post(reverse("accounts:token_create"),
                                    {"name": "长" * 4000, "days": 30}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(list(response.context["messages"]))
        self.assertFalse(self.office.api_tokens.exists())
