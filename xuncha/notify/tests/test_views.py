"""The pages and API operations of the channels: who may and who may not, and what they do."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.accounts.services import token_create
from xuncha.audit.models import Event
from xuncha.inspections.testing import approved_round, staffed_team
from xuncha.lib.testing import WorldTestCase, said
from xuncha.notify.models import (
    Delivery,
    DeliveryStatus,
    EmailChoice,
    Preference,
    Webhook,
    WebhookKind,
)

from .base import Robot

WITH_ROLE = {p for p in WorldTestCase.PERSONAS if p != "platform"}
ADMINS = {"office", "city_office", "other_office"}


class PageAccessTests(WorldTestCase):
    def test_who_opens_the_pages(self):
        failures = []
        for route, allowed in (("notify:preferences", WITH_ROLE), ("notify:channels", ADMINS)):
            for persona in self.PERSONAS:
                self.login(getattr(self, persona))
                status = self.client.get(reverse(route)).status_code
                expected = 200 if persona in allowed else 403
                if status != expected:
                    failures.append(f"{route} {persona}: {status} (expected {expected})")
        self.assertEqual(failures, [])

    def test_the_steps_refuse_the_others(self):
        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x?key=k",
                                      created_by=self.office)
        for persona in self.PERSONAS:
            if persona in ADMINS:
                continue
            self.login(getattr(self, persona))
            for route in ("notify:webhook_add", "notify:webhook_remove", "notify:webhook_test"):
                response = self.client.post(reverse(route), {"webhook": hook.pk})
                self.assertEqual(response.status_code, 403, f"{route} {persona}")
        # another committee's administrator does not find the robot
        self.login(self.other_office)
        for route in ("notify:webhook_remove", "notify:webhook_test"):
            self.assertEqual(self.client.post(reverse(route), {"webhook": hook.pk}).status_code,
                             404)
        self.assertTrue(Webhook.objects.filter(pk=hook.pk).exists())
        self.assertFalse(Delivery.objects.exists())

    def test_anonymous_is_sent_to_sign_in(self):
        for route in ("notify:preferences", "notify:channels"):
            response = self.client.get(reverse(route))
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])

    def test_steps_are_post_only(self):
        self.login(self.office)
        for route in ("notify:preferences_save", "notify:webhook_add", "notify:webhook_remove",
                      "notify:webhook_test"):
            self.assertEqual(self.client.get(reverse(route)).status_code, 405, route)


class PreferencePageTests(WorldTestCase):
    def test_choosing_e_mail_needs_an_address(self):
        self.login(self.team)
        response = self.client.post(reverse("notify:preferences_save"), {"email": "each"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Preference.objects.exists())
        self.team.email = "team@example.org"
        self.team.save(update_fields=["email"])
        response = self.client.post(reverse("notify:preferences_save"), {"email": "daily"})
        self.assertRedirects(response, reverse("notify:preferences"))
        self.assertEqual(Preference.objects.get(user=self.team).email, EmailChoice.DAILY)
        event = Event.objects.filter(action="notify.preference").get()
        self.assertEqual(event.actor_id, self.team.pk)
        page = self.client.get(reverse("notify:preferences"))
        self.assertEqual(page.context["form"].initial, {"email": "daily"})

    def test_an_unknown_choice_is_refused(self):
        self.login(self.office)
        self.assertEqual(self.client.post(reverse("notify:preferences_save"),
                                          {"email": "hourly"}).status_code, 400)


class ChannelsPageTests(WorldTestCase):
    def setUp(self):
        self.login(self.office)

    def test_adding_testing_and_removing_a_robot(self):
        team = staffed_team(self, approved_round(self))
        with Robot() as robot:
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(reverse("notify:webhook_add"), {
                    "name": "三组群", "team": team.pk, "kind": WebhookKind.DINGTALK,
                    "format": "markdown", "url": robot.url("/robot/send?access_token=tok-9"),
                    "secret": "SECxyz"})
            self.assertRedirects(response, reverse("notify:channels"))
            hook = Webhook.objects.get()
            self.assertEqual((hook.team_id, hook.committee_id, hook.secret),
                             (team.pk, self.county.pk, "SECxyz"))
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(reverse("notify:webhook_test"), {"webhook": hook.pk})
            self.assertRedirects(response, reverse("notify:channels"))
        self.assertEqual(len(robot.requests), 1)
        self.assertIn("东湖区委第一巡察组", robot.requests[0].body.decode())
        page = self.client.get(reverse("notify:channels")).content.decode()
        self.assertIn("三组群", page)
        self.assertIn(f"http://127.0.0.1:{robot.port}/…", page)
        self.assertNotIn("tok-9", page)
        self.assertNotIn("SECxyz", page)
        self.assertEqual(Delivery.objects.get().status, DeliveryStatus.SENT)
        trail = " ".join(str(e.params) + str(e.changes) for e in Event.objects.filter(
            action__startswith="notify."))
        self.assertNotIn("tok-9", trail)
        self.assertNotIn("SECxyz", trail)
        response = self.client.post(reverse("notify:webhook_remove"), {"webhook": hook.pk})
        self.assertRedirects(response, reverse("notify:channels"))
        self.assertFalse(Webhook.objects.exists())
        self.assertEqual(Delivery.objects.get().webhook, None)  # the log stays
        self.assertEqual(set(Event.objects.filter(action__startswith="notify.").values_list(
            "action", flat=True)), {"notify.webhook_add", "notify.webhook_test",
                                    "notify.webhook_remove"})

    def test_a_bad_address_or_another_committees_team_is_refused(self):
        response = self.client.post(reverse("notify:webhook_add"), {
            "name": "g", "kind": "wecom", "format": "markdown", "url": "https://10.0.0.5/hook"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.status_code, 400)
        self.assertTrue(said("private network", response.content.decode()))
        self.login(self.other_office)
        from xuncha.inspections.rounds import round_create

        b_round = round_create(actor=self.other_office, committee=self.county_b, data={
            "term": self.term_b, "kind": "regular", "topic": "",
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 6, 30)})
        from xuncha.inspections.teams import team_create

        b_team = team_create(actor=self.other_office, round=b_round)
        self.login(self.office)
        response = self.client.post(reverse("notify:webhook_add"), {
            "name": "g", "kind": "wecom", "format": "markdown", "team": b_team.pk,
            "url": "http://127.0.0.1:9/hook"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Webhook.objects.exists())

    def test_the_log_page_reads_a_bounded_number_of_queries(self):
        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x?key=k",
                                      created_by=self.office)

        def queries():
            """The page's own reads (the frame's menu and counts are the shell's)."""
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("notify:channels")).status_code, 200)
            return [q["sql"] for q in ctx.captured_queries if "notify_" in q["sql"]
                    or "inspections_team" in q["sql"]]

        Delivery.objects.create(channel="webhook", webhook=hook, committee=self.county,
                                subject="s", body="b")
        few = queries()
        for _ in range(25):
            Delivery.objects.create(channel="email", user=self.office2, committee=self.county,
                                    address="o@example.org", subject="s", body="b")
        self.assertEqual(len(queries()), len(few))
        self.assertEqual(len(few), 4)  # robots, the page's count and rows, the teams offered
        fragment = self.client.get(reverse("notify:channels"), HTTP_HX_REQUEST="true")
        self.assertTemplateUsed(fragment, "notify/_deliveries.html")
        self.assertTemplateNotUsed(fragment, "notify/channels.html")


