"""Problems, reports, the feedback and clues: who holds each step, and that taking it clears
it for everyone."""

import datetime

from xuncha.accounts.roles import ReceiverBody
from xuncha.findings import clues, feedback, problems, reports
from xuncha.findings.models import ClueHandling, FourForms, ProblemCategory
from xuncha.findings.testing import on_site, signed_problem
from xuncha.inspections.models import InspectionStatus

from .base import OFFICE_A, TodoBase

D = datetime.date


class ProblemAndReportTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.inspection = on_site(self)

    def test_a_problem_waits_on_the_team_leader_alone(self):
        category = ProblemCategory.objects.get(committee__isnull=True, code="work_style")
        problem = problems.problem_draft(actor=self.team, inspection=self.inspection, data={
            "title": "违规发放津贴补贴", "manifestation": "以加班补助名义发放补贴。",
            "category": category, "found_on": D(2026, 3, 20)})
        key = f"problem_signature:{problem.pk}"
        self.assertHolders(key, set())  # a draft waits on the team meeting, not a signature
        problems.problem_team_approve(actor=self.team, problem=problem,
                                      meeting_on=D(2026, 3, 27), opinion="同意")
        self.assertHolders(key, {"team"})
        item = self.todo(self.team)[key]
        self.assertEqual((item.mine, item.url), (True, f"/findings/problems/{problem.pk}/"))
        problems.problem_sign(actor=self.team, problem=problem)
        self.assertHolders(key, set())

    def test_report_review_return_approval_and_feedback(self):
        found = [signed_problem(self, self.inspection)]
        report = reports.report_start(actor=self.team, inspection=self.inspection)
        reports.report_edit(actor=self.team, report=report, summary="概况", conclusion="建议",
                            problems=found)
        review, approval = f"report_review:{report.pk}", f"report_approval:{report.pk}"
        self.assertNobodyHas("report_")
        reports.report_submit(actor=self.team, report=report)
        self.assertHolders(review, OFFICE_A)
        self.assertEqual(self.todo(self.office)[review].asked_by, str(self.inspection.team))
        reports.report_review(actor=self.office2, report=report, comment="补充问题", accept=False)
        self.assertNobodyHas("report_")
        reports.report_submit(actor=self.team, report=report)
        self.assertHolders(review, OFFICE_A)
        reports.report_review(actor=self.office, report=report, comment="", accept=True)
        self.assertHolders(review, set())
        self.assertHolders(approval, {"leader"})
        reports.report_approve(actor=self.leader, report=report)
        self.assertNobodyHas("report_")
        key = f"feedback:{self.inspection.pk}"
        self.assertHolders(key, set())  # still on site: feedback follows the reporting stage
        self.inspection.status = InspectionStatus.REPORTING
        self.inspection.save(update_fields=["status"])
        self.assertHolders(key, OFFICE_A | {"team"})
        feedback.feedback_record(actor=self.office, inspection=self.inspection, data={
            "principal_meeting_on": D(2026, 5, 8), "team_meeting_on": D(2026, 5, 8),
            "feedback_on": D(2026, 5, 8), "opinion": "反馈意见", "recipients": ["纪委监委"]})
        self.assertHolders(key, set())


class ClueTests(TodoBase):
    def test_transfer_receipt_report_and_closing(self):
        inspection = on_site(self)
        clue = clues.clue_record(actor=self.team, inspection=inspection, subject_name="张某",
                                 content="收受礼金的线索")
        pk = clue.pk
        self.assertHolders(f"clue_transfer:{pk}", {"office"})  # the office head alone
        clues.clue_transfer(actor=self.office, clue=clue, body=ReceiverBody.DISCIPLINE,
                            on=D(2026, 5, 20))
        self.assertNobodyHas("clue_transfer:")
        self.assertHolders(f"clue_receipt:{pk}", {"receiver"})  # not the organization dept.
        item = self.todo(self.receiver)[f"clue_receipt:{pk}"]
        self.assertEqual((item.due, item.level, item.asked_by), (D(2026, 8, 20), "green",
                                                                 str(self.office)))
        clues.clue_handle(actor=self.receiver, clue=clue, handling=ClueHandling.VERIFY)
        self.assertHolders(f"clue_receipt:{pk}", set())
        self.assertHolders(f"clue_report:{pk}", {"receiver"})
        clues.clue_report(actor=self.receiver, clue=clue, outcome=FourForms.FORM1,
                          note="谈话提醒", on=D(2026, 6, 1))
        self.assertHolders(f"clue_report:{pk}", set())
        self.assertHolders(f"clue_closure:{pk}", {"receiver"})
        self.assertEqual(self.todo(self.receiver)[f"clue_closure:{pk}"].due, D(2026, 11, 20))
        clues.clue_report(actor=self.receiver, clue=clue, outcome=FourForms.FORM1,
                          note="谈话提醒，已了结", on=D(2026, 6, 1), close=True)
        self.assertNobodyHas("clue_")
