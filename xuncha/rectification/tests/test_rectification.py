import datetime
import io

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from xuncha.audit.models import Event
from xuncha.inspections.models import InspectionStatus
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.rectification import measures, plans, reports
from xuncha.rectification.models import (
    MeasureAlert,
    MeasureStatus,
    Notification,
    PlanStatus,
    ReportState,
)
from xuncha.rectification.sweep import sweep

from .base import RectificationBase

D = datetime.date


class PlanTests(RectificationBase):
    def test_plan_returned_then_resubmitted_and_approved(self):
        version = plans.plan_submit(actor=self.liaison, inspection=self.inspection,
                                    text="第一稿")
        self.inspection.refresh_from_db()
        self.assertEqual(self.inspection.status, InspectionStatus.RECTIFYING)
        plan = version.plan
        plans.plan_review(actor=self.office, plan=plan, complete=True, feasible=True)
        missing = "Reviews still missing: Discipline commission、Organization department."
        with translation.override("en"), self.assertRefused(DomainError, missing,
                                                             code="precondition"):
            plans.plan_decide(actor=self.office, plan=plan, approve=True)
        with self.assertRefused(DomainError, "Say what is missing or not feasible."):
            plans.plan_review(actor=self.receiver, plan=plan, complete=False, feasible=True)
        plans.plan_review(actor=self.receiver, plan=plan, complete=False, feasible=True,
                          comment="未覆盖问题2")
        plans.plan_review(actor=self.receiver_org, plan=plan, complete=True, feasible=True)
        with translation.override("en"), self.assertRefused(
                DomainError, "Found inadequate by: Discipline commission.", code="precondition"):
            plans.plan_decide(actor=self.office, plan=plan, approve=True)
        with self.assertRefused(DomainError, "Say why the plan goes back."):
            plans.plan_decide(actor=self.office, plan=plan, approve=False)
        plans.plan_decide(actor=self.office, plan=plan, approve=False, note="补充问题2的措施")
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.RETURNED)
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="第二稿")
        for reviewer in (self.office, self.receiver, self.receiver_org):
            plans.plan_review(actor=reviewer, plan=plan, complete=True, feasible=True)
        with self.assertRefused(DomainError, "Your side has already reviewed this version."):
            plans.plan_review(actor=self.office, plan=plan, complete=True, feasible=True)
        plans.plan_decide(actor=self.office, plan=plan, approve=True)
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.APPROVED)
        self.assertEqual([v.text for v in plan.versions.order_by("number")], ["第一稿", "第二稿"])

    def test_only_the_units_liaison_submits(self):
        with self.assertRefused(Forbidden, "Only the inspected unit's liaison may do this."):
            plans.plan_submit(actor=self.other_liaison, inspection=self.inspection, text="x")
        with self.assertRefused(Forbidden, "Only the inspected unit's liaison may do this."):
            plans.plan_submit(actor=self.office, inspection=self.inspection, text="x")