class ApiTests(WorldTestCase):
    def bearer(self, user):
        _token, secret = token_create(user=user, name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def test_own_preference(self):
        headers = self.bearer(self.team)
        self.assertEqual(self.client.get("/api/v1/notify/preferences", **headers).json(),
                         {"email": "none"})
        response = self.client.put("/api/v1/notify/preferences", {"email": "daily"},
                                   content_type="application/json", **headers)
        self.assertEqual(response.status_code, 400)  # no address
        self.team.email = "t@example.org"
        self.team.save(update_fields=["email"])
        response = self.client.put("/api/v1/notify/preferences", {"email": "daily"},
                                   content_type="application/json", **headers)
        self.assertEqual(response.json(), {"email": "daily"})
        self.assertEqual(self.client.get("/api/v1/notify/preferences").status_code, 401)

    def test_the_preference_read_asks_the_pages_rule(self):
        refused = self.client.get("/api/v1/notify/preferences", **self.bearer(self.platform))
        self.assertEqual((refused.status_code, refused.json()["error"]), (403, "forbidden"))

    def test_robots_and_deliveries_for_the_office_administrators_only(self):
        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x?key=secret-key",
                                      created_by=self.office)
        Delivery.objects.create(channel="webhook", webhook=hook, committee=self.county,
                                subject="s", body="东湖区委巡察办: 1 new item, 0 overdue")
        response = self.client.get("/api/v1/notify/webhooks", **self.bearer(self.office))
        self.assertEqual(response.json(), [{
            "id": hook.pk, "name": "g", "team_id": None, "kind": "wecom", "format": "markdown",
            "host": "https://qyapi.weixin.qq.com/…", "signed": False, "is_active": True}])
        deliveries = self.client.get("/api/v1/notify/deliveries", **self.bearer(self.office))
        self.assertEqual([d["body"] for d in deliveries.json()["items"]],
                         ["东湖区委巡察办: 1 new item, 0 overdue"])
        for persona in ("office2", "leader", "liaison", "team"):
            for path in ("/api/v1/notify/webhooks", "/api/v1/notify/deliveries"):
                response = self.client.get(path, **self.bearer(getattr(self, persona)))
                self.assertEqual(response.status_code, 403, f"{persona} {path}")
        self.assertEqual(self.client.get("/api/v1/notify/webhooks",
                                         **self.bearer(self.other_office)).json(), [])


