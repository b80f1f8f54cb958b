"""API tokens (issue 15, item 6): shown once and stored as a digest; ended by a password
change or reset, a change of role or committee, deactivation, a second factor the committee
requires and the person lacks, and idleness; read-only tokens only read."""

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts import services, signin, tokens
from xuncha.accounts.models import ApiToken, TokenEnd, TokenScope
from xuncha.accounts.roles import Role
from xuncha.audit.models import Event
from xuncha.lib.testing import PASSWORD

from .base import AccountsTestCase

ME = "/api/v1/me"


class ApiTokenTests(AccountsTestCase):
    def bearer(self, secret):
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def me(self, secret) -> int:
        return self.client.get(ME, **self.bearer(secret)).status_code

    def test_token_is_shown_once_and_stored_as_digest(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:token_create"),
                                    {"name": "脚本", "days": 30, "scope": "write"})
        secret = response.context["secret"]
        token = ApiToken.objects.get(user=self.office)
        self.assertNotEqual(token.digest, secret)
        self.assertTrue(secret.startswith(token.prefix))
        self.assertEqual(token.scope, TokenScope.WRITE)
        me = self.client.get(ME, **self.bearer(secret))
        self.assertEqual(me.status_code, 200)
        self.assertEqual(me.json()["username"], "office")

    def test_revoked_and_expired_tokens_are_refused(self):
        token, secret = services.token_create(user=self.office, name="t", days=1)
        self.assertEqual(self.me(secret), 200)
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1))
        response = self.client.get(ME, **self.bearer(secret))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"], "unauthenticated")
        token2, secret2 = services.token_create(user=self.office, name="t2", days=1)
        services.token_revoke(user=self.office, token=token2)
        self.assertEqual(self.me(secret2), 401)
        token2.refresh_from_db()
        self.assertEqual(token2.revoke_reason, TokenEnd.MANUAL)

    def test_no_token_no_access(self):
        self.assertEqual(self.client.get(ME).status_code, 401)
        self.assertEqual(self.client.get("/api/v1/units",
                                         HTTP_AUTHORIZATION="Bearer xc_nonsense").status_code, 401)

    def test_cannot_revoke_someone_elses_token(self):
        token, _secret = services.token_create(user=self.office2, name="t", days=1)
        self.login(self.office)
        response = self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_bad_token_requests_change_nothing(self):
        self.login(self.office)
        self.client.post(reverse("accounts:token_create"), {"name": "", "days": 0})
        self.client.post(reverse("accounts:token_create"),
                         {"name": "x", "days": 3, "scope": "admin"})
        self.assertFalse(ApiToken.objects.filter(user=self.office).exists())
        with self.assertRefused(code="invalid"):
            services.token_create(user=self.office, name="x", scope="admin")


