"""Issue 18, the cycle's documents, public wording and the 述职评议 vote (items 6, 8–11) as
page flows.

``test_versions_public_wording_and_the_notice``: the office returns the report; the team
redrafts it (a new version; the page shows v1 as returned, by whom, and what changed) and
resubmits it. After the feedback the unit's plan goes back and comes again (v2 beside v1,
the change shown). With one problem whose three measures are two-thirds closed, the liaison
writes the problem's public wording, the office approves it and publishes: the notice says
2/3 = 66.67% by the committee's measure basis, and never the internal title.

``test_sealed_results_phone_ballot_and_a_third_clerk``: while voting is open the results page
shows the turnout only; a voter's ballot on a 390 px phone is one card per object; two clerks
enter a paper sheet differently and a third, typing the sheet in, is taken to resolve it and
settles it; after closing the results are there.

Screenshots at desktop (1280 px) and phone (390 px) widths in ``artifacts/e2e/``; every
distinct page goes through axe-core.
"""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from xuncha.evaluations import ballots, sessions
from xuncha.evaluations.models import SheetStatus, Status
from xuncha.findings.feedback import feedback_record
from xuncha.findings.reports import (
    report_approve,
    report_edit,
    report_review,
    report_start,
    report_submit,
)
from xuncha.findings.testing import on_site, signed_problem
from xuncha.inspections.models import ClockPolicy, InspectionStatus
from xuncha.lib.testing import make_user
from xuncha.rectification import measures, plans, reports
from xuncha.rectification.models import RateBasis

from .base import BrowserTestCase, D, at, url_name

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
INTERNAL_TITLE = "基建科负责人涉嫌收受购物卡"
PUBLIC_WORDING = "基建领域廉洁风险防控不到位，工程项目管理不规范"


