import datetime

from django.urls import reverse
from django.utils import timezone

from xuncha.accounts import services
from xuncha.accounts.models import ApiToken
from xuncha.lib.testing import WorldTestCase


class ApiTokenTests(WorldTestCase):
    def test_token_is_shown_once_and_stored_as_digest(self):
        self.login(self.office)
        response = self.client.post(reverse("accounts:token_create"), {"name": "脚本",
                                                                       "days": 30})
        secret = response.context["secret"]
        token = ApiToken.objects.get(user=self.office)
        self.assertNotEqual(token.digest, secret)
        self.assertTrue(secret.startswith(token.prefix))
        me = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(me.status_code, 200)
        self.assertEqual(me.json()["username"], "office")

    def test_revoked_and_expired_tokens_are_refused(self):
        token, secret = services.token_create(user=self.office, name="t", days=1)
        self.assertEqual(self.client.get("/api/v1/me",
                                         HTTP_AUTHORIZATION=f"Bearer {secret}").status_code, 200)
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1))
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"], "unauthenticated")
        token2, secret2 = services.token_create(user=self.office, name="t2", days=1)
        services.token_revoke(user=self.office, token=token2)
        self.assertEqual(self.client.get("/api/v1/me",
                                         HTTP_AUTHORIZATION=f"Bearer {secret2}").status_code, 401)

    def test_no_token_no_access(self):
        self.assertEqual(self.client.get("/api/v1/me").status_code, 401)
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
        self.assertFalse(ApiToken.objects.filter(user=self.office).exists())
