"""The rules of ``rectification/access.py``: each to-do query agrees with its predicate, and
each step's predicate (the page's flag) agrees with the service that takes the step."""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from xuncha.accounts.roles import Role
from xuncha.findings.testing import fed_back, signed_problem
from xuncha.inspections.models import Inspection
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.errors import DomainError
from xuncha.lib.testing import make_user
from xuncha.rectification import access, disclosure, measures, plans, reports
from xuncha.rectification.models import (
    Measure,
    MeasureEvidence,
    MeasureStatus,
    Plan,
    PublicWording,
    RectificationReport,
)

from .base import RectificationBase

D = datetime.date

#: (predicate, its query form, the model, the predicate's keyword for the object)
QUERY_FORMS = (
    (access.can_review_plan, access.plans_awaiting_review, Plan, "plan"),
    (access.can_decide_plan, access.plans_awaiting_decision, Plan, "plan"),
    (access.can_resubmit_plan, access.plans_awaiting_resubmission, Plan, "plan"),
    (access.awaits_evidence, access.measures_awaiting_evidence, Measure, "measure"),
    (access.awaits_rework, access.measures_awaiting_rework, Measure, "measure"),
    (access.can_close_measure, access.measures_awaiting_verification, Measure, "measure"),
    (access.can_review_report, access.reports_awaiting_acceptance, RectificationReport,
     "report"),
    (access.awaits_notice, access.inspections_awaiting_notice, Inspection, "inspection"),
    (access.awaits_follow_up, access.inspections_awaiting_follow_up, Inspection, "inspection"),
    (access.awaits_first_plan, access.inspections_awaiting_plan, Inspection, "inspection"),
    (access.can_submit_report, access.inspections_awaiting_report, Inspection, "inspection"),
    (access.can_close_inspection, access.inspections_awaiting_closing, Inspection,
     "inspection"),
    (access.can_approve_public_wording, access.wordings_awaiting_approval, PublicWording,
     "wording"),
)


class QueryFormTests(RectificationBase):
    """``can_x(user=u, thing=o) == query(user=u).filter(pk=o.pk).exists()`` for every persona
    and object, at each stage of the loop; every rule must hold for someone at some stage."""

    def setUp(self):
        super().setUp()
        # A second unit of county A in rectification, with its own liaison.
        self.health_liaison = make_user("health_liaison", Role.LIAISON, self.county,
                                        unit=self.unit_health)
        self.second = stationed_inspection(self, unit=self.unit_health,
                                           team=self.inspection.team)
        problem = signed_problem(self, self.second, "问题A")
        fed_back(self, self.second, [problem])
        self.second.refresh_from_db()
        measures.measure_add(actor=self.health_liaison, inspection=self.second, problem=problem,
                             data={"text": "建章立制", "responsible_leader": "局长",
                                   "responsible_department": "办公室",
                                   "deadline": D(2026, 7, 31)})
        self.mismatches: list[str] = []
        self.held: set[str] = set()

    def check(self, stage: str) -> None:
        personas = [getattr(self, p) for p in self.PERSONAS] + [self.health_liaison]
        for predicate, query, model, keyword in QUERY_FORMS:
            for obj in model.objects.all():
                for user in personas:
                    said = predicate(user=user, **{keyword: obj})
                    listed = query(user=user).filter(pk=obj.pk).exists()
                    if said != listed:
                        self.mismatches.append(f"{stage}: {predicate.__name__} of {user} on "
                                               f"{obj}: predicate {said}, query {listed}")
                    if said:
                        self.held.add(predicate.__name__)

    def test_query_forms_agree_with_their_predicates(self):
        m1, m2 = self.measure(problem=self.problems[0]), self.measure(problem=self.problems[1])
        self.check("measures without evidence")

        plan = plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案").plan
        plans.plan_review(actor=self.office, plan=plan, complete=True, feasible=True)
        self.check("plan under review, the office has reviewed")

        self.evidence(m1)
        measures.measure_mark_done(actor=self.liaison, measure=m1)
        # Marked done by an office member (separation of duties: not theirs to close).
        MeasureEvidence.objects.create(measure=m2, file=ContentFile(b"p", name="p.pdf"),
                                       name="p.pdf", size=1, uploaded_by=self.liaison)
        Measure.objects.filter(pk=m2.pk).update(status=MeasureStatus.DONE, done_by=self.office)
        self.check("measures awaiting verification")

        plans.plan_decide(actor=self.office, plan=plan, approve=False, note="补充措施")
        self.check("plan returned")

        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="第二稿")
        self.approved_plan(submitted=True)
        measures.measure_return(actor=self.receiver, measure=m1, note="佐证不足")
        self.check("plan approved, a measure returned")

        report = reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                       text="整改报告", principal_text="组织情况")
        self.check("report under review")

        reports.report_review(actor=self.office, report=report, accept=True, grade="good",
                              main_problems_solved=True, transfers_handled=True)
        self.check("report accepted")

        wording = disclosure.wording_write(actor=self.liaison, problem=self.problems[0],
                                           text="公开表述")
        office_wording = disclosure.wording_write(actor=self.office, problem=self.problems[1],
                                                  text="办公室写的公开表述")
        self.check("public wordings awaiting approval (one written by the office)")
        disclosure.wording_approve(actor=self.office, wording=wording)
        disclosure.wording_approve(actor=self.office2, wording=office_wording)
        disclosure.wording_approve(
            actor=self.office, wording=disclosure.wording_write(
                actor=self.liaison, problem=self.problems[2], text="公开表述三"))
        reports.notice_publish(actor=self.office, inspection=self.inspection, title="整改通报",
                               body="正文")
        reports.follow_up_record(actor=self.receiver_org, inspection=self.inspection,
                                 kind="visit", held_on=timezone.localdate(), findings="整改到位")
        self.check("notice published, followed up (measures still open: not closable)")

        Measure.objects.filter(inspection=self.inspection).update(status=MeasureStatus.CLOSED)
        self.check("every measure closed: the office may close the inspection")

        self.assertEqual(self.mismatches, [])
        self.assertEqual(sorted({p.__name__ for p, *_rest in QUERY_FORMS} - self.held), [],
                         "rules that held for nobody at any stage (the check proves nothing)")