class MeasureTests(RectificationBase):
    def test_deadline_after_the_report_clock_needs_a_reason(self):
        with self.assertRefused(DomainError, code="late_deadline"):
            self.measure(deadline=D(2026, 12, 31))
        measure = self.measure(deadline=D(2026, 12, 31), deadline_reason="长期整改")
        self.assertEqual(measure.number, 1)

    def test_measure_must_answer_a_feedback_problem(self):
        with self.assertRefused(DomainError, "Measures answer problems of the feedback."):
            self.measure(problem=self.unreported)

    def test_done_close_and_separation_of_duties(self):
        measure = self.measure()
        with self.assertRefused(DomainError, "Upload evidence before marking the measure done.",
                                code="no_evidence"):
            measures.measure_mark_done(actor=self.liaison, measure=measure)
        self.evidence(measure)
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        measure.refresh_from_db()
        not_a_verifier = ("Only a verifier of the office or the discipline commission closes "
                          "measures.")
        with self.assertRefused(Forbidden, not_a_verifier):  # the unit cannot close its own
            measures.measure_close(actor=self.liaison, measure=measure, note="ok")
        with self.assertRefused(Forbidden, not_a_verifier):  # the organization side neither
            measures.measure_close(actor=self.receiver_org, measure=measure, note="ok")
        with self.assertRefused(DomainError, "Write the verification note."):
            measures.measure_close(actor=self.office, measure=measure, note="")
        measures.measure_close(actor=self.receiver, measure=measure, note="核查属实")
        measure.refresh_from_db()
        self.assertEqual(measure.status, MeasureStatus.CLOSED)
        self.assertEqual(measure.closed_by, self.receiver)
        self.assertTrue(Event.objects.filter(action="measure.close",
                                             object_id=str(measure.pk)).exists())

    def test_submitter_cannot_close(self):
        measure = self.measure()
        self.evidence(measure)
        measure.status, measure.done_by = MeasureStatus.DONE, self.office
        measure.save()
        with self.assertRefused(Forbidden,
                                "The person who marked the measure done cannot also close it."):
            measures.measure_close(actor=self.office, measure=measure, note="ok")

    def test_return_for_rework(self):
        measure = self.measure()
        self.evidence(measure)
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        measures.measure_return(actor=self.office, measure=measure, note="佐证不足")
        measure.refresh_from_db()
        self.assertEqual(measure.status, MeasureStatus.RETURNED)
        measures.measure_progress(actor=self.liaison, measure=measure, text="补充材料")
        measure.refresh_from_db()
        self.assertEqual(measure.status, MeasureStatus.IN_PROGRESS)

    def test_two_people_saving_the_same_measure(self):
        measure = self.measure()
        version = measure.version
        measures.measure_update(actor=self.liaison, measure=measure,
                                data={"goal": "第一人"}, version=version)
        with self.assertRefused(Conflict, code="conflict"):
            measures.measure_update(actor=self.liaison, measure=measure,
                                    data={"goal": "第二人"}, version=version)
        measure.refresh_from_db()
        self.assertEqual(measure.goal, "第一人")


class SweepTests(RectificationBase):
    def sweep(self, day):
        with self.captureOnCommitCallbacks(execute=True):
            return sweep(today=day)

    def test_lights_escalate_once_each(self):
        measure = self.measure(deadline=D(2026, 7, 31))
        self.assertEqual(self.sweep(D(2026, 6, 1)).alerts, 0)  # 60 days left: nothing
        first = self.sweep(D(2026, 7, 12))  # 19 days left: green → handler
        self.assertEqual(first.by_step, {"green": 1})
        self.assertEqual(mail.outbox[-1].to, ["handler@example.org"])
        sent = mail.outbox[-1].subject + mail.outbox[-1].body
        for case_word in (measure.text[:10], measure.inspection.unit.name):
            self.assertNotIn(case_word, sent)  # outbound mail carries no case content
        self.assertIn(f"/rectification/measures/{measure.pk}/", sent)
        self.assertEqual(Notification.objects.filter(user=self.liaison).count(), 1)
        again = self.sweep(D(2026, 7, 12))
        self.assertEqual(again.alerts, 0)
        self.assertEqual(len(mail.outbox), 1)
        self.sweep(D(2026, 7, 25))  # yellow → leader too
        self.assertEqual(sorted(mail.outbox[-1].to), ["handler@example.org",
                                                      "leader@example.org"])
        red = self.sweep(D(2026, 8, 3))  # overdue → office in-app as well
        self.assertEqual(red.by_step, {"red": 1})
        self.assertTrue(Notification.objects.filter(user=self.office).exists())
        self.assertEqual(self.sweep(D(2026, 8, 4)).alerts, 0)
        self.assertEqual(MeasureAlert.objects.filter(measure=measure).count(), 3)

    def test_catching_up_sends_only_the_current_step(self):
        self.measure(deadline=D(2026, 7, 31))
        result = self.sweep(D(2026, 9, 1))
        self.assertEqual(result.by_step, {"red": 1})
        self.assertEqual(len(mail.outbox), 1)

    def test_closed_measures_are_not_reminded(self):
        measure = self.measure(deadline=D(2026, 7, 31))
        self.evidence(measure)
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        self.assertEqual(self.sweep(D(2026, 9, 1)).checked, 0)


