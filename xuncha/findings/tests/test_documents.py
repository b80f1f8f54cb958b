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


class SignedTheLocalDayTests(WorldTestCase):
    """#17: approved at 02:11 Beijing time on 12-04 (18:11 UTC on 12-03), the report is
    signed 12-04 in the frozen .docx the page serves and on the report's page."""

    def test_the_frozen_report_and_its_page_carry_the_beijing_day(self):
        from unittest import mock

        from django.urls import reverse
        from django.utils import timezone

        inspection = on_site(self)
        moment = datetime.datetime(2026, 12, 3, 18, 11, tzinfo=datetime.UTC)
        with mock.patch.object(timezone, "now", return_value=moment):
            report = approved_report(self, inspection, [signed_problem(self, inspection)])
        version = report.versions.order_by("-number").first()
        assert isinstance(version, ReportVersion)
        self.assertEqual(version.approved_at, moment)
        self.login(self.office)
        download = self.client.get(reverse("findings:report_docx",
                                           args=[report.pk, version.number]))
        self.assertEqual(download.status_code, 200)
        paragraphs = [p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs]
        self.assertIn("2026年12月4日", paragraphs)
        self.assertNotIn("2026年12月3日", "\n".join(paragraphs))
        page = self.client.get(reverse("findings:report_detail", args=[report.pk]))
        self.assertContains(page, "2026-12-04 02:11")
        self.assertNotContains(page, "2026-12-03")
