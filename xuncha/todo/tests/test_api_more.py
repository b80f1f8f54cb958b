"""The API beside the to-do: the done list (已办) in keyset pages, the language of token
answers, and one's own tokens."""

import datetime

from django.utils import translation
from django.utils.translation import gettext

from xuncha.accounts.services import token_create, token_revoke
from xuncha.audit.services import event_record
from xuncha.inspections.testing import stationed_inspection
from xuncha.petitions import triage

from .base import at
from .test_pages import Builders

D = datetime.date


def bearer(user, **extra):
    _token, secret = token_create(user=user, name="api")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **extra}


class DoneApiTests(Builders):
    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)
        self.new = self.petition(self.inspection)

    def test_the_done_list_is_the_pages_in_keyset_pages(self):
        triage.petition_accept(actor=self.office2, petition=self.new, category="integrity")
        for _i in range(4):
            event_record(actor=self.office2, action="round.approve", object_repr="轮次")
        event_record(actor=self.office2, action="account.update", object_repr="not a step")
        event_record(actor=self.office, action="round.approve", object_repr="someone else's")
        headers = bearer(self.office2)
        seen, after = [], None
        while True:
            body = self.client.get("/api/v1/todo/done", {"limit": 2, **(
                {"after": after} if after else {})}, **headers).json()
            seen += body["items"]
            after = body["next"]
            if after is None:
                break
        self.assertEqual([row["action"] for row in seen], ["round.approve"] * 4
                         + ["petition.accept"])
        self.assertEqual([row["seq"] for row in seen], sorted((r["seq"] for r in seen),
                                                              reverse=True))
        last = seen[-1]
        self.assertEqual((last["object"], last["url"]),
                         (str(self.new), f"/petitions/{self.new.pk}/"))
        with translation.override("zh-hans"):
            self.assertEqual(last["label"], gettext("Accepted a petition"))

    def test_who_may_call_it_and_bad_cursors(self):
        self.assertEqual(self.client.get("/api/v1/todo/done").status_code, 401)
        refused = self.client.get("/api/v1/todo/done", **bearer(self.platform))
        self.assertEqual(refused.status_code, 403)
        for after in ("x", "0", str(2**64)):
            response = self.client.get("/api/v1/todo/done", {"after": after},
                                       **bearer(self.office))
            self.assertEqual(response.status_code, 422, after)


class ApiLanguageTests(Builders):
    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)
        self.petition(self.inspection)

    def label(self, user, **extra):
        response = self.client.get("/api/v1/todo", **bearer(user, **extra))
        kinds = {item["kind"]: item["label"] for item in response.json()["items"]}
        return response, kinds["petition_triage"]

    def expected(self, language, pk):
        with translation.override(language):
            return gettext("Triage petition #%(id)d") % {"id": pk}

    def test_the_account_language_then_accept_language(self):
        pk = self.inspection.petitions.get().pk
        response, label = self.label(self.office)  # no choice: the site's
        self.assertEqual((label, response["Content-Language"]), (self.expected("zh-hans", pk),
                                                                 "zh-hans"))
        self.office.language = "en"
        self.office.save(update_fields=["language"])
        response, label = self.label(self.office)
        self.assertEqual((label, response["Content-Language"]), (self.expected("en", pk), "en"))
        response, label = self.label(self.office, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        self.assertEqual((label, response["Content-Language"]), (self.expected("zh-hans", pk),
                                                                 "zh-hans"))
        # A language the site does not have: the account's.
        _response, label = self.label(self.office, HTTP_ACCEPT_LANGUAGE="fr-FR")
        self.assertEqual(label, self.expected("en", pk))

    def test_errors_speak_the_callers_language(self):
        self.platform.language = "en"
        self.platform.save(update_fields=["language"])
        refused = self.client.get("/api/v1/todo", **bearer(self.platform)).json()
        with translation.override("en"):
            self.assertEqual(refused["message"], gettext("You are not allowed to do this."))


class MyTokensApiTests(Builders):
    def test_own_tokens_only_without_secrets(self):
        old, old_secret = token_create(user=self.team, name="旧的")
        token_revoke(user=self.team, token=old)
        token_create(user=self.office, name="someone else's")
        current, secret = token_create(user=self.team, name="当前")
        response = self.client.get("/api/v1/me/tokens",
                                   HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 200)
        rows = response.json()
        self.assertEqual([(r["name"], r["current"], bool(r["revoked_at"])) for r in rows],
                         [("当前", True, False), ("旧的", False, True)])
        self.assertNotIn(secret, response.content.decode())
        self.assertNotIn(old_secret, response.content.decode())
        self.assertEqual(self.client.get("/api/v1/me/tokens").status_code, 401)
