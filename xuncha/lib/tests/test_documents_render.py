"""The demo's documents, rendered by LibreOffice, are official documents (GB/T 9704-2012):
A4, the type area 156 × 225 mm at 37 mm from the top and 28 mm from the left, 22 lines a
page, every paragraph's text on the page, page numbers "— 1 —" right on odd pages and left
on even ones, and the expected number of pages. The first page of each goes to
``artifacts/documents/`` as a PNG.

It converts the documents the pages serve (the office's downloads), in one LibreOffice run
with a private profile and the fontconfig aliases of xuncha/lib/docx.py; it skips (saying
why) where LibreOffice or poppler is not installed; ``.ci/run`` installs both.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import docx
from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.lib import docx as official

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "documents"
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, TOP = 28 * MM, 37 * MM
RIGHT, BOTTOM = LEFT + 156 * MM, TOP + 225 * MM
PITCH = 225 * MM / 22
TOOLS = ("soffice", "pdftotext", "pdftoppm")
MISSING = [t for t in TOOLS if not shutil.which(t)]

#: Pages each demo document takes (the demo data is fixed; a change in the layout, the
#: fonts or the grid shows here first).
EXPECTED_PAGES = {
    "notice": 2,  # the QR code and the signature go over: the demo's scope text is long
    "report": 3,  # two pages of report, the 问题底稿清单 attachment on its own page
    "feedback": 2,
    "rectification_notice": 1,  # one row per problem, by its public wording (#18 item 8)
    "ballot": 2,  # 23 objects in two groups
    "slips": 2,  # six codes, five to a page
    "results": 3,
    "period_report": 3,
}


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


class _Bbox(HTMLParser):
    """Words of ``pdftotext -bbox`` output, with their page number."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[Word] = []
        self.pages: list[tuple[float, float]] = []
        self._word: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag == "page":
            self.pages.append((float(values["width"]), float(values["height"])))
        elif tag == "word":
            self._word = values

    def handle_data(self, data):
        if self._word is not None:
            w = self._word
            self.words.append(Word(len(self.pages), float(w["xmin"]), float(w["ymin"]),
                                   float(w["xmax"]), float(w["ymax"]), data.strip()))

    def handle_endtag(self, tag):
        if tag == "word":
            self._word = None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_texts(data: bytes) -> tuple[list[str], list[str]]:
    """Every paragraph's text: in the body, and in table cells."""
    document = docx.Document(io.BytesIO(data))
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs]
    return ([t for t in (_squash(p.text) for p in document.paragraphs) if t],
            [t for t in (_squash(c) for c in cells) if t])


@unittest.skipIf(MISSING, f"not installed: {', '.join(MISSING)} (.ci/run installs "
                          "libreoffice-writer-nogui and poppler-utils)")
