"""#18 item 8: the public notice names problems by approved public wording only, and its
rate follows the committee's one stated definition (seed 004's style, two decimals)."""

from django.urls import reverse

from xuncha.inspections.models import ClockPolicy
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.rectification import disclosure, measures, reports
from xuncha.rectification.models import PublicNotice, RateBasis, WordingStatus

from .base import RectificationBase


class NoticeTests(RectificationBase):
    def setUp(self):
        super().setUp()
        # One problem fed back, three measures, two of them closed (the case).
        self.approved_plan()
        self.problem = self.problems[0]
        self.problem.title = "基建科负责人涉嫌收受购物卡"
        self.problem.save(update_fields=["title"])
        self.ledger = [self.measure(problem=self.problem) for _i in range(3)]
        for m in self.ledger[:2]:
            self.evidence(m)
            measures.measure_mark_done(actor=self.liaison, measure=m)
            measures.measure_close(actor=self.office, measure=m, note="ok")
        for other in self.problems[1:]:
            for m in [self.measure(problem=other)]:
                measures.measure_set_publish(actor=self.office, measure=m, publish=False)
        report = reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                       text="整改报告", principal_text="组织情况")
        reports.report_review(actor=self.office, report=report, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)

    def publish(self):
        return reports.notice_publish(actor=self.office, inspection=self.inspection,
                                      title="整改通报", body="正文")

    def test_no_notice_without_an_approved_public_wording(self):
        with self.assertRefused(DomainError, code="precondition"):
            self.publish()
        with self.assertRefused(DomainError, code="internal_title"):  # not a public wording
            disclosure.wording_write(actor=self.liaison, problem=self.problem,
                                     text=" 基建科负责人涉嫌收受购物卡 ")
        wording = disclosure.wording_write(actor=self.liaison, problem=self.problem,
                                           text="基建领域廉洁风险防控不到位")
        with self.assertRefused(DomainError, code="precondition"):  # written, not approved
            self.publish()
        with self.assertRefused(Forbidden, code="forbidden"):
            disclosure.wording_approve(actor=self.liaison, wording=wording)
        with self.assertRefused(Forbidden, code="forbidden"):
            disclosure.wording_approve(actor=self.leader, wording=wording)
        disclosure.wording_approve(actor=self.office, wording=wording)
        rewritten = disclosure.wording_write(actor=self.office, problem=self.problem,
                                             text="基建领域廉洁风险防控存在薄弱环节")
        self.assertEqual(rewritten.status, WordingStatus.DRAFT)  # a change is approved again
        with self.assertRefused(Forbidden, code="forbidden"):  # not by whoever wrote it
            disclosure.wording_approve(actor=self.office, wording=rewritten)
        disclosure.wording_approve(actor=self.office2, wording=rewritten)
        notice = self.publish()
        page = self.client.get(reverse("public:notice_detail", args=[notice.pk]))
        self.assertContains(page, "基建领域廉洁风险防控存在薄弱环节")
        self.assertNotContains(page, "购物卡")
        self.assertNotContains(page, "修订制度")  # nor the measures' internal text
        docx = self.client.get(reverse("public:notice_docx", args=[notice.pk]))
        self.assertNotIn("购物卡".encode(), docx.content)

    def wording(self):
        disclosure.wording_approve(actor=self.office, wording=disclosure.wording_write(
            actor=self.liaison, problem=self.problem, text="基建领域廉洁风险防控不到位"))

    def test_the_rate_follows_the_committees_definition(self):
        self.wording()
        by_problems = self.publish()
        self.assertEqual((by_problems.basis, by_problems.done, by_problems.total),
                         (RateBasis.PROBLEMS, 0, 1))
        self.assertEqual(by_problems.rate_text, "0/1 = 0.00%")
        ClockPolicy.objects.update_or_create(committee=self.county, defaults={
            "notice_rate_basis": RateBasis.MEASURES})
        by_measures = self.publish()
        self.assertEqual((by_measures.basis, by_measures.done, by_measures.total),
                         (RateBasis.MEASURES, 2, 3))
        self.assertEqual(by_measures.withheld, 2)
        page = self.client.get(reverse("public:notice_detail", args=[by_measures.pk]))
        self.assertContains(page, "2/3 = 66.67%")
        self.assertContains(page, disclosure.definition(RateBasis.MEASURES))
        self.assertEqual(by_measures.items, [{"problem": "基建领域廉洁风险防控不到位", "closed": 2,
                                              "measures": 3, "status": by_measures.items[0]
                                              ["status"]}])

    def test_seed_004s_style(self):
        self.assertEqual(PublicNotice(total=697, done=688).rate_text, "688/697 = 98.71%")
        self.assertEqual(PublicNotice(total=3, done=3).rate_text, "3/3 = 100.00%")

    def test_the_overview_writes_and_approves_wordings(self):
        url = reverse("rectification:overview", args=[self.inspection.pk])
        write = reverse("rectification:wording_write", args=[self.inspection.pk,
                                                             self.problem.pk])
        self.login(self.liaison)
        self.assertContains(self.client.get(url), write)
        self.assertRedirects(self.client.post(write, {"text": "基建领域廉洁风险防控不到位"}), url)
        self.assertEqual(self.client.post(write, {"text": ""}).status_code, 400)
        approve = reverse("rectification:wording_approve", args=[self.inspection.pk,
                                                                 self.problem.pk])
        self.assertNotContains(self.client.get(url), approve)
        self.login(self.office)
        page = self.client.get(url)
        self.assertContains(page, approve)
        self.assertContains(page, "data-figures")
        self.assertRedirects(self.client.post(approve), url)
        self.problem.public_wording.refresh_from_db()
        self.assertTrue(self.problem.public_wording.approved)
        self.login(self.other_office)
        self.assertEqual(self.client.post(approve).status_code, 404)
