"""The official-document layer (xuncha/lib/docx.py), the printed links and the sheet
names, read back from the files (the render test checks what LibreOffice makes of them)."""

import io
import zipfile

import docx
from django.core import checks
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from docx.shared import Mm
from lxml import etree
from openpyxl import load_workbook

from xuncha.inspections.testing import stationed_inspection
from xuncha.lib import docx as official
from xuncha.lib.links import public_url, public_url_problem
from xuncha.lib.tabular import sheet_title, write_xlsx_sheets
from xuncha.lib.testing import WorldTestCase

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _sample() -> bytes:
    doc = official.Doc()
    doc.title("关于巡察东湖区财政局党组的反馈意见")
    doc.addressee("中共东湖区财政局党组")
    doc.para("根据区委统一部署，区委第一巡察组对你单位党组织进行了巡察。")
    doc.heading("一、巡察发现的主要问题")
    doc.heading2("（一）落实党中央决策部署方面")
    doc.signature("东湖区委第一巡察组", "2026年12月4日")
    doc.copy_to(["区纪委监委", "区委组织部"])
    return doc.bytes()


def _fonts_of(paragraph) -> set[str]:
    return {r._element.rPr.rFonts.get(f"{W}eastAsia") for r in paragraph.runs}


class OfficialLayoutTests(SimpleTestCase):
    def setUp(self):
        self.data = _sample()
        self.document = docx.Document(io.BytesIO(self.data))

    def test_a4_with_the_gb9704_type_area_and_a_22_line_grid(self):
        section = self.document.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)),
                         (210, 297))
        self.assertAlmostEqual(section.top_margin.mm, 37, delta=0.1)
        self.assertAlmostEqual(section.left_margin.mm, 28, delta=0.1)
        self.assertAlmostEqual(section.page_width.mm - section.left_margin.mm
                               - section.right_margin.mm, 156, delta=0.1)
        self.assertAlmostEqual(section.page_height.mm - section.top_margin.mm
                               - section.bottom_margin.mm, 225, delta=0.1)
        grid = section._sectPr.find(f"{W}docGrid")
        self.assertEqual(grid.get(f"{W}type"), "lines")
        pitch_mm = int(grid.get(f"{W}linePitch")) / 20 / 72 * 25.4
        self.assertEqual(int(225 // pitch_mm), 22)

    def test_official_fonts_and_sizes(self):
        title, _blank, addressee, body, h1, h2 = self.document.paragraphs[:6]
        self.assertEqual(_fonts_of(title), {"方正小标宋简体"})
        self.assertEqual(title.runs[0].font.size.pt, 22)
        self.assertEqual(_fonts_of(addressee), {"仿宋_GB2312"})
        self.assertEqual(addressee.text, "中共东湖区财政局党组：")
        self.assertEqual(_fonts_of(body), {"仿宋_GB2312"})
        self.assertEqual(body.runs[0].font.size.pt, 16)
        self.assertAlmostEqual(body.paragraph_format.first_line_indent.pt, 31.5, delta=0.1)
        self.assertEqual(_fonts_of(h1), {"黑体"})
        self.assertEqual(_fonts_of(h2), {"楷体_GB2312"})
        # 28 characters on the 156 mm line.
        tracking = body.runs[0]._element.rPr.find(f"{W}spacing").get(f"{W}val")
        self.assertLessEqual(28 * (16 + int(tracking) / 20), Mm(156).pt)

    def test_signature_and_date_block(self):
        texts = [p.text for p in self.document.paragraphs]
        date = self.document.paragraphs[texts.index("2026年12月4日")]
        body = self.document.paragraphs[texts.index("东湖区委第一巡察组")]
        self.assertEqual(date.alignment, 2)  # right
        # 成文日期 four characters from the right; the body centred over it.
        self.assertAlmostEqual(date.paragraph_format.right_indent.pt, 4 * 15.75, delta=0.5)
        date_mid = date.paragraph_format.right_indent.pt + 6.5 * 15.75 / 2  # 2026 = 2
        body_mid = body.paragraph_format.right_indent.pt + 9 * 15.75 / 2
        self.assertAlmostEqual(date_mid, body_mid, delta=1)
        self.assertEqual(texts[-1], "抄送：区纪委监委，区委组织部。")

    def test_page_numbers_odd_right_even_left_with_em_dashes(self):
        section = self.document.sections[0]
        self.assertTrue(self.document.settings.odd_and_even_pages_header_footer)
        odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
        self.assertEqual(odd.alignment, 2)
        self.assertEqual(even.alignment, 0)
        for paragraph in (odd, even):
            self.assertEqual(paragraph.text, "— 1 —")
            xml = etree.tostring(paragraph._element, encoding="unicode")
            self.assertIn(">PAGE<", xml.replace(" PAGE ", "PAGE"))
            self.assertEqual(_fonts_of(paragraph), {"宋体"})
            self.assertEqual(paragraph.runs[0].font.size.pt, 14)

    def test_font_table_names_the_fallbacks(self):
        with zipfile.ZipFile(io.BytesIO(self.data)) as package:
            table = etree.fromstring(package.read("word/fontTable.xml"))
        alternatives = {f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
                        for f in table.iter(f"{W}font") if f.find(f"{W}altName") is not None}
        self.assertEqual(alternatives["仿宋_GB2312"], "FangSong")
        self.assertEqual(alternatives["楷体_GB2312"], "KaiTi")

    @override_settings(XUNCHA_DOCUMENT_FONT_FALLBACKS={"仿宋_GB2312": ["Noto Serif CJK SC"]})
    def test_fallbacks_are_configurable_and_make_a_fontconfig_file(self):
        conf = official.fontconfig_aliases()
        root = etree.fromstring(conf.split("\n", 2)[2].encode())
        aliases = {a.findtext("family"): [f.text for f in a.find("prefer")]
                   for a in root.iter("alias")}
        self.assertEqual(aliases["仿宋_GB2312"], ["Noto Serif CJK SC"])
        self.assertIn("AR PL UKai CN", aliases["楷体_GB2312"])
        self.assertEqual(root.findtext("include"), "/etc/fonts/fonts.conf")


class SheetTitleTests(SimpleTestCase):
    def test_excel_sheet_names(self):
        self.assertEqual(sheet_title("线索处置结果（四种形态）"), "线索处置结果（四种形态）")
        self.assertEqual(sheet_title("a/b:c*d?e[f]g\\h"), "a_b_c_d_e_f_g_h")
        self.assertEqual(len(sheet_title("很" * 40)), 31)
        self.assertEqual(sheet_title("'quoted'"), "quoted")
        taken: set[str] = set()
        self.assertEqual([sheet_title("概况", taken), sheet_title("概况", taken)],
                         ["概况", "概况(2)"])

    def test_a_workbook_with_awkward_names_opens(self):
        data = write_xlsx_sheets([("A/B", ["x"], [[1]]), ("A_B", ["x"], [[2]]),
                                  ("长" * 40, ["x"], [[3]])])
        names = load_workbook(io.BytesIO(data)).sheetnames
        self.assertEqual(names, ["A_B", "A_B(2)", "长" * 31])


class PublicUrlTests(SimpleTestCase):
    @override_settings(XUNCHA_PUBLIC_URL="https://xuncha.donghu.gov.cn")
    def test_printed_links_use_the_public_address(self):
        self.assertEqual(public_url("/p/vote/"), "https://xuncha.donghu.gov.cn/p/vote/")

    @override_settings(XUNCHA_PUBLIC_URL="", XUNCHA_BASE_URL="http://127.0.0.1:8000")
    def test_without_it_the_working_address(self):
        self.assertEqual(public_url("/p/vote/"), "http://127.0.0.1:8000/p/vote/")

    def test_problems(self):
        self.assertIsNone(public_url_problem("https://xuncha.donghu.gov.cn"))
        for value in ("", "xuncha.donghu.gov.cn", "http://127.0.0.1:8000",
                      "https://localhost", "https://x.gov.cn/?a=1"):
            self.assertIsNotNone(public_url_problem(value), value)

    def test_deploy_check_warns_when_unset(self):
        from xuncha.ops.checks import public_url_check

        with self.settings(XUNCHA_PUBLIC_URL=""):
            found = public_url_check(None)
        self.assertEqual([m.id for m in found], ["xuncha.W030"])
        self.assertIsInstance(found[0], checks.Warning)
        with self.settings(XUNCHA_PUBLIC_URL="https://xuncha.donghu.gov.cn"):
            self.assertEqual(public_url_check(None), [])


@override_settings(XUNCHA_PUBLIC_URL="https://xuncha.donghu.gov.cn")
class NoticeQrTests(WorldTestCase):
    def test_the_notice_prints_the_public_link_with_its_qr_code_beside_the_channel(self):
        inspection = stationed_inspection(self)
        self.login(self.office)
        response = self.client.get(reverse("inspections:notice_docx", args=[inspection.pk]))
        document = docx.Document(io.BytesIO(response.content))
        link = "https://xuncha.donghu.gov.cn" + reverse("public:report",
                                                         args=[inspection.public_code])
        # One table: the QR code in the left cell, the online channel and its link right.
        self.assertEqual(len(document.tables), 1)
        left, right = document.tables[0].rows[0].cells
        self.assertEqual(len(left._element.xpath(".//w:drawing")), 1)
        self.assertIn(f"网上举报：{link}", right.text)
        self.assertEqual(len(document.inline_shapes), 1)
        everything = self.client.get(reverse("inspections:notice_docx",
                                             args=[inspection.pk])).content
        self.assertNotIn(b"127.0.0.1", everything)
        self.assertNotIn(b"testserver", everything)
        # The QR code opens the same link.
        from xuncha.inspections.documents import qr_png

        image = document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
        self.assertEqual(document.part.related_parts[image].blob, qr_png(link))
