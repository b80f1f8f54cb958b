"""The rectification loop: the plan's review by each body (clearing per body), its return
and resubmission, the ledger's evidence, verification and rework, the report, the notice
and the follow-up."""

import datetime
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings

from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections import clocks
from xuncha.rectification import disclosure, measures, plans, reports

from .base import OFFICE_A, TodoBase

D = datetime.date
BODIES = OFFICE_A | {"receiver", "receiver_org"}


class RectificationTests(TodoBase):
    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="xuncha-todo-")
        self.addCleanup(shutil.rmtree, media, True)
        media_override = override_settings(MEDIA_ROOT=media)
        media_override.enable()
        self.addCleanup(media_override.disable)
        self.inspection = on_site(self)
        self.problems = [signed_problem(self, self.inspection, f"问题{i}") for i in range(2)]
        fed_back(self, self.inspection, self.problems, on=D(2026, 5, 8))
        self.inspection.refresh_from_db()

    def review_all(self, plan, sides=("office", "receiver", "receiver_org")):
        for name in sides:
            plans.plan_review(actor=getattr(self, name), plan=plan, complete=True, feasible=True)

    def approved_plan(self):
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        plan = self.inspection.rectification_plan
        self.review_all(plan)
        return plans.plan_decide(actor=self.office, plan=plan, approve=True)

    def measure(self):
        return measures.measure_add(actor=self.liaison, inspection=self.inspection,
                                    problem=self.problems[0], data={
                                        "text": "修订制度", "responsible_leader": "张副局长",
                                        "responsible_department": "办公室",
                                        "deadline": D(2026, 7, 31)})

    def evidence(self, measure):
        measures.measure_evidence_add(actor=self.liaison, measure=measure,
                                      upload=ContentFile(b"proof", name="proof.pdf"))

    def test_each_body_reviews_once_then_the_office_decides(self):
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="整改方案")
        plan = self.inspection.rectification_plan
        office, discipline, organization = (f"plan_review:{plan.pk}:{side}" for side in
                                            ("office", "discipline", "organization"))
        self.assertHolders(office, OFFICE_A)
        self.assertHolders(discipline, {"receiver"})
        self.assertHolders(organization, {"receiver_org"})
        self.assertNobodyHas("plan_decision:")  # the office reviews before it decides
        item = self.todo(self.receiver_org)[organization]
        self.assertEqual((item.url, item.asked_by, item.mine),
                         (f"/rectification/inspection/{self.inspection.pk}/", "东湖区教育局",
                          False))
        plans.plan_review(actor=self.office2, plan=plan, complete=True, feasible=True)
        self.assertHolders(office, set())
        self.assertHolders(f"plan_decision:{plan.pk}", OFFICE_A)
        self.assertHolders(discipline, {"receiver"})
        plans.plan_review(actor=self.receiver, plan=plan, complete=False, feasible=True,
                          comment="缺少时限")
        self.assertHolders(discipline, set())
        self.assertHolders(organization, {"receiver_org"})
        plans.plan_decide(actor=self.office, plan=plan, approve=False, note="退回重来")
        self.assertNobodyHas("plan_review:")
        self.assertNobodyHas("plan_decision:")
        resubmission = f"plan_resubmission:{plan.pk}"
        self.assertHolders(resubmission, {"liaison"})
        item = self.todo(self.liaison)[resubmission]
        # The plan's clock (15 working days after the feedback of 8 May): overdue on 1 June.
        plan_due, _report_due = clocks.rectification_due_dates(self.inspection)
        self.assertEqual((item.due, item.level, item.mine), (plan_due, "red", True))
        self.assertEqual(plan_due, D(2026, 5, 28))  # 9 May is a make-up working day
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="整改方案（修订）")
        self.assertHolders(resubmission, set())
        self.assertHolders(office, OFFICE_A)
        self.assertHolders(discipline, {"receiver"})
        self.review_all(plan)
        plans.plan_decide(actor=self.office, plan=plan, approve=True)
        self.assertNobodyHas("plan_")

    def test_measures_evidence_verification_rework(self):
        self.approved_plan()
        measure = self.measure()
        pk = measure.pk
        self.assertHolders(f"measure_evidence:{pk}", {"liaison"})
        item = self.todo(self.liaison)[f"measure_evidence:{pk}"]
        self.assertEqual((item.due, item.level), (D(2026, 7, 31), "green"))
        self.travel(self.clock.return_value + datetime.timedelta(days=55))
        self.assertEqual(self.todo(self.liaison)[f"measure_evidence:{pk}"].level, "yellow")
        self.evidence(measure)
        self.assertNobodyHas("measure_")
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        # The office and the discipline side verify; not the organization department.
        self.assertHolders(f"measure_verification:{pk}", OFFICE_A | {"receiver"})
        measures.measure_return(actor=self.receiver, measure=measure, note="证据不足")
        self.assertHolders(f"measure_verification:{pk}", set())
        self.assertHolders(f"measure_rework:{pk}", {"liaison"})
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        self.assertHolders(f"measure_rework:{pk}", set())
        self.assertHolders(f"measure_verification:{pk}", OFFICE_A | {"receiver"})
        measures.measure_close(actor=self.office, measure=measure, note="已核实")
        self.assertNobodyHas("measure_")

    def test_report_notice_and_follow_up(self):
        self.approved_plan()
        report = reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                       text="整改报告", principal_text="主要负责人报告")
        key = f"rectification_report_review:{report.pk}"
        self.assertHolders(key, OFFICE_A)
        reports.report_review(actor=self.office, report=report, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)
        self.assertHolders(key, set())
        pk = self.inspection.pk
        self.assertHolders(f"notice:{pk}", OFFICE_A)
        self.assertHolders(f"follow_up:{pk}", BODIES)
        reports.notice_publish(actor=self.office2, inspection=self.inspection, title="整改公开",
                               body="整改进展情况")
        self.assertHolders(f"notice:{pk}", set())
        self.assertHolders(f"follow_up:{pk}", BODIES)
        reports.follow_up_record(actor=self.receiver_org, inspection=self.inspection,
                                 kind="visit", held_on=D(2026, 6, 1), findings="整改到位")
        self.assertNobodyHas("follow_up:")

    def test_a_public_wording_waits_on_the_office_but_not_its_writer(self):
        problem = self.problems[0]
        wording = disclosure.wording_write(actor=self.liaison, problem=problem,
                                           text="违规收受礼金问题")
        key = f"wording_approval:{wording.pk}"
        self.assertHolders(key, OFFICE_A)
        item = self.todo(self.office2)[key]
        self.assertEqual((item.url, item.mine, item.asked_by),
                         (f"/rectification/inspection/{self.inspection.pk}/", False,
                          str(self.liaison)))
        wording = disclosure.wording_write(actor=self.office, problem=problem,
                                           text="违规收受礼金的问题")
        self.assertHolders(key, OFFICE_A - {"office"})  # never its own writer's
        disclosure.wording_approve(actor=self.custodian, wording=wording)
        self.assertNobodyHas("wording_approval:")
