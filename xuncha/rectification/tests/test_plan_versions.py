"""#18 item 6: every return and resubmission of a plan keeps the earlier version, with who
and when, and the overview shows the versions and what changed (escaped)."""

from django.urls import reverse

from xuncha.rectification import plans
from xuncha.rectification.models import PlanStatus
from xuncha.rectification.selectors import plan_history

from .base import RectificationBase


class PlanVersionTests(RectificationBase):
    def test_returned_and_resubmitted_versions_with_who_when_and_the_change(self):
        plans.plan_submit(actor=self.liaison, inspection=self.inspection,
                          text="一、立行立改\n二、集中整改")
        plan = self.inspection.rectification_plan
        plans.plan_decide(actor=self.office, plan=plan, approve=False, note="措施不具体")
        plans.plan_submit(actor=self.liaison, inspection=self.inspection,
                          text="一、立行立改\n二、集中整改<b>三月底前</b>完成")
        history = plan_history(plan)
        self.assertEqual([e.version.number for e in history], [2, 1])
        first = history[1].version
        self.assertEqual((first.decision, first.decided_by, first.submitted_by),
                         (PlanStatus.RETURNED, self.office, self.liaison))
        self.assertIsNotNone(first.decided_at)
        self.assertEqual(first.text, "一、立行立改\n二、集中整改")
        self.assertEqual(history[0].previous, 1)
        self.assertTrue(history[0].diff and history[0].diff[0].changed)
        self.login(self.office)
        page = self.client.get(reverse("rectification:overview", args=[self.inspection.pk]))
        self.assertContains(page, 'data-version="2"')
        self.assertContains(page, 'data-version="1"')
        self.assertContains(page, "<ins>&lt;b&gt;三月底前&lt;/b&gt;完成</ins>")
        self.assertNotContains(page, "<b>三月底前")
        self.assertContains(page, "措施不具体")
