"""The steps the to-do gained: the team leads' main report (once the on-site work ended) and
redraft of a returned report; the liaison's first plan and rectification report, each by its
clock; the office's closing after the follow-up. Each is held by exactly the people its rule
names and clears once the step is taken."""

import datetime

from django.urls import reverse

from xuncha.findings import reports as finding_reports
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections import clocks
from xuncha.inspections.models import InspectionStatus
from xuncha.lib.testing import make_user
from xuncha.rectification import plans, reports

from .base import OFFICE_A, TodoBase

D = datetime.date


class TeamReportStepTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.inspection = on_site(self)
        self.extra_people = {
            "deputy": make_user("deputy", "team", self.county, inspector=self.insp_a2),
            "member": make_user("member", "team", self.county, inspector=self.insp_a3)}

    def test_the_main_report_waits_on_the_leads_once_the_on_site_work_ended(self):
        key = f"draft_main_report:{self.inspection.pk}"
        self.assertHolders(key, set())  # on site: not yet
        self.inspection.status = InspectionStatus.REPORTING
        self.inspection.save(update_fields=["status"])
        self.assertHolders(key, {"team", "deputy"})
        item = self.todo(self.team)[key]
        self.assertEqual((item.kind, item.mine, item.level, item.url),
                         ("draft_main_report", True, "grey",
                          reverse("inspections:inspection_detail", args=[self.inspection.pk])))
        finding_reports.report_start(actor=self.extra_people["deputy"],
                                     inspection=self.inspection)
        self.assertNobodyHas("draft_main_report:")

    def test_a_returned_report_waits_on_the_leads_redraft(self):
        found = [signed_problem(self, self.inspection)]
        report = finding_reports.report_start(actor=self.team, inspection=self.inspection)
        finding_reports.report_edit(actor=self.team, report=report, summary="概况",
                                    conclusion="建议", problems=found)
        finding_reports.report_submit(actor=self.team, report=report)
        key = f"redraft_report:{report.pk}"
        self.assertNobodyHas("redraft_report:")
        finding_reports.report_review(actor=self.office, report=report, comment="补充问题",
                                      accept=False)
        self.assertHolders(key, {"team", "deputy"})
        item = self.todo(self.extra_people["deputy"])[key]
        self.assertEqual((item.mine, item.url),
                         (True, reverse("findings:report_detail", args=[report.pk])))
        finding_reports.report_submit(actor=self.team, report=report)
        self.assertNobodyHas("redraft_report:")
        self.assertHolders(f"report_review:{report.pk}", OFFICE_A)


class LiaisonAndClosingStepTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.inspection = on_site(self)
        problems = [signed_problem(self, self.inspection, "问题")]
        fed_back(self, self.inspection, problems, on=D(2026, 5, 8))
        self.inspection.refresh_from_db()
        self.plan_due, self.report_due = clocks.rectification_due_dates(self.inspection)

    def approved_plan(self):
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        plan = self.inspection.rectification_plan
        for name in ("office", "receiver", "receiver_org"):
            plans.plan_review(actor=getattr(self, name), plan=plan, complete=True,
                              feasible=True)
        plans.plan_decide(actor=self.office, plan=plan, approve=True)
        self.inspection.refresh_from_db()

    def submit_report(self):
        return reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                     text="整改报告", principal_text="主要负责人报告")

    def test_the_first_plan_waits_on_the_liaison_by_the_plan_clock(self):
        key = f"plan_submission:{self.inspection.pk}"
        self.assertHolders(key, {"liaison"})
        item = self.todo(self.liaison)[key]
        self.assertEqual((item.due, item.level, item.mine, item.url),
                         (self.plan_due, "red", True,
                          f"/rectification/inspection/{self.inspection.pk}/"))
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="整改方案")
        self.assertNobodyHas("plan_submission:")
        plan = self.inspection.rectification_plan
        plans.plan_decide(actor=self.office, plan=plan, approve=False, note="退回重来")
        self.assertNobodyHas("plan_submission:")  # a returned plan is its own step
        self.assertHolders(f"plan_resubmission:{plan.pk}", {"liaison"})

    def test_the_report_waits_on_the_liaison_by_the_report_clock(self):
        key = f"rectification_report_submission:{self.inspection.pk}"
        self.assertNobodyHas("rectification_report_submission:")  # no approved plan yet
        self.approved_plan()
        self.assertHolders(key, {"liaison"})
        item = self.todo(self.liaison)[key]
        self.assertEqual((item.due, item.mine), (self.report_due, True))
        self.assertEqual(item.level, clocks.light(
            due=self.report_due, today=D(2026, 6, 1),
            calendar=clocks.calendar_for(self.inspection.committee_id)))
        report = self.submit_report()
        self.assertNobodyHas("rectification_report_submission:")
        reports.report_review(actor=self.office, report=report, accept=False,
                              main_problems_solved=False, transfers_handled=True, note="补课")
        self.assertHolders(key, {"liaison"})
        report = self.submit_report()
        self.assertNobodyHas("rectification_report_submission:")

    def test_closing_waits_on_the_office_after_the_follow_up(self):
        self.approved_plan()
        report = self.submit_report()
        reports.report_review(actor=self.office, report=report, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)
        key = f"inspection_closing:{self.inspection.pk}"
        self.assertNobodyHas("inspection_closing:")  # the follow-up comes first
        reports.follow_up_record(actor=self.receiver_org, inspection=self.inspection,
                                 kind="visit", held_on=D(2026, 6, 1), findings="整改到位")
        self.inspection.refresh_from_db()
        self.assertHolders(key, OFFICE_A)
        self.assertFalse(self.todo(self.office)[key].mine)
        reports.inspection_close(actor=self.office2, inspection=self.inspection)
        self.assertNobodyHas("inspection_closing:")
