"""#18 item 6: every return and resubmission of a report keeps the earlier version, with who
and when, and the report's page shows the versions and what changed (escaped)."""

from django.urls import reverse

from xuncha.findings.models import ReportStatus
from xuncha.findings.reports import report_edit, report_review, report_start, report_submit
from xuncha.findings.selectors import report_history
from xuncha.findings.testing import on_site, signed_problem
from xuncha.lib.testing import WorldTestCase
from xuncha.lib.textdiff import line_diff


class ReportVersionTests(WorldTestCase):
    def setUp(self):
        super().setUp()
        self.inspection = on_site(self)
        self.problem = signed_problem(self, self.inspection)
        self.report = report_start(actor=self.team, inspection=self.inspection)
        report_edit(actor=self.team, report=self.report, summary="基本情况\n第二段",
                    conclusion="建议一", problems=[self.problem])
        report_submit(actor=self.team, report=self.report)
        report_review(actor=self.office, report=self.report, comment="补充第二段",
                      accept=False)

    def test_a_resubmission_without_edits_is_a_new_version_too(self):
        version = report_submit(actor=self.team, report=self.report)
        self.assertEqual(version.number, 2)
        self.assertEqual(self.report.versions.get(number=1).status, ReportStatus.RETURNED)
        self.assertEqual((version.status, version.submitted_by),
                         (ReportStatus.SUBMITTED, self.team))
        report_review(actor=self.office, report=self.report, comment="仍需修改", accept=False)
        third = report_edit(actor=self.team, report=self.report, summary="基本情况\n第二段已补充",
                            conclusion="建议一", problems=[self.problem])
        self.assertEqual(third.number, 3)
        self.assertEqual([v.status for v in self.report.versions.order_by("number")],
                         [ReportStatus.RETURNED, ReportStatus.RETURNED, ReportStatus.DRAFT])

    def test_the_page_shows_versions_who_when_and_the_change_escaped(self):
        report_edit(actor=self.team, report=self.report,
                    summary="基本情况\n第二段<script>alert(1)</script>补充",
                    conclusion="建议一", problems=[self.problem])
        history = report_history(self.report)
        self.assertEqual([e.version.number for e in history], [2, 1])
        self.assertEqual(history[0].previous, 1)
        self.assertEqual(len(history[0].diff), 1)  # the overview only
        self.login(self.team)
        page = self.client.get(reverse("findings:report_detail", args=[self.report.pk]))
        self.assertContains(page, 'data-version="1"')
        self.assertContains(page, 'data-version="2"')
        self.assertContains(page, "&lt;script&gt;")
        self.assertNotContains(page, "<script>alert(1)")
        self.assertContains(page, "<ins>")
        self.assertContains(page, "补充第二段")  # the office's reason for the return
        self.assertContains(page, str(self.office))  # who returned v1

    def test_line_diff_marks_inserted_and_deleted_characters(self):
        rows = line_diff("甲\n乙丙\n丁", "甲\n乙丁丙\n丁\n戊")
        ops = [r.op for r in rows]
        self.assertIn("replace", ops)
        self.assertIn("insert", ops)
        replaced = next(r for r in rows if r.op == "replace")
        self.assertEqual(replaced.segments, [("equal", "乙"), ("insert", "丁"), ("equal", "丙")])
        self.assertEqual(line_diff("同", "同"), [])
