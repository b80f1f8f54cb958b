"""Nothing of a case leaves the system: every e-mail and group message of a whole run over
the real to-do — a petition with its reporter, problems, a returned plan, measures — is
captured at the local receivers and searched for the case's words."""

import datetime

from django.test import override_settings

from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections.clocks import rectification_due_dates
from xuncha.lib.testing import WorldTestCase
from xuncha.notify import services
from xuncha.notify.models import Delivery, DeliveryStatus, EmailChoice, Preference, WebhookKind
from xuncha.notify.tasks import digest_task, sweep_task
from xuncha.petitions import identity
from xuncha.petitions import intake as petitions
from xuncha.rectification import measures, plans

from .base import D, Robot, SmtpServer, body_of, on

PETITION = "反映东湖区教育局某科长王建国收受礼金八万元，请核实。"
REPORTER = identity.Reporter(name="李小梅", phone="13912345678", address="湖滨路8号")


@override_settings(XUNCHA_BASE_URL="https://xuncha.example.gov.cn")
class NoCaseContentTests(WorldTestCase):
    def setUp(self):
        self.inspection = on_site(self)
        with on(D(2026, 3, 20)):
            self.petition = petitions.petition_intake(
                actor=self.office, committee=self.county, channel="letter", unit=self.unit_edu,
                inspection=self.inspection, content=PETITION, reporter=REPORTER,
                subjects=[{"name": "王建国", "position": "局长"}],
                received_at=datetime.datetime(2026, 3, 20, 2, tzinfo=datetime.UTC))
        problems = [signed_problem(self, self.inspection, "违规收受礼金问题")]
        fed_back(self, self.inspection, problems)
        self.inspection.refresh_from_db()
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="整改方案正文")
        plans.plan_decide(actor=self.office, plan=self.inspection.rectification_plan,
                          approve=False, note="措施不具体，退回重来")
        measures.measure_add(actor=self.liaison, inspection=self.inspection,
                             problem=problems[0], data={
                                 "text": "退还礼金并作深刻检查", "responsible_leader": "李春梅",
                                 "responsible_department": "办公室",
                                 "deadline": D(2026, 5, 20)})
        for user, choice in ((self.office, EmailChoice.EACH), (self.office2, EmailChoice.DAILY),
                             (self.liaison, EmailChoice.EACH), (self.team, EmailChoice.DAILY),
                             (self.receiver, EmailChoice.EACH)):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
            Preference.objects.create(user=user, email=choice)
        self.late = rectification_due_dates(self.inspection)[0] + datetime.timedelta(days=2)

    def test_no_case_content_in_any_outbound_message(self):
        with SmtpServer() as smtp, smtp.settings(), Robot() as wecom, Robot() as dingtalk:
            services.webhook_add(actor=self.office, data={
                "name": "巡察办工作群", "kind": WebhookKind.WECOM, "url": wecom.url()})
            services.webhook_add(actor=self.office, data={
                "name": "第一组", "kind": WebhookKind.DINGTALK, "team": self.inspection.team,
                "url": dingtalk.url("/robot/send?access_token=t"), "secret": "SECabc"})
            for day in (self.late - datetime.timedelta(days=7), self.late):
                with self.captureOnCommitCallbacks(execute=True), on(day, 9):
                    sweep_task.enqueue()
                    digest_task.enqueue()
        mails = [(str(m["Subject"]), body_of(m)) for m in smtp.received]
        robots = [r.body.decode("utf-8") for r in wecom.requests + dingtalk.requests]
        # a positive control: everyone who chose e-mail and both groups heard something
        self.assertEqual({m["X-Envelope-To"] for m in smtp.received}, {
            "office@example.org", "office2@example.org", "liaison@example.org",
            "team@example.org"})
        self.assertEqual(len(wecom.requests), 1)  # the office's group: one new item
        self.assertEqual(len(dingtalk.requests), 1)  # the team's group: one new item
        self.assertFalse(Delivery.objects.exclude(status=DeliveryStatus.SENT).exists())
        outbound = "\n".join([s + "\n" + b for s, b in mails] + robots + list(
            Delivery.objects.values_list("body", flat=True)))
        forbidden = [PETITION, "礼金", "王建国", "李小梅", REPORTER.phone, REPORTER.address,
                     "湖滨", "教育局", self.unit_edu.name, self.unit_fin.name, "违规",
                     "整改方案正文", "退回重来", "退还", "李春梅", str(self.inspection)]
        for word in forbidden:
            self.assertNotIn(word, outbound, word)
        for text in outbound.splitlines():
            self.assertNotIn("/petitions/", text)
            self.assertNotIn("/rectification/", text)