class CycleJourneyTests(BrowserTestCase):
    START = at(D(2026, 4, 20))

    def both_sizes(self, page, step: str) -> None:
        """The step at desktop width (with axe), then at phone width (no sideways scroll)."""
        self.check(page, step)
        page.set_viewport_size(PHONE)
        self.shot(page, f"{step}-phone")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"] + 1, f"{step}: the page scrolls sideways")
        page.set_viewport_size(DESKTOP)

    def text(self, msgid: str, **values: str) -> str:
        with override("zh-hans"):
            return gettext(msgid) % values if values else gettext(msgid)

    def test_versions_public_wording_and_the_notice(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection, INTERNAL_TITLE)
        report = report_start(actor=self.team, inspection=inspection)
        report_edit(actor=self.team, report=report, summary="巡察期间个别谈话32人次。",
                    conclusion="建议切实扛起整改主体责任。", problems=[problem])
        report_submit(actor=self.team, report=report)
        report_review(actor=self.office, report=report, comment="请补充调阅资料情况。",
                      accept=False)

        # Item 6: the team redrafts the returned report: a new version, v1 kept.
        team = self.page_for(self.team)
        team.goto(self.url("findings:report_detail", report.pk))
        edit = self.form_action("findings:report_edit", report.pk)
        team.click(f'details:has({edit.split(",")[0]}) > summary')
        form = f'form[action="{reverse("findings:report_edit", args=[report.pk])}"]'
        team.fill(f"{form} textarea[name=summary]",
                  "巡察期间个别谈话32人次，调阅资料86卷。")
        self.submit(team, edit)
        self.submit(team, self.form_action("findings:report_submit", report.pk))
        self.both_sizes(team, "report-v2-submitted")
        self.assertEqual([v.status for v in report.versions.order_by("number")],
                         ["returned", "submitted"])
        self.assertEqual(team.locator("details.version").count(), 2)
        first = team.locator('details.version[data-version="1"]')
        first.locator("summary").click()
        self.assertIn(str(self.office), first.inner_text())
        self.assertIn("请补充调阅资料情况", team.inner_text("main"))
        self.assertEqual(team.locator('details[data-version="2"] .diff ins').first.inner_text(),
                         "，调阅资料86卷")

        # Approved, fed back (services: those pages have their own journeys).
        report_review(actor=self.office, report=report, comment="", accept=True)
        report_approve(actor=self.leader, report=report)
        inspection.status = InspectionStatus.REPORTING
        inspection.save(update_fields=["status"])
        self.travel(at(D(2026, 5, 8)))
        feedback_record(actor=self.office, inspection=inspection, data={
            "principal_meeting_on": D(2026, 5, 8), "team_meeting_on": D(2026, 5, 8),
            "feedback_on": D(2026, 5, 8), "opinion": "反馈意见正文",
            "recipients": ["纪委监委", "组织部"]})
        inspection.refresh_from_db()

        # Item 6, the plan: returned, then revised and resubmitted on the page.
        plans.plan_submit(actor=self.liaison, inspection=inspection,
                          text="一、总体要求\n二、整改任务")
        plan = inspection.rectification_plan
        plans.plan_decide(actor=self.office, plan=plan, approve=False,
                          note="整改措施不具体，请明确责任人和时限。")
        overview = self.url("rectification:overview", inspection.pk)
        liaison = self.page_for(self.liaison)
        liaison.goto(overview)
        plan_form = self.form_action("rectification:plan_submit", inspection.pk)
        liaison.fill(f'form[action="{reverse("rectification:plan_submit", args=[inspection.pk])}"] '
                     "textarea[name=text]", "一、总体要求\n二、整改任务（明确责任人和时限）")
        self.submit(liaison, plan_form)
        self.both_sizes(liaison, "plan-v2")
        self.assertEqual(liaison.locator("details.version").count(), 2)
        self.assertEqual(liaison.locator('details[data-version="2"] .diff ins').inner_text(),
                         "（明确责任人和时限）")

        # The plan approved; three measures, two closed; the report accepted (services).
        for reviewer in (self.office, self.receiver, self.receiver_org):
            plans.plan_review(actor=reviewer, plan=plan, complete=True, feasible=True)
        plans.plan_decide(actor=self.office, plan=plan, approve=True)
        ledger = [measures.measure_add(actor=self.liaison, inspection=inspection,
                                       problem=problem, data={
                                           "text": f"整改措施{n}", "responsible_leader": "局长",
                                           "responsible_department": "基建科",
                                           "deadline": D(2026, 7, 31)}) for n in range(3)]
        for measure in ledger[:2]:
            measures.measure_evidence_add(actor=self.liaison, measure=measure,
                                          upload=ContentFile(b"proof", name="proof.pdf"))
            measures.measure_mark_done(actor=self.liaison, measure=measure)
            measures.measure_close(actor=self.office, measure=measure, note="销号")
        rect = reports.report_submit(actor=self.liaison, inspection=inspection,
                                     text="整改报告", principal_text="第一责任人报告")
        reports.report_review(actor=self.office, report=rect, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)
        ClockPolicy.objects.update_or_create(committee=self.county, defaults={
            "notice_rate_basis": RateBasis.MEASURES})

        # Item 8: the liaison writes the public wording, the office approves and publishes.
        liaison.goto(overview)
        write = reverse("rectification:wording_write", args=[inspection.pk, problem.pk])
        liaison.click(f'details:has(form[action="{write}"]) > summary')
        liaison.fill(f'form[action="{write}"] textarea[name=text]', PUBLIC_WORDING)
        self.submit(liaison, f'form[action="{write}"] button[type=submit]')
        self.both_sizes(liaison, "wording-written")
        office = self.page_for(self.office)
        office.goto(overview)
        self.submit(office, self.form_action("rectification:wording_approve", inspection.pk,
                                             problem.pk))
        self.assertIn("2/3", office.inner_text("[data-figures]"))
        publish = f'form[action="{reverse("rectification:notice_publish", args=[inspection.pk])}"]'
        office.click(f"details:has({publish}) > summary")
        office.fill(f"{publish} input[name=title]", "东湖区教育局关于巡察整改进展情况的通报")
        office.fill(f"{publish} textarea[name=body]", "按照区委巡察工作统一部署，现将整改进展情况予以公布。")
        self.submit(office, f"{publish} button[type=submit]")
        self.both_sizes(office, "notice-published")
        notice = inspection.public_notices.get()
        self.assertEqual(notice.rate_text, "2/3 = 66.67%")

        public = self.page_for(None)
        public.goto(self.url("public:notice_detail", notice.pk))
        self.both_sizes(public, "public-notice")
        shown = public.inner_text("main")
        self.assertIn("2/3 = 66.67%", shown)
        self.assertIn(self.text("completion rate = closed measures ÷ measures made public"),
                      shown)
        self.assertIn(PUBLIC_WORDING, shown)
        self.assertNotIn("购物卡", shown)
        self.assertNotIn("整改措施0", shown)
        self.assert_clean_browser()

    def test_sealed_results_phone_ballot_and_a_third_clerk(self):
        evaluation = sessions.evaluation_from_seed_template(
            actor=self.office, meeting_date=D(2026, 4, 28),
            closes_at=timezone.now() + datetime.timedelta(hours=3))
        sessions.evaluation_open(actor=self.office, evaluation=evaluation)
        kind = evaluation.ballot_types.get(code="A")
        code = ballots.codes_generate(actor=self.office, evaluation=evaluation,
                                      ballot_type=kind, count=2)[0]
        objects = [o for g in evaluation.groups.prefetch_related("members")
                   for o in g.members.all()]

        # Item 10: the voter's ballot on a 390 px phone: one card per object.
        voter = self.page_for(None)
        voter.set_viewport_size(PHONE)
        voter.goto(self.url("public:vote"))
        voter.fill("input[name=code]", code)
        with voter.expect_navigation():
            voter.click("main form button[type=submit]")
        self.shot(voter, "ballot-phone")
        name = voter.locator("tr.ballot-object th.ballot-name").first.bounding_box()
        assert name is not None
        self.assertGreater(name["width"], 250, "the object's name column is too narrow")
        height = voter.evaluate("() => document.documentElement.scrollHeight")
        width = voter.evaluate("() => document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"] + 1, "the phone ballot scrolls sideways")
        per_object = height / len(objects)
        self.assertLess(per_object, 150, f"{height} px for {len(objects)} objects")
        for obj in objects:
            voter.check(f"input[name=obj-{obj.pk}][value=fairly_good]")
        self.axe(voter)
        with voter.expect_navigation():
            voter.click("main form button[type=submit].primary")
        self.shot(voter, "ballot-cast-phone")

        # Item 9: sealed while open — the office sees the turnout only (pages and exports).
        office = self.page_for(self.office)
        results = self.url("evaluations:results", evaluation.pk)
        office.goto(results)
        self.both_sizes(office, "results-sealed")
        self.assertEqual(office.locator("[data-sealed]").count(), 1)
        self.assertNotIn(objects[0].name, office.inner_text("main table"))
        office.goto(results + "?format=xlsx")
        self.assertEqual(office.locator("[data-sealed]").count(), 1)

        # Item 11: two clerks differ on sheet 7; a third types it in and is sent to resolve.
        clerk2 = make_user("clerk2", "office", self.county)
        clerk3 = make_user("clerk3", "office", self.county)
        marks = {o.pk: "fairly_good" for o in objects}
        ballots.paper_enter(actor=self.office, evaluation=evaluation, ballot_type=kind,
                            number=7, marks=marks)
        ballots.paper_enter(actor=clerk2, evaluation=evaluation, ballot_type=kind, number=7,
                            marks={**marks, objects[0].pk: "average"})
        sheet = evaluation.sheets.get(number=7)
        self.assertEqual(sheet.status, SheetStatus.MISMATCH)
        third = self.page_for(clerk3)
        third.goto(self.url("evaluations:paper", evaluation.pk))
        third.select_option("select[name=type]", str(kind.pk))
        third.fill("input[name=number]", "7")
        for obj in objects:
            third.check(f"input[name=obj-{obj.pk}][value=fairly_good]")
        with third.expect_navigation():
            third.click("main form button[type=submit].primary")
        self.assertEqual(url_name(third.url), "evaluations:resolve", third.url)
        self.assertIn(self.text("The two entries of this sheet differ: it is resolved on its "
                                "own page by a clerk who entered neither, not entered again."),
                      third.inner_text("main .messages"))
        self.both_sizes(third, "sheet-to-resolve")
        self.assertEqual(sheet.entries.count(), 2)
        for obj in objects:
            third.check(f"input[name=obj-{obj.pk}][value=fairly_good]")
        self.submit(third, "main form button[type=submit].primary")
        sheet.refresh_from_db()
        self.assertEqual((sheet.status, sheet.resolved_by), (SheetStatus.RESOLVED, clerk3))

        # Closed: the results are there.
        sessions.evaluation_close(actor=self.office, evaluation=evaluation)
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.status, Status.CLOSED)
        office.goto(results)
        self.both_sizes(office, "results-after-closing")
        self.assertEqual(office.locator("[data-sealed]").count(), 0)
        self.assertIn(objects[0].name, office.inner_text("main"))
        self.assert_clean_browser()