class _Undo(Exception):
    pass


class StepRuleTests(RectificationBase):
    """Whom a page offers a step (``can_<step>``) is whom the step's service lets take it."""

    def agree(self, rule: Callable[..., bool], fetch: Callable[[], Any],
              step: Callable[[Any, Any], object], keyword: str) -> None:
        """``rule`` against ``step`` (tried and rolled back) for every persona, each time on
        a fresh copy of the object."""
        differ, allowed = [], []
        for persona in self.PERSONAS:
            user = getattr(self, persona)
            said = rule(user=user, **{keyword: fetch()})
            try:
                with transaction.atomic():
                    step(user, fetch())
                    raise _Undo
            except _Undo:
                done = True
            except DomainError:
                done = False
            if said != done:
                differ.append(f"{persona}: rule {said}, service {done}")
            if done:
                allowed.append(persona)
        self.assertEqual(differ, [], rule.__name__)
        self.assertNotEqual(allowed, [], f"{rule.__name__}: nobody may (proves nothing)")

    def inspection_now(self) -> Inspection:
        return Inspection.objects.get(pk=self.inspection.pk)

    def test_plan_and_ledger_steps(self):
        self.agree(access.can_submit_plan, self.inspection_now,
                   lambda u, i: plans.plan_submit(actor=u, inspection=i, text="方案"),
                   "inspection")
        plan_pk = plans.plan_submit(actor=self.liaison, inspection=self.inspection,
                                    text="方案").plan_id
        plans.plan_review(actor=self.office, plan=Plan.objects.get(pk=plan_pk), complete=True,
                          feasible=True)

        def plan() -> Plan:
            return Plan.objects.get(pk=plan_pk)

        self.agree(access.can_review_plan, plan, lambda u, p: plans.plan_review(
            actor=u, plan=p, complete=True, feasible=True), "plan")
        self.agree(access.can_decide_plan, plan, lambda u, p: plans.plan_decide(
            actor=u, plan=p, approve=False, note="补充措施"), "plan")

        open_pk, done_pk = self.measure().pk, self.measure(problem=self.problems[1]).pk
        self.evidence(Measure.objects.get(pk=done_pk))
        measures.measure_mark_done(actor=self.liaison, measure=Measure.objects.get(pk=done_pk))

        def open_measure() -> Measure:
            return Measure.objects.get(pk=open_pk)

        def done_measure() -> Measure:
            return Measure.objects.get(pk=done_pk)

        self.agree(access.can_edit_measure, open_measure, lambda u, m: measures.measure_update(
            actor=u, measure=m, data={"goal": "新目标"}), "measure")
        self.agree(access.can_report_progress, done_measure,
                   lambda u, m: measures.measure_progress(actor=u, measure=m, text="进展"),
                   "measure")
        self.agree(access.can_close_measure, done_measure,
                   lambda u, m: measures.measure_close(actor=u, measure=m, note="核查属实"),
                   "measure")
        self.agree(access.can_return_measure, done_measure,
                   lambda u, m: measures.measure_return(actor=u, measure=m, note="佐证不足"),
                   "measure")
        self.agree(access.can_choose_published, open_measure,
                   lambda u, m: measures.measure_set_publish(actor=u, measure=m, publish=False),
                   "measure")

    def test_report_notice_follow_up_and_closing_steps(self):
        self.approved_plan()
        self.agree(access.can_submit_report, self.inspection_now,
                   lambda u, i: reports.report_submit(actor=u, inspection=i, text="整改报告",
                                                      principal_text="组织情况"),
                   "inspection")
        report_pk = reports.report_submit(actor=self.liaison, inspection=self.inspection,
                                          text="整改报告", principal_text="组织情况").pk
        self.agree(access.can_review_report,
                   lambda: RectificationReport.objects.get(pk=report_pk),
                   lambda u, r: reports.report_review(
                       actor=u, report=r, accept=False, main_problems_solved=False,
                       transfers_handled=True, note="补课"), "report")
        reports.report_review(actor=self.office, report=RectificationReport.objects.get(
            pk=report_pk), accept=True, grade="good", main_problems_solved=True,
            transfers_handled=True)
        self.public_wordings()
        self.agree(access.can_publish_notice, self.inspection_now,
                   lambda u, i: reports.notice_publish(actor=u, inspection=i, title="整改通报",
                                                       body="正文"), "inspection")
        self.agree(access.can_record_follow_up, self.inspection_now,
                   lambda u, i: reports.follow_up_record(
                       actor=u, inspection=i, kind="visit", held_on=timezone.localdate(),
                       findings="整改到位"), "inspection")
        self.agree(access.can_record_accountability, self.inspection_now,
                   lambda u, i: reports.accountability_record(actor=u, inspection=i, data={
                       "person_name": "王建国", "form": "form1", "action_taken": "诫勉谈话",
                       "decided_on": D(2026, 9, 10)}), "inspection")
        reports.follow_up_record(actor=self.office, inspection=self.inspection_now(),
                                 kind="visit", held_on=timezone.localdate(), findings="整改到位")
        self.agree(access.can_close_inspection, self.inspection_now,
                   lambda u, i: reports.inspection_close(actor=u, inspection=i), "inspection")
