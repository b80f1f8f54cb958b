"""Documents carry the committee's local date, not the UTC one."""

import datetime
import io

import docx

from xuncha.findings.documents import report_docx
from xuncha.findings.models import ReportVersion
from xuncha.findings.testing import approved_report, on_site, signed_problem
from xuncha.lib.testing import WorldTestCase


class ReportDateTests(WorldTestCase):
    def test_a_report_approved_at_two_in_the_morning_beijing_time_is_signed_that_day(self):
        inspection = on_site(self)
        report = approved_report(self, inspection, [signed_problem(self, inspection)])
        version = report.versions.order_by("-number").first()
        assert isinstance(version, ReportVersion)
        # 2026-12-03 18:11 UTC is 2026-12-04 02:11 in Beijing.
        version.approved_at = datetime.datetime(2026, 12, 3, 18, 11, tzinfo=datetime.UTC)
        version.save(update_fields=["approved_at"])
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(report_docx(version)))
                         .paragraphs)
        self.assertIn("2026年12月4日", text)
        self.assertNotIn("2026年12月3日", text)
