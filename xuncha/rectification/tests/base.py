"""The shared setting of the rectification tests: county A's education bureau, fed back on
2026-05-08 with three problems (and one signed problem left out of the feedback)."""

import datetime

from django.core.files.base import ContentFile

from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.lib.testing import WorldTestCase
from xuncha.rectification import disclosure, measures, plans

D = datetime.date


class RectificationBase(WorldTestCase):
    def setUp(self):
        self.inspection = on_site(self)
        self.problems = [signed_problem(self, self.inspection, f"问题{i}") for i in range(3)]
        self.unreported = signed_problem(self, self.inspection, "未反馈的问题")
        _report, self.feedback = fed_back(self, self.inspection, self.problems, on=D(2026, 5, 8))
        self.inspection.refresh_from_db()

    def approved_plan(self, *, submitted=False):
        if not submitted:
            plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        plan = self.inspection.rectification_plan
        for reviewer in (self.office, self.receiver, self.receiver_org):
            plans.plan_review(actor=reviewer, plan=plan, complete=True, feasible=True)
        return plans.plan_decide(actor=self.office, plan=plan, approve=True)

    def measure(self, problem=None, deadline=None, **extra):
        deadline = deadline or D(2026, 7, 31)
        return measures.measure_add(actor=self.liaison, inspection=self.inspection,
                                    problem=problem or self.problems[0], data={
                                        "text": "修订制度", "responsible_leader": "张副局长",
                                        "responsible_department": "办公室",
                                        "deadline": deadline,
                                        "handler_email": "handler@example.org",
                                        "leader_email": "leader@example.org"} | extra)

    def evidence(self, measure):
        return measures.measure_evidence_add(actor=self.liaison, measure=measure,
                                             upload=ContentFile(b"proof", name="proof.pdf"))

    def public_wordings(self):
        """Every problem fed back named in public (written by the liaison, approved by the
        office), as a notice needs."""
        for n, problem in enumerate(self.problems, start=1):
            wording = disclosure.wording_write(actor=self.liaison, problem=problem,
                                               text=f"公开表述{n}")
            disclosure.wording_approve(actor=self.office, wording=wording)