@override_settings(XUNCHA_PUBLIC_URL="https://xuncha.donghu.gov.cn")
class DemoDocumentsRenderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from xuncha.ops.demo import seed_demo

        seed_demo()

    def _get(self, name: str, url: str, **kwargs) -> bytes:
        response = (self.client.post(url, kwargs) if kwargs else self.client.get(url))
        self.assertEqual(response.status_code, 200, f"{name}: {url}")
        self.assertIn("wordprocessingml", response["Content-Type"], name)
        return response.content

    def _evaluation(self, office: User):
        """A 述职评议 session from the seed template, two ballots cast, closed."""
        from xuncha.evaluations import ballots, sessions

        evaluation = sessions.evaluation_from_seed_template(
            actor=office, meeting_date=datetime.date(2026, 12, 28),
            closes_at=timezone.now() + datetime.timedelta(hours=3))
        sessions.evaluation_open(actor=office, evaluation=evaluation)
        kind = evaluation.ballot_types.order_by("pk").first()
        assert kind is not None
        codes = ballots.codes_generate(actor=office, evaluation=evaluation, ballot_type=kind,
                                       count=2)
        grade = evaluation.grades.order_by("-score").last()
        assert grade is not None
        objects = [o.pk for g in evaluation.groups.prefetch_related("members")
                   for o in g.members.all()]
        for code in codes:
            ballots.vote_cast(code=code, marks=dict.fromkeys(objects, grade.code))
        return evaluation, kind

    def _documents(self) -> dict[str, bytes]:
        from xuncha.findings.models import Feedback, ReportStatus, ReportVersion
        from xuncha.inspections.models import Inspection
        from xuncha.rectification.models import PublicNotice

        office = User.objects.get(username="dh_office")
        self.client.force_login(office)
        on_site = Inspection.objects.filter(status="on_site", channels__isnull=False).order_by(
            "pk").first()
        assert on_site is not None
        version = ReportVersion.objects.filter(status=ReportStatus.APPROVED).get()
        feedback = Feedback.objects.get()
        notice = PublicNotice.objects.get()
        found = {
            "notice": self._get("notice", reverse("inspections:notice_docx",
                                                  args=[on_site.pk])),
            "report": self._get("report", reverse("findings:report_docx", args=[
                version.report_id, version.number])),
            "feedback": self._get("feedback", reverse("findings:feedback_docx",
                                                      args=[feedback.pk])),
            "rectification_notice": self._get("rectification notice", reverse(
                "public:notice_docx", args=[notice.pk])),
            "period_report": self._get("period report", reverse("stats:export_docx")),
        }
        evaluation, kind = self._evaluation(office)
        found["ballot"] = self._get("ballot", reverse("evaluations:ballot_docx",
                                                      args=[evaluation.pk, kind.code]))
        found["slips"] = self._get("slips", reverse("evaluations:codes_generate",
                                                    args=[evaluation.pk]),
                                   type=kind.pk, count=6)
        from xuncha.evaluations import sessions

        sessions.evaluation_close(actor=office, evaluation=evaluation)
        found["results"] = self._get("results", reverse(
            "evaluations:results", args=[evaluation.pk]) + "?format=docx")
        return found

    def _render(self, tmp: Path, documents: dict[str, bytes]) -> None:
        fonts = tmp / "fonts.conf"
        fonts.write_text(official.fontconfig_aliases(), encoding="utf-8")
        paths = []
        for name, data in documents.items():
            path = tmp / f"{name}.docx"
            path.write_bytes(data)
            paths.append(str(path))
        env = {"HOME": str(tmp), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "FONTCONFIG_FILE": str(fonts), "LANG": "C.UTF-8"}
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(tmp), *paths],
                       check=True, capture_output=True, timeout=180, env=env)

    def test_the_demo_documents_render_as_official_documents(self):
        documents = self._documents()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="xuncha-render-") as name:
            tmp = Path(name)
            self._render(tmp, documents)
            pages_seen = {}
            for doc_name, data in documents.items():
                with self.subTest(document=doc_name):
                    pdf = tmp / f"{doc_name}.pdf"
                    self.assertTrue(pdf.exists(), f"{doc_name}: LibreOffice wrote no PDF")
                    pages_seen[doc_name] = self._check(doc_name, data, pdf)
                    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                                    "-singlefile", str(pdf), str(ARTIFACTS / doc_name)],
                                   check=True, capture_output=True, timeout=60)
                    self.assertTrue((ARTIFACTS / f"{doc_name}.png").exists())
                    shutil.copyfile(pdf, ARTIFACTS / f"{doc_name}.pdf")
            self.assertEqual(pages_seen, EXPECTED_PAGES)

    def _check(self, name: str, data: bytes, pdf: Path) -> int:
        html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                              capture_output=True, timeout=60, text=True).stdout
        parsed = _Bbox()
        parsed.feed(html)
        # A4, every page.
        for width, height in parsed.pages:
            self.assertAlmostEqual(width, PAGE_W, delta=1, msg=name)
            self.assertAlmostEqual(height, PAGE_H, delta=1, msg=name)
        body = [w for w in parsed.words if w.y1 <= BOTTOM + 2]
        footer = [w for w in parsed.words if w.y0 > BOTTOM + 2]
        # The type area: nothing outside 156 × 225 mm at 37 mm / 28 mm (1 pt of glyph slack).
        for w in body:
            self.assertGreaterEqual(w.x0, LEFT - 1, f"{name} p{w.page}: {w.text!r} left")
            self.assertLessEqual(w.x1, RIGHT + 1, f"{name} p{w.page}: {w.text!r} right")
            self.assertGreaterEqual(w.y0, TOP - 1, f"{name} p{w.page}: {w.text!r} top")
        # …and the text reaches its left edge (主送机关, the 附件 label, table cells start
        # there) and, on a page of running text, its right edge.
        self.assertLess(min(w.x0 for w in body), LEFT + 16, name)
        # 22 lines a page: the lines of 3号 text sit on the grid, 225 mm / 22 apart, and no
        # page holds more than 22 of them.
        for page in range(1, len(parsed.pages) + 1):
            on_page = [w for w in body if w.page == page]
            lines = sorted({round(w.y1, 1) for w in on_page if 19 < w.y1 - w.y0 < 23})
            others = [w.y1 for w in on_page if not 19 < w.y1 - w.y0 < 23]
            self.assertLessEqual(len(lines), 22, f"{name} p{page}")
            for upper, lower in zip(lines, lines[1:], strict=False):
                if any(upper < y < lower for y in others):
                    continue  # a table or a title between: its rows have their own heights
                steps = (lower - upper) / PITCH
                self.assertAlmostEqual(steps, round(steps), delta=0.05,
                                       msg=f"{name} p{page}: a line off the grid at {lower}")
        # Page numbers: "— n —" under the type area, odd pages right, even pages left.
        for page in range(1, len(parsed.pages) + 1):
            marks = [w for w in footer if w.page == page]
            self.assertEqual(_squash("".join(w.text for w in marks)), f"—{page}—",
                             f"{name}: page number on page {page}")
            x0, x1 = min(w.x0 for w in marks), max(w.x1 for w in marks)
            if page % 2:
                self.assertAlmostEqual(x1, RIGHT - 14, delta=4, msg=f"{name} p{page}")
            else:
                self.assertAlmostEqual(x0, LEFT + 14, delta=4, msg=f"{name} p{page}")
            self.assertAlmostEqual(min(w.y0 for w in marks) - BOTTOM, 7 * MM, delta=3 * MM,
                                   msg=f"{name} p{page}: the rule is 7 mm under the area")
        # Every paragraph's text survived.
        text = _squash("".join(w.text for w in body))
        paragraphs, cells = _docx_texts(data)
        # A table cell's lines interleave with its neighbours' in the PDF: its characters
        # must all be there.
        missing = Counter("".join(cells)) - Counter(text)
        self.assertFalse(missing, f"{name}: table text missing from the PDF")
        # No English and no internal code (status codes, ``form2`` …): Latin words are
        # only the printed links and the voting codes themselves.
        for paragraph in paragraphs + cells:
            rest = re.sub(r"评议码：[0-9A-Z]+", "", re.sub(r"https?://\S+?(?=[\s，。]|输入|$)", "",
                                                      paragraph))
            self.assertFalse(re.findall(r"[A-Za-z]{2,}", rest), f"{name}: {paragraph!r}")
        for paragraph in paragraphs:
            if paragraph not in text:
                kept = next(n for n in range(len(paragraph), -1, -1)
                            if paragraph[:n] in text)
                self.fail(f"{name}: a paragraph lost its text after {paragraph[:kept]!r}: "
                          f"{paragraph[kept:kept + 20]!r}")
        return len(parsed.pages)