class TokenEndTests(AccountsTestCase):
    """After an administrator reset a password, the old token still read petitions."""

    def bearer(self, secret):
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def assertEnded(self, token: ApiToken, secret: str, reason: TokenEnd, actor=None) -> None:
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 401)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(token.revoke_reason, reason)
        event = Event.objects.get(action="token.revoke", object_id=str(token.pk))
        self.assertEqual(event.params["reason"], str(reason))
        self.assertEqual(event.actor_id, actor.pk if actor else None)

    def live(self, user):
        token, secret = services.token_create(user=user, name="script", days=90)
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 200)
        return token, secret

    def test_an_administrators_password_reset_ends_the_tokens(self):
        token, secret = self.live(self.office2)
        self.login(self.office)
        self.client.post(reverse("accounts:user_reset_password", args=[self.office2.pk]))
        self.client.logout()
        self.assertEnded(token, secret, TokenEnd.PASSWORD_RESET, actor=self.office)
        self.assertEqual(self.client.get("/api/v1/petitions", **self.bearer(secret)).status_code,
                         401)

    def test_ones_own_password_change_ends_the_tokens(self):
        token, secret = self.live(self.office)
        signin.password_change(user=self.office, old_password=PASSWORD,
                               new_password="Another-Pass-77")
        self.assertEnded(token, secret, TokenEnd.PASSWORD_CHANGE, actor=self.office)
        # A token made after the change works.
        _token, fresh = services.token_create(user=self.office, name="new")
        self.assertEqual(self.client.get(ME, **self.bearer(fresh)).status_code, 200)

    def test_a_password_set_around_the_services_ends_them_when_presented(self):
        token, secret = self.live(self.office)
        type(self.office).objects.filter(pk=self.office.pk).update(
            password_changed_at=timezone.now())
        self.assertEnded(token, secret, TokenEnd.PASSWORD_CHANGE)

    def test_a_role_change_ends_the_tokens(self):
        token, secret = self.live(self.office2)
        services.user_update(actor=self.office, user=self.office2,
                             data={"role": Role.LEADERSHIP, "committee": self.county})
        self.assertEnded(token, secret, TokenEnd.ROLE_CHANGE, actor=self.office)

    def test_a_committee_change_ends_the_tokens(self):
        token, secret = self.live(self.city_office)
        services.user_update(actor=self.platform, user=self.city_office,
                             data={"committee": self.province})
        self.assertEnded(token, secret, TokenEnd.COMMITTEE_CHANGE, actor=self.platform)

    def test_deactivation_ends_the_tokens(self):
        token, secret = self.live(self.office2)
        services.user_update(actor=self.office, user=self.office2, data={"is_active": False})
        self.assertEnded(token, secret, TokenEnd.DEACTIVATED, actor=self.office)

    def test_other_edits_keep_the_tokens(self):
        token, secret = self.live(self.office2)
        services.user_update(actor=self.office, user=self.office2,
                             data={"display_name": "新名字", "email": "o2@example.org"})
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 200)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_a_required_second_factor_the_person_lacks_ends_the_tokens(self):
        token, secret = self.live(self.team)
        self.county.require_2fa = True
        self.county.save()
        self.assertEnded(token, secret, TokenEnd.TWO_FACTOR_REQUIRED)

    def test_tokens_of_a_committee_turning_on_two_factor_can_be_ended_at_once(self):
        token, _secret = self.live(self.team)
        leader_token, _s = self.live(self.leader)  # the leading group is not required
        self.county.require_2fa = True
        self.county.save()
        self.assertEqual(tokens.tokens_end_lacking_second_factor(
            committee_id=self.county.pk, actor=self.office), 1)
        token.refresh_from_db()
        leader_token.refresh_from_db()
        self.assertEqual(token.revoke_reason, TokenEnd.TWO_FACTOR_REQUIRED)
        self.assertIsNone(leader_token.revoked_at)

    def test_a_second_factor_reset_where_it_is_required_ends_the_tokens(self):
        import pyotp

        secret_key = signin.totp_new_secret()
        signin.totp_enable(user=self.team, secret=secret_key,
                           code=pyotp.TOTP(secret_key).now())
        self.county.require_2fa = True
        self.county.save()
        self.team.refresh_from_db()
        token, secret = self.live(self.team)
        services.totp_reset(actor=self.office, user=self.team)
        self.assertEnded(token, secret, TokenEnd.TWO_FACTOR_REQUIRED, actor=self.office)

    @override_settings(XUNCHA_TOKEN_IDLE_DAYS=30)
    def test_an_idle_token_expires(self):
        token, secret = self.live(self.office)
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now() - datetime.timedelta(days=29))
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 200)
        never, never_secret = services.token_create(user=self.office, name="unused")
        ApiToken.objects.filter(pk=never.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=31))
        self.assertEnded(never, never_secret, TokenEnd.IDLE)
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now() - datetime.timedelta(days=31))
        token.refresh_from_db()
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 401)

    def test_a_sign_in_delay_does_not_stop_a_token(self):
        _token, secret = self.live(self.office)
        for _i in range(6):
            self.client.post(reverse("accounts:login"),
                             {"username": "office", "password": "wrong-password"})
        self.office.refresh_from_db()
        self.assertTrue(self.office.is_locked)
        self.assertEqual(self.client.get(ME, **self.bearer(secret)).status_code, 200)


class ReadOnlyTokenTests(AccountsTestCase):
    def test_a_read_only_token_reads_and_is_refused_any_change(self):
        _token, secret = services.token_create(user=self.office, name="ro",
                                               scope=TokenScope.READ)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        self.assertEqual(self.client.get(ME, **auth).status_code, 200)
        self.assertEqual(self.client.get(f"/api/v1/units/{self.unit_edu.pk}", **auth)
                         .status_code, 200)
        before = self.unit_edu.name
        for method, path in (("post", "/api/v1/units"),
                             ("patch", f"/api/v1/units/{self.unit_edu.pk}"),
                             ("post", f"/api/v1/units/{self.unit_edu.pk}/archive")):
            response = getattr(self.client, method)(path, data={"name": "改"},
                                                    content_type="application/json", **auth)
            self.assertEqual(response.status_code, 403, f"{method} {path}")
            self.assertEqual(response.json()["error"], "read_only_token")
        self.unit_edu.refresh_from_db()
        self.assertEqual(self.unit_edu.name, before)
        self.assertIsNone(self.unit_edu.archived_at)

    def test_a_write_token_changes(self):
        _token, secret = services.token_create(user=self.office, name="rw")
        response = self.client.patch(f"/api/v1/units/{self.unit_edu.pk}", data={"name": "改名局"},
                                     content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 200)

    def test_the_profile_makes_read_only_tokens(self):
        self.login(self.office)
        page = self.client.get(reverse("accounts:profile"))
        self.assertEqual(page.context["token_form"].fields["scope"].initial, TokenScope.READ)
        self.client.post(reverse("accounts:token_create"),
                         {"name": "只读", "days": 30, "scope": "read"})
        self.assertEqual(ApiToken.objects.get(user=self.office).scope, TokenScope.READ)
        self.assertTrue(Event.objects.filter(action="token.create",
                                             params__scope="read").exists())


class CommitteeTurnsOnTwoFactorTests(AccountsTestCase):
    live = TokenEndTests.live
    bearer = TokenEndTests.bearer

    def test_the_committee_setting_ends_the_tokens_at_once(self):
        from xuncha.organizations.services import committee_update

        token, _secret = self.live(self.team)
        committee_update(actor=self.office, committee=self.county, data={"require_2fa": True})
        token.refresh_from_db()
        self.assertEqual(token.revoke_reason, TokenEnd.TWO_FACTOR_REQUIRED)