class ReportAndNoticeTests(RectificationBase):
    def test_report_notice_follow_up_and_close(self):
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        with self.assertRefused(DomainError, "The rectification plan must be approved first.",
                                code="precondition"):
            reports.report_submit(actor=self.liaison, inspection=self.inspection, text="t",
                                 principal_text="p")
        self.approved_plan(submitted=True)
        ledger = [self.measure(problem=p) for p in self.problems]
        extra = self.measure(problem=self.problems[2])
        for m in ledger[:2]:
            self.evidence(m)
            measures.measure_mark_done(actor=self.liaison, measure=m)
            measures.measure_close(actor=self.office, measure=m, note="ok")
        measures.measure_set_publish(actor=self.office, measure=extra, publish=False)
        report = reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                       text="整改报告", principal_text="组织情况")
        with self.assertRefused(DomainError, "Give a grade."):  # accepting needs a grade
            reports.report_review(actor=self.office, report=report, accept=True, grade="",
                                  main_problems_solved=True, transfers_handled=True)
        reports.report_review(actor=self.office, report=report, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)
        self.assertEqual(report.state, ReportState.ACCEPTED)
        self.public_wordings()
        notice = reports.notice_publish(actor=self.office, inspection=self.inspection,
                                        title="整改通报", body="正文")
        # Problems 1 and 2 are fully closed; problem 3's published measure is open.
        self.assertEqual((notice.total, notice.done), (3, 2))
        self.assertEqual(notice.rate, 66.67)
        self.assertEqual(len(notice.items), 3)  # one per problem, by its public wording
        page = self.client.get(reverse("public:notice_detail", args=[notice.pk]))
        self.assertContains(page, "2/3 = 66.67%")
        self.assertContains(self.client.get(reverse("public:notice_list")), "整改通报")
        reports.follow_up_record(actor=self.office, inspection=self.inspection, kind="visit",
                                 held_on=D(2026, 9, 1), findings="制度未落实",
                                 reopen=[ledger[0]], reopen_note="反弹")
        ledger[0].refresh_from_db()
        self.assertEqual(ledger[0].status, MeasureStatus.RETURNED)
        record = reports.accountability_record(
           actor=self.receiver, inspection=self.inspection, data={
               "person_name": "王建国", "form": "form1", "action_taken": "诫勉谈话",
               "decided_on": D(2026, 9, 10)}, measures=[ledger[0]])
        self.assertEqual(list(record.measures.all()), [ledger[0]])
        with self.assertRefused(DomainError, code="precondition"):  # open measures remain
            reports.inspection_close(actor=self.office, inspection=self.inspection)


class PageTests(RectificationBase):
    def test_liaison_sees_its_own_rectification_only(self):
        self.login(self.liaison)
        url = reverse("rectification:overview", args=[self.inspection.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.other_liaison)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.liaison)
        self.assertEqual(self.client.get(reverse("findings:clue_list")).status_code, 403)

    def test_ledger_export_and_progress_import(self):
        measure = self.measure()
        self.login(self.liaison)
        data = self.client.get(reverse("rectification:ledger_export",
                                       args=[self.inspection.pk])).content
        sheet = load_workbook(io.BytesIO(data)).active
        self.assertEqual([c.value for c in sheet[1]][:3], ["编号", "问题", "整改措施"])
        sheet["H2"] = "已完成制度修订初稿"
        sheet.append(["M-999999", "", "", "", "", "", "", "进展", "否"])
        out = io.BytesIO()
        sheet.parent.save(out)
        url = reverse("rectification:ledger_import", args=[self.inspection.pk])
        response = self.client.post(url, {"step": "preview",
                                          "file": SimpleUploadedFile("l.xlsx", out.getvalue())})
        errors = response.context["preview"].errors
        self.assertEqual(len(errors), 1)
        self.assertIn("M-999999", errors[0].message)
        self.client.post(url, {"step": "commit"})
        self.assertFalse(measure.progress.filter(text="已完成制度修订初稿").exists())
        sheet.delete_rows(3)
        out = io.BytesIO()
        sheet.parent.save(out)
        response = self.client.post(url, {"step": "preview",
                                          "file": SimpleUploadedFile("l.xlsx", out.getvalue())})
        self.assertTrue(response.context["preview"].ok)
        self.client.post(url, {"step": "commit"})
        self.assertTrue(measure.progress.filter(text="已完成制度修订初稿").exists())

    def test_measure_pages(self):
        measure = self.measure()
        self.login(self.office)
        self.assertEqual(self.client.get(reverse("rectification:measure_detail",
                                                 args=[measure.pk])).status_code, 200)
        listing = self.client.get(reverse("rectification:measure_list"))
        self.assertIn(measure, list(listing.context["page"]))
        self.client.force_login(self.other_office)
        self.assertEqual(self.client.get(reverse("rectification:measure_detail",
                                                 args=[measure.pk])).status_code, 404)