class ApiRobotAndLogTests(WorldTestCase):
    def bearer(self, user, **extra):
        _token, secret = token_create(user=user, name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **extra}

    def test_adding_testing_and_removing_a_robot(self):
        team = staffed_team(self, approved_round(self))
        headers = self.bearer(self.office)
        with Robot() as robot:
            response = self.client.post("/api/v1/notify/webhooks", {
                "name": "三组群", "team_id": team.pk, "kind": "dingtalk",
                "url": robot.url("/robot/send?access_token=tok-9"), "secret": "SECxyz"},
                content_type="application/json", **headers)
            self.assertEqual(response.status_code, 201, response.content)
            body = response.json()
            hook = Webhook.objects.get()
            self.assertEqual((body["id"], body["team_id"], body["signed"], hook.committee_id),
                             (hook.pk, team.pk, True, self.county.pk))
            self.assertNotIn("tok-9", response.content.decode())
            with self.captureOnCommitCallbacks(execute=True):
                sent = self.client.post(f"/api/v1/notify/webhooks/{hook.pk}/test", **headers)
            self.assertEqual(sent.status_code, 202)
        self.assertEqual(len(robot.requests), 1)
        self.assertEqual(Delivery.objects.get(pk=sent.json()["id"]).status, DeliveryStatus.SENT)
        removed = self.client.delete(f"/api/v1/notify/webhooks/{hook.pk}", **headers)
        self.assertEqual(removed.status_code, 204)
        self.assertFalse(Webhook.objects.exists())
        self.assertEqual(list(Event.objects.filter(action__startswith="notify.webhook")
                              .order_by("seq").values_list("action", flat=True)),
                         ["notify.webhook_add", "notify.webhook_test", "notify.webhook_remove"])

    def test_refusals_change_nothing(self):
        headers = self.bearer(self.office)
        bad = self.client.post("/api/v1/notify/webhooks", {
            "name": "g", "kind": "wecom", "url": "https://10.0.0.5/hook"},
            content_type="application/json", **headers)
        self.assertEqual(bad.status_code, 400)
        self.assertTrue(said("private network", bad.json()["message"]))
        unknown = self.client.post("/api/v1/notify/webhooks", {
            "name": "g", "kind": "telegram", "url": "https://qyapi.weixin.qq.com/x?key=k"},
            content_type="application/json", **headers)
        self.assertEqual(unknown.status_code, 400)
        foreign_team = self.client.post("/api/v1/notify/webhooks", {
            "name": "g", "kind": "wecom", "team_id": 999999,
            "url": "https://qyapi.weixin.qq.com/x?key=k"},
            content_type="application/json", **headers)
        self.assertEqual(foreign_team.status_code, 404)
        self.assertFalse(Webhook.objects.exists())
        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x?key=k",
                                      created_by=self.office)
        for persona in ("office2", "leader", "team", "liaison"):
            h = self.bearer(getattr(self, persona))
            self.assertEqual(self.client.delete(f"/api/v1/notify/webhooks/{hook.pk}",
                                                **h).status_code, 403, persona)
            self.assertEqual(self.client.post(f"/api/v1/notify/webhooks/{hook.pk}/test",
                                              **h).status_code, 403, persona)
        other = self.bearer(self.other_office)
        self.assertEqual(self.client.delete(f"/api/v1/notify/webhooks/{hook.pk}",
                                            **other).status_code, 404)
        self.assertEqual(self.client.post(f"/api/v1/notify/webhooks/{hook.pk}/test",
                                          **other).status_code, 404)
        self.assertTrue(Webhook.objects.filter(pk=hook.pk).exists())
        self.assertFalse(Delivery.objects.exists())
        self.assertFalse(Event.objects.filter(action__startswith="notify.").exists())

    def test_deliveries_come_in_keyset_pages_with_translated_errors(self):
        base = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
        for i in range(5):
            Delivery.objects.create(channel="email", user=self.office2, committee=self.county,
                                    address="o@example.org", subject="s", body=f"b{i}",
                                    status=DeliveryStatus.FAILED, last_error="no_address",
                                    created_at=base + datetime.timedelta(minutes=i // 2))
        Delivery.objects.create(channel="email", committee=self.county_b, subject="s",
                                body="other", address="x@example.org")
        headers = self.bearer(self.office)
        seen, after = [], ""
        for _page in range(5):
            body = self.client.get("/api/v1/notify/deliveries",
                                   {"limit": 2, **({"after": after} if after else {})},
                                   **headers).json()
            seen += [d["body"] for d in body["items"]]
            if body["next"] is None:
                break
            after = body["next"]
        self.assertEqual(seen, ["b4", "b3", "b2", "b1", "b0"])
        first = self.client.get("/api/v1/notify/deliveries", **headers).json()["items"][0]
        self.assertEqual(first["last_error"], "no_address")
        from django.utils import translation

        with translation.override("zh-hans"):
            from django.utils.translation import gettext
            self.assertEqual(first["last_error_text"],
                             gettext("The person has no e-mail address."))
        english = self.client.get("/api/v1/notify/deliveries", **self.bearer(
            self.office, HTTP_ACCEPT_LANGUAGE="en")).json()["items"][0]
        self.assertEqual(english["last_error_text"], "The person has no e-mail address.")
        bad = self.client.get("/api/v1/notify/deliveries", {"after": "yesterday"}, **headers)
        self.assertEqual(bad.status_code, 400)
