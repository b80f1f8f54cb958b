"""Property-based fuzzing (hypothesis) of what takes text and files from outside:

a. the announcement extractor: any text (CJK, full-width digits, converter pinyin, date
   fragments, pipes, very long lines, mutated corpus texts) gives the documented record
   (docs/announcements.md, ``FIELDS``) with the documented value types, and never raises;
b. the table imports (units and cadres, petitions batch entry) as the office: random bytes,
   corrupt workbooks and well-formed CSV/XLSX tables with hostile cells (formulas, NUL
   bytes, very long strings, GBK/UTF-8/BOM/mixed encodings) never give a 5xx, a preview
   writes nothing, and a commit writes every row of a clean preview or nothing at all;
c. the public report (``POST /api/v1/public/reports`` and the page behind the QR code) and
   the receipt look-ups: random bodies never give a 5xx; a 201 (the page: a receipt shown)
   is exactly one new stored petition, anything else stores nothing.

The flood guard is switched off with settings (as the benchmark does) except in the test
that fuzzes the proof of work itself. Any 500 fails the property with the traceback behind
it. The application bugs the properties once found are fixed; ``FoundBugTests`` keeps each
one's exact input as a regression test.
"""

import base64
import csv
import datetime
import io
import json
import logging
import os
import re
import shutil
import tempfile
import traceback
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra.django import TestCase as HypothesisTestCase

from xuncha.announcements.extract import FIELDS, empty, extract, extract_with_spans
from xuncha.audit.models import Event
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib import ratelimit
from xuncha.lib.errors import DomainError
from xuncha.lib.testing import RefusalAssertions, World
from xuncha.organizations.models import Cadre, Unit
from xuncha.petitions import pow as proof
from xuncha.petitions.models import (
    Petition,
    PetitionAttachment,
    PetitionMessage,
    PetitionSubject,
)
from xuncha.petitions.receipts import receipt_hash
from xuncha.petitions.tests.base import LAND, NOW, OTHER, TEXT, jpeg_with_gps

CORPUS = Path(__file__).resolve().parents[2] / "announcements" / "tests" / "corpus"
CORPUS_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def explain(text: str) -> None:
    """``hypothesis.note`` (printed with a failing example) that also works outside @given."""
    try:
        note(text)
    except InvalidArgument:
        pass


def fuzz(examples: int):
    """Hypothesis settings for this file (bounded: the whole file stays under a minute)."""
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


# --- server errors ------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.errors: list[BaseException] = []

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


@contextmanager
def server_errors():
    """The exceptions behind the 500s answered meanwhile (logged by Django and by the API's
    catch-all handler), kept out of the test output."""
    logger = logging.getLogger("django.request")
    handler, propagate = _Collect(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.errors
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# --- building blocks ------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
RARE_CJK = st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF)  # outside the BMP
FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
TONE_MARKS = "āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüńňǹ"
PINYIN_LETTER = st.sampled_from(TONE_MARKS + "abcdefghijklmnopqrstuvwxyz")
PUNCTUATION = st.sampled_from(list("|\n\t（）()【】[]〔〕《》“”\"'：:，,。.、；;—-–~～/\\@#＃·…　 ")
                              + ["\r", "\u200b", "\ufeff", "\u202e", "\x00", "\x0b",
                                 "\u2028", "\u3000", "\xa0"])
DIGIT = st.characters(min_codepoint=0x30, max_codepoint=0x39)
ANY_CHAR = st.characters(codec="utf-8")
CHAR = st.one_of(CJK, CJK, FULL_WIDTH, PINYIN_LETTER, PUNCTUATION, DIGIT, ANY_CHAR, RARE_CJK)
rich_text = st.text(CHAR, max_size=120)

CN_NUMERALS = "〇零一二三四五六七八九十"
FRAGMENTS = [
    "巡察", "巡视", "巡察组", "巡視組", "省委第四巡视组", "区委第三巡察组", "中共", "十四届", "第十二轮",
    "动员会", "動員會", "工作动员会召开", "进驻", "公告", "反馈会", "集中反馈", "组长", "副组长", "主持",
    "讲话", "同志们：", "专项巡察", "一托二", "回头看", "值班电话：", "举报电话", "联系电话：", "手机：",
    "短信", "（可接听电话、接收短信）", "邮政信箱：", "号邮政信箱", "邮编：", "电子邮箱：", "swxsz4@hy.gov.cn",
    "a@b", "@@", "意见箱", "举报箱", "设置在", "网上举报", "http://", "www.12388.gov.cn", "受理信访",
    "受理信访截止时间为", "截至", "期间", "巡察时间", "个工作日", "自本公告发布之日起", "至", "—", "～",
    "主要受理反映", "领导班子及其成员", "问题的来信来电来访", "对不属于巡察受理范围的信访问题",
    "移交", "有关部门处理", "相关新闻", "版权所有", "主办单位：", "责任编辑：", "当前位置：首页 > 正文",
    "发布时间：2023-04-12", "来源：", "0733-2218866", "15607332288", "（每天8:00至20:00）",
    "每天上午8:30—12:00", "会(huì)议", "巡(xún)察(chá)", "縣（xiàn）委", "電話(0731)",
    "２０２６年１２月３１日", "二〇二三年四月十一日", "4月11日", "6月15日", "12月31日", "1月1日",
    "2023年4月11日至6月20日", "2026-02-30", "2026.13.01", "9999年99月99日", "0年0月0日",
    "同时对", "开展巡视", "桐江市", "溪口县", "白沙县", "东湖区教育局", "|", "||", "\n", "\n\n", "\r\n", "巡察\udfff组",
]


@st.composite
def date_fragment(draw) -> str:
    year = draw(st.one_of(st.integers(1900, 2100), st.integers(-5, 100_000)))
    month = draw(st.integers(-1, 14))
    day = draw(st.integers(-1, 40))
    style = draw(st.sampled_from(["ymd", "md", "iso", "dots", "cn", "fullwidth", "range"]))
    if style == "ymd":
        return f"{year}年{month}月{day}日"
    if style == "md":
        return f"{month}月{day}日"
    if style == "iso":
        return f"{year}-{month:02d}-{day:02d}"
    if style == "dots":
        return f"{year}.{month}.{day}"
    if style == "cn":
        return "".join(draw(st.lists(st.sampled_from(CN_NUMERALS), min_size=1, max_size=4))) + \
            draw(st.sampled_from(["年", "月", "日", "月份", "年度"]))
    if style == "fullwidth":
        return f"{year}年{month}月{day}日".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"})
    return f"{month}月{day}日至{draw(st.integers(-1, 14))}月{draw(st.integers(-1, 40))}日"


pinyin_annotated = st.builds(lambda ch, py, wide: f"{ch}（{py}）" if wide else f"{ch}({py})",
                             CJK, st.text(PINYIN_LETTER, min_size=0, max_size=6), st.booleans())
phone_fragment = st.builds(lambda area, number, sep: f"{area}{sep}{number}",
                           st.text(DIGIT, min_size=0, max_size=5),
                           st.text(st.one_of(DIGIT, FULL_WIDTH), min_size=0, max_size=14),
                           st.sampled_from(["-", "—", "－", "", " ", "（", ")"]))
fragment = st.one_of(st.sampled_from(FRAGMENTS), rich_text, date_fragment(), pinyin_annotated,
                     phone_fragment)
announcement_text = st.lists(fragment, max_size=60).map("".join)


@st.composite
def long_line(draw) -> str:
    """One very long line (past the extractor's 120,000-character window at times)."""
    piece = draw(st.one_of(st.sampled_from(FRAGMENTS), pinyin_annotated, date_fragment()))
    head = draw(announcement_text)
    repeat = draw(st.integers(1, 200_000 // max(len(piece), 1)))
    return head + piece * repeat + draw(announcement_text)


@st.composite
def mutated_corpus(draw) -> str:
    """A corpus text cut, spliced with fragments, with slices deleted or repeated."""
    text = draw(st.sampled_from(CORPUS_TEXTS))
    for _i in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "cut", "repeat", "pipes", "join"]))
        at = draw(st.integers(0, len(text)))
        size = draw(st.integers(0, 200))
        if op == "insert":
            text = text[:at] + draw(fragment) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + size:]
        elif op == "cut":
            text = text[:at]
        elif op == "repeat":
            text = text[:at + size] + text[at:at + size] * draw(st.integers(1, 30)) + text[at + size:]
        elif op == "pipes":
            text = text.replace("\n", draw(st.sampled_from(["|", " | ", "\t", "\n\n", "\r\n", ""])))
        else:
            text = text + draw(st.sampled_from(CORPUS_TEXTS))
    return text


# --- a. the announcement extractor -------------------------------------------------------------

LEVELS = (None, "central", "provincial", "municipal", "county")
STRING_FIELDS = ("inspecting_body", "special_topic", "leader", "scope_in")
LIST_FIELDS = ("targets", "deputy_leaders", "sms", "postal_boxes", "emails", "online_channels",
               "suggestion_boxes")
DATE_FIELDS = ("meeting_date", "period_start", "period_end", "petition_deadline")


class ExtractorFuzzTests(SimpleTestCase):
    """``extract`` and ``extract_with_spans`` never raise and keep the documented shape."""

    def check(self, text: str) -> dict:
        record, spans = extract_with_spans(text)
        self.assertEqual(list(record), list(FIELDS))
        self.assertIn(record["kind"], ("mobilization", "feedback", "other"))
        self.assertIn(record["level"], LEVELS)
        # Strings are copied as written, without spaces; "nothing stated" is None, never "".
        for name in STRING_FIELDS:
            value = record[name]
            if value is not None:
                self.assertIsInstance(value, str, name)
                self.assertTrue(value, name)
                self.assertFalse(re.search(r"\s", value), (name, value))
        for name in LIST_FIELDS:
            self.assertIsInstance(record[name], list, name)
            for item in record[name]:
                self.assertIsInstance(item, str, name)
                self.assertTrue(item, name)
                self.assertFalse(re.search(r"\s", item), (name, item))
        for name in DATE_FIELDS:
            value = record[name]
            if value is not None:
                self.assertIsInstance(value, str, name)
                self.assertEqual(datetime.date.fromisoformat(value).isoformat(), value, name)
        self.assertIsInstance(record["phones"], list)
        for phone in record["phones"]:
            self.assertEqual(set(phone), {"number", "hours"})
            self.assertIsInstance(phone["number"], str)
            self.assertTrue(phone["number"])
            self.assertTrue(phone["hours"] is None or (isinstance(phone["hours"], str)
                                                       and phone["hours"]), phone)
        self.assertIsInstance(record["scope_out_transferred"], bool)
        if record["kind"] == "other":
            self.assertEqual(record, empty())  # junk or an unrelated text states nothing
        json.dumps(record)  # what the API and the command print
        # Every span points into the text as given (the review page highlights them).
        self.assertLessEqual(set(spans), set(FIELDS))
        for name, found in spans.items():
            for start, end in found:
                self.assertTrue(0 <= start <= end <= len(text), (name, start, end, len(text)))
        self.assertEqual(extract(text), record)  # deterministic
        return record

    @fuzz(150)
    @given(st.text(st.one_of(CHAR, st.characters(categories=["Cs"])), max_size=400))
    def test_arbitrary_text(self, text):
        self.check(text)

    @fuzz(200)
    @given(announcement_text)
    def test_text_made_of_announcement_fragments(self, text):
        self.check(text)

    @fuzz(120)
    @given(mutated_corpus())
    def test_mutated_corpus_texts(self, text):
        self.check(text)

    @fuzz(12)
    @given(long_line())
    def test_very_long_lines(self, text):
        self.check(text)

    def test_non_text_input_gives_the_empty_record(self):
        for value in (None, 12, b"\xe5\xb7\xa1", ["巡察"]):
            record = extract(value)
            self.assertEqual(list(record), list(FIELDS), value)


# --- shared: a world, a throw-away MEDIA_ROOT, row counts ------------------------------------


def counts() -> dict[str, int]:
    return {"units": Unit.objects.count(), "cadres": Cadre.objects.count(),
            "petitions": Petition.objects.count(),
            "subjects": PetitionSubject.objects.count(),
            "attachments": PetitionAttachment.objects.count(),
            "messages": PetitionMessage.objects.count(), "events": Event.objects.count()}


class FuzzWorld(HypothesisTestCase):
    """The shared world (``xuncha.lib.testing.World``), a temporary MEDIA_ROOT, and, per
    hypothesis example, a transaction that is rolled back and a fresh client."""

    @classmethod
    def setUpClass(cls):
        cls.media_root = tempfile.mkdtemp(prefix="xuncha-fuzz-")
        cls.addClassCleanup(shutil.rmtree, cls.media_root, True)
        media = override_settings(MEDIA_ROOT=cls.media_root)
        media.enable()
        cls.addClassCleanup(media.disable)
        # WhiteNoise warns, once per client, that STATIC_ROOT was never collected in tests.
        cls.enterClassContext(warnings.catch_warnings())
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        World.build(cls)

    def files_stored(self) -> int:
        return sum(len(files) for _root, _dirs, files in os.walk(self.media_root))

    def send(self, request):
        """``request()``'s response; a failure with the traceback for a 500."""
        with server_errors() as errors:
            try:
                response = request()
            except Exception as exc:  # the test client re-raises what a view raised
                errors.append(exc)
                response = None
        if response is not None and response.status_code < 500:
            return response
        cause = errors[-1] if errors else None
        detail = "".join(traceback.format_exception(cause)) if cause else response.content[:500]
        self.fail(f"server error: {detail}")


# --- b. the table imports ----------------------------------------------------------------------

UNIT_HEADERS = ["代码", "名称", "类别", "管辖党委代码", "上级单位代码", "所在地"]
CADRE_HEADERS = ["姓名", "单位代码", "职务", "职级", "是否主要负责人", "管理党委代码", "性别", "籍贯"]
PETITION_HEADERS = ["渠道", "收件时间", "被反映单位代码", "意见箱位置", "被反映人", "职务", "被反映人单位",
                    "内容", "是否署名", "反映人姓名", "反映人电话"]

HOSTILE_CELLS = [
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example/\",\"点击\")", "+1+1", "-2+3", "@SUM(A1)",
    "=1/0", "\x00", "A-\x00JYJ", "东湖\x00区", "\u202e局育教", "\ufeff代码", "'", '"', '""', '"a,b"',
    ",", ";", "\t", "\r", "\n", "\r\n", "𠀀𠀁", "😀", "NULL", "None", "nan", "inf", "1e309", "0x1F",
    "-0", "   ", "　", "是", "否", "也许", "√", "A-JYJ", "A-CZJ", "B-JYJ", "P-C-A", "P-C-B", "P", "NOPE",
    "党政机关部门", "乡镇（街道）", "village", "宇宙飞船", "局长", "section_deputy", "乡科级正职", "男", "女",
    "来信", "意见箱", "电话", "飞鸽", "online", "2026-03-20 09:30", "2026/3/19", "2026年3月19日",
    "2099-01-01", "9999-99-99", "昨天", "2026-02-29", TEXT, LAND, "短", "x" * 5000, "字" * 10_001,
    "长" * 300,
]
hostile_cell = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(CHAR, max_size=30),
                         st.text(max_size=8))


@st.composite
def unit_row(draw) -> list[str]:
    return [draw(st.one_of(st.from_regex(r"\AA-[A-Z0-9]{1,5}\Z"), st.sampled_from(["A-JYJ", "A-CZJ"]))),
            draw(st.text(CJK, min_size=1, max_size=12)),
            draw(st.sampled_from(["党政机关部门", "乡镇（街道）", "village", "township", "department"])),
            "P-C-A", draw(st.sampled_from(["", "", "A-JYJ", "A-Z01"])), draw(st.text(CJK, max_size=6))]


@st.composite
def cadre_row(draw) -> list[str]:
    return [draw(st.text(CJK, min_size=2, max_size=4)), draw(st.sampled_from(["A-CZJ", "A-JYJ", "A-WJJ"])),
            draw(st.sampled_from(["局长", "副局长", "科员", "主任"])),
            draw(st.sampled_from(["乡科级正职", "section_deputy", "县处级正职"])),
            draw(st.sampled_from(["是", "否", ""])), draw(st.sampled_from(["", "P-C-A"])),
            draw(st.sampled_from(["男", "女", ""])), draw(st.text(CJK, max_size=4))]


@st.composite
def petition_row(draw) -> list[str]:
    channel = draw(st.sampled_from(["来信", "电话", "短信", "来访", "电子邮件", "意见箱", "letter"]))
    named = draw(st.sampled_from(["否", "是", ""]))
    return [channel,
            draw(st.sampled_from(["2026-03-20 09:30", "2026/3/19", "2026年3月20日", "2026-11-02 08:00"])),
            draw(st.sampled_from(["A-JYJ", "A-CZJ", ""])),
            draw(st.sampled_from(["大厅", "一楼"])) if channel == "意见箱" else "",
            draw(st.sampled_from(["", "张某", "李某某"])), draw(st.sampled_from(["", "科长"])),
            draw(st.sampled_from(["", "东湖区教育局"])),
            draw(st.one_of(st.sampled_from([TEXT, LAND, OTHER]), st.text(CJK, min_size=10, max_size=80))),
            named, "李某" if named == "是" else "", draw(st.sampled_from(["", "13900000000"]))]


@st.composite
def table(draw, headers: list[str], row) -> list[list]:
    """A clean table (the template's headers, valid rows) half of the time; otherwise headers
    shuffled, extra, missing or junk, and rows with hostile cells, short or long."""
    rows = draw(st.lists(row, max_size=6))
    if draw(st.booleans()):
        return [list(headers), *rows]
    shape = draw(st.sampled_from(["template", "shuffled", "extra", "missing", "junk", "english"]))
    cols = list(headers)
    if shape == "shuffled":
        cols = draw(st.permutations(cols))
        rows = [[r[headers.index(c)] for c in cols] for r in rows]
    elif shape == "extra":
        cols = cols + draw(st.lists(hostile_cell, min_size=1, max_size=3))
    elif shape == "missing":
        cols = [c for c in cols if draw(st.booleans())]
    elif shape == "junk":
        cols = draw(st.lists(hostile_cell, max_size=8))
    elif shape == "english":
        cols = [c + " *" if draw(st.booleans()) else " " + c for c in cols]
    for cells in rows:
        for _i in range(draw(st.integers(0, 3))):
            index = draw(st.integers(0, len(cells) - 1))
            if draw(st.booleans()):  # a valid value with a control character or a formula inside
                at = draw(st.integers(0, len(cells[index])))
                cells[index] = (cells[index][:at] + draw(st.sampled_from(["\x00", "\x0b", "\u200b", "=", "\t"]))
                                + cells[index][at:])
            else:
                cells[index] = draw(hostile_cell)
        if draw(st.integers(0, 9)) == 0:  # a short or long row now and then
            cells[draw(st.integers(0, len(cells))):] = draw(st.lists(hostile_cell, max_size=3))
    return [list(cols), *rows]


def csv_bytes(rows: list[list], encoding: str, quoted: bool) -> bytes:
    if quoted:
        out = io.StringIO()
        csv.writer(out).writerows([[str(c) for c in r] for r in rows])
        text = out.getvalue()
    else:  # what a naive exporter writes: no quoting at all
        text = "\n".join(",".join(str(c) for c in r) for r in rows)
    if encoding == "mixed":  # a header in UTF-8 with a BOM, rows alternately GBK and UTF-8
        lines = text.split("\n")
        return b"\n".join(line.encode("utf-8-sig" if i == 0 else ("gbk" if i % 2 else "utf-8"),
                                      errors="replace") for i, line in enumerate(lines))
    return text.encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c)[:32_000] if isinstance(c, str) else c
                      for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


typed_cell = st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                       st.booleans(), st.none(),
                       st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 1, 1)),
                       st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(2100, 1, 1)))


@st.composite
def upload(draw, headers: list[str], row) -> tuple[str, bytes]:
    """(file name, content): a well-formed table, a damaged one, or junk."""
    kind = draw(st.sampled_from(["csv", "csv", "xlsx", "xlsx", "typed_xlsx", "broken_xlsx", "bytes",
                                 "zip"]))
    rows = draw(table(headers, row))
    if kind == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "mixed"]))
        return (draw(st.sampled_from(["t.csv", "T.CSV", "名单.csv"])),
                csv_bytes(rows, encoding, draw(st.booleans())))
    if kind == "xlsx":
        return draw(st.sampled_from(["t.xlsx", "名单.XLSX"])), xlsx_bytes(rows)
    if kind == "typed_xlsx":
        rows = [rows[0]] + [[draw(st.one_of(typed_cell, st.just(c))) for c in r] for r in rows[1:]]
        return "t.xlsx", xlsx_bytes(rows)
    if kind == "broken_xlsx":  # a real workbook, truncated or with bytes overwritten
        data = bytearray(xlsx_bytes(rows))
        if draw(st.booleans()):
            data = data[:draw(st.integers(0, len(data)))]
        for _i in range(draw(st.integers(1, 20))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return "t.xlsx", bytes(data)
    if kind == "zip":  # a zip with workbook-like members of random content
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for member in draw(st.lists(st.sampled_from([
                    "[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                    "xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels",
                    "_rels/.rels"]), unique=True, max_size=7)):
                archive.writestr(member, draw(st.one_of(st.binary(max_size=200), st.just(
                    b"<?xml version='1.0'?><workbook/>"), st.just(b"<a><b></a>"))))
        return "t.xlsx", out.getvalue()
    return (draw(st.sampled_from(["t.csv", "t.xlsx", "t.txt", "t", ".csv", "../../t.csv"])),
            draw(st.binary(max_size=600)))


class ImportFuzzTests(FuzzWorld):
    """Upload → preview → commit, through the pages, as the county office."""

    def run_import(self, url: str, name: str, data: bytes, expected_delta) -> None:
        explain(f"upload {name!r}: {data[:300]!r}")
        self.client.force_login(self.office)
        before = counts()
        response = self.send(lambda: self.client.post(url, {
            "step": "preview", "file": SimpleUploadedFile(name, data)}))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(counts(), before, "a preview wrote something")
        preview = response.context["preview"]
        if preview is None:
            self.assertTrue(response.context["form"].errors, "no preview and no message")
        committed = self.send(lambda: self.client.post(url, {"step": "commit"}))
        after = counts()
        if preview is None or not preview.ok:
            self.assertEqual(after, before, "a refused import wrote something")
        elif committed.status_code == 302:
            rows = [r["cleaned"] for r in preview.rows]
            for table_name, delta in expected_delta(rows).items():
                self.assertEqual(after[table_name] - before[table_name], delta, table_name)
        else:  # refused at commit (re-validated): all or nothing
            self.assertEqual(committed.status_code, 200)
            self.assertEqual(after, before, "a failed commit wrote part of the file")

    @fuzz(45)
    @given(upload(UNIT_HEADERS, unit_row()))
    def test_units_import(self, file):
        self.run_import(reverse("organizations:import", args=["units"]), *file, lambda rows: {
            "units": len({r["code"] for r in rows if r["existing"] is None}), "cadres": 0,
            "petitions": 0})

    @fuzz(30)
    @given(upload(CADRE_HEADERS, cadre_row()))
    def test_cadres_import(self, file):
        self.run_import(reverse("organizations:import", args=["cadres"]), *file, lambda rows: {
            "cadres": len(rows), "units": 0, "petitions": 0})

    @fuzz(40)
    @given(upload(PETITION_HEADERS, petition_row()))
    def test_petitions_batch_import(self, file):
        self.run_import(reverse("petitions:import"), *file, lambda rows: {
            "petitions": len(rows), "units": 0, "cadres": 0})


# --- c. the public report ----------------------------------------------------------------------

CODE = "@code"  # replaced by the real public code of the stationed inspection
SOLVED = "@solved"  # replaced by a solved proof-of-work challenge


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


def _docx(member: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", member)
        archive.writestr("docProps/core.xml", b"<author>someone</author>")
    return out.getvalue()


PNG, JPEG = _png(), jpeg_with_gps()
file_bytes = st.one_of(
    st.sampled_from([PNG, JPEG, b"%PDF-1.4\n%%EOF", "说明文字".encode(), "说明".encode("gbk"),
                     _docx(b"<w:document/>"), b"", b"MZ\x90\x00\x03"]),
    st.binary(max_size=300),
    st.builds(lambda head, tail: head + tail,
              st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"PK\x03\x04",
                               PNG[:40], JPEG[:200]]), st.binary(max_size=200)),
    st.builds(lambda data, cut: data[:cut], st.sampled_from([PNG, JPEG, _docx(b"x")]),
              st.integers(0, 400)),
    st.binary(max_size=300).map(_docx),
)
file_name = st.one_of(st.sampled_from(["现场照片.jpg", "a.png", "x.exe", "../../etc/passwd", "",
                                       "C:\\Users\\李明\\举报.docx", "a\x00b.pdf", "名" * 300,
                                       "\u202egpj.exe", ".", "/"]), st.text(CHAR, max_size=40))

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        st.text(max_size=20))
json_any = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
# Surrogates travel in JSON as escapes ("\ud800"), so the API may receive them.
JSON_TEXT = st.one_of(st.text(CHAR, max_size=80), st.sampled_from(["\ud800", "举报\udfff内容十个字以上的"]))


content = st.one_of(st.sampled_from([TEXT, LAND, OTHER, "", "短", "字" * 10_000, "字" * 10_001,
                                     TEXT + "\x00" * 5, " " * 50, "\x00" * 20]),
                    st.text(CHAR, min_size=10, max_size=300), st.text(CJK, min_size=10, max_size=60),
                    JSON_TEXT)
# Bodies that match the schema (every type right, values anything within the limits)...
subject = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(["张某", "王建国", "张\x00某"]), st.text(CHAR, min_size=1, max_size=64),
                       JSON_TEXT.filter(bool))},
    optional={"position": st.one_of(st.just("科\x00长"), st.text(CHAR, max_size=100)),
              "unit": st.text(CHAR, max_size=100)})
attachment = st.fixed_dictionaries(
    {"data": st.one_of(file_bytes.map(lambda b: base64.b64encode(b).decode()),
                       st.text(max_size=50), st.sampled_from(["%%%", "====", "YQ", ""]))},
    optional={"name": file_name.map(lambda n: n[:200])})
reporter = st.fixed_dictionaries({}, optional={
    "name": st.one_of(st.sampled_from(["王小明", "\x00王"]), JSON_TEXT.map(lambda t: t[:64])),
    "phone": st.one_of(st.sampled_from(["13812345678", "１３８１２３４５６７８"]), st.text(max_size=32)),
    "id_number": st.text(CHAR, max_size=32), "address": st.text(CHAR, max_size=200)})
proof_in = st.one_of(st.just(SOLVED), st.fixed_dictionaries({}, optional={
    "challenge": st.text(max_size=400), "nonce": st.text(max_size=64)}))
REPORT_FIELDS = {"content": content, "subjects": st.lists(subject, max_size=10),
                 "anonymous": st.booleans(), "reporter": st.one_of(st.none(), reporter),
                 "attachments": st.lists(attachment, max_size=5), "pow": proof_in}
report_body = st.fixed_dictionaries(
    {"target": st.one_of(st.just(CODE), st.just(CODE), st.just(CODE), st.text(CHAR, max_size=64),
                         st.just("ab\x00c")),
     "content": content}, optional={k: v for k, v in REPORT_FIELDS.items() if k != "content"})


@st.composite
def junk_report_body(draw) -> dict:
    """...and bodies with one to three fields of any type or out of the schema's limits."""
    body = draw(report_body)
    wild = {"target": st.one_of(json_any, st.text(min_size=65, max_size=100)),
            "content": json_any, "anonymous": json_any,
            "subjects": st.one_of(json_any, st.lists(json_any, max_size=3),
                                  st.lists(subject, min_size=11, max_size=12),
                                  st.lists(st.fixed_dictionaries({"name": st.text(min_size=65, max_size=70)}),
                                           min_size=1, max_size=1)),
            "reporter": st.one_of(json_any, st.fixed_dictionaries({"phone": st.text(min_size=33,
                                                                                     max_size=40)})),
            "attachments": st.one_of(json_any, st.lists(json_any, max_size=3),
                                     st.lists(attachment, min_size=6, max_size=7)),
            "pow": st.one_of(json_any, st.fixed_dictionaries({"challenge": st.text(min_size=401,
                                                                                   max_size=410)})),
            "extra": json_any}
    for name in draw(st.lists(st.sampled_from(sorted(wild)), min_size=1, max_size=3, unique=True)):
        body[name] = draw(wild[name])
    if draw(st.integers(0, 9)) == 0:
        del body["target"]
    return body


class PublicFuzzBase(FuzzWorld):
    """A stationed inspection of the education bureau; the clock on 2026-03-20 10:00 (its
    intake is open)."""

    @classmethod
    def setUpClass(cls):
        clock = mock.patch("django.utils.timezone.now", return_value=NOW)
        clock.start()
        cls.addClassCleanup(clock.stop)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.inspection = stationed_inspection(cls)

    def materialize(self, value):
        if value == CODE:
            return self.inspection.public_code
        if value == SOLVED:
            challenge = proof.new_challenge(1)["challenge"]
            return {"challenge": challenge, "nonce": proof.solve(challenge, 1)}
        if isinstance(value, dict):
            return {k: self.materialize(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.materialize(v) for v in value]
        return value

    def post_report(self, body, *, pressure: bool = False) -> tuple[int, dict | None, dict, dict]:
        """(status, answer, counts before, counts after) of one API report."""
        cache.clear()
        if pressure:  # the site is busy: the next report needs the proof of work
            ratelimit.hit("pub-all", "all", limit=10**9, window=60)
        before, files = counts(), self.files_stored()
        if isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(self.materialize(body))
        explain(f"body: {data[:500]!r}")
        response = self.send(lambda: self.client.post("/api/v1/public/reports", data=data,
                                                      content_type="application/json"))
        after = counts()
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code == 201:
            self.assertEqual(set(answer), {"receipt"})
            self.assertEqual(after["petitions"], before["petitions"] + 1)
            self.assertEqual(Petition.objects.filter(
                receipt_hash=receipt_hash(answer["receipt"])).count(), 1)
        else:
            self.assertGreaterEqual(response.status_code, 400)
            self.assertEqual(after, before, "a refused report stored something")
            self.assertEqual(self.files_stored(), files, "a refused report left files")
        return response.status_code, answer, before, after


BIG_BODIES = {
    "deeply nested": lambda: b"[" * 5000 + b"]" * 5000,
    "unclosed": lambda: b"{" * 5000,
    "2 MB target": lambda: b'{"target": "' + b"x" * 2_000_000 + b'"}',
    "9 MB content": lambda: json.dumps({"target": CODE, "content": "举" * 1_500_000}).encode(),
    "18 MB content": lambda: json.dumps({"target": CODE, "content": "举" * 3_000_000}).encode(),
}
FLOOD_GUARD_OFF = {"XUNCHA_PUBLIC_FREE_PER_HOUR": 10**9, "XUNCHA_PUBLIC_MAX_PER_HOUR": 10**9,
                   "XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE": 10**9,
                   "XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE": 10**9, "XUNCHA_PUBLIC_POW_TRIGGER": 10**9,
                   "XUNCHA_RECEIPT_LOOKUPS_PER_HOUR": 10**9}


@override_settings(**FLOOD_GUARD_OFF)
class PublicApiFuzzTests(PublicFuzzBase):
    @fuzz(60)
    @given(report_body)
    def test_reports_that_match_the_schema(self, body):
        self.post_report(body)

    @fuzz(40)
    @given(junk_report_body())
    def test_reports_with_fields_of_any_type(self, body):
        self.post_report(body)

    @fuzz(20)
    @given(st.one_of(st.binary(max_size=200), json_any.map(lambda v: json.dumps(v).encode()),
                     st.sampled_from(sorted(BIG_BODIES))))
    def test_bodies_that_are_not_a_report_object(self, body):
        # The big ones are named in the strategy so that a failure does not print megabytes.
        self.post_report(BIG_BODIES[body]() if isinstance(body, str) else body)

    def test_a_plausible_report_is_stored_once(self):
        status, answer, before, after = self.post_report({"target": CODE, "content": TEXT,
                                                          "subjects": [{"name": "张某"}]})
        self.assertEqual(status, 201)
        self.assertEqual(after["subjects"], before["subjects"] + 1)

    @fuzz(40)
    @given(st.one_of(json_any, st.text(DIGIT, min_size=16, max_size=16), JSON_TEXT),
           st.one_of(st.text(CHAR, max_size=50), json_any), st.lists(attachment, max_size=2))
    def test_receipt_lookups_and_additions(self, receipt, text, files):
        cache.clear()
        before = counts()
        for path, body in (("/api/v1/public/reports/status", {"receipt": receipt}),
                           ("/api/v1/public/reports/add", {"receipt": receipt, "text": text,
                                                           "attachments": files})):
            response = self.send(lambda path=path, body=body: self.client.post(
                path, data=json.dumps(body), content_type="application/json"))
            # A random receipt matches nothing (400: a NUL character; 422: not an object).
            self.assertIn(response.status_code, (400, 404, 422))
        for name in ("public:receipt", "public:receipt_add"):
            data = {"receipt": receipt if isinstance(receipt, str) else json.dumps(receipt),
                    "text": text if isinstance(text, str) else json.dumps(text)}
            # A browser cannot send a lone surrogate: the form gets what UTF-8 can carry.
            data = {k: v.encode("utf-8", "replace").decode() for k, v in data.items()}
            response = self.send(lambda name=name, data=data: self.client.post(reverse(name), data))
            self.assertIn(response.status_code, (400, 404))
        self.assertEqual(counts(), before)


@override_settings(**(FLOOD_GUARD_OFF | {"XUNCHA_PUBLIC_POW_TRIGGER": 1, "XUNCHA_POW_BITS": 1,
                                         "XUNCHA_POW_MAX_BITS": 1}))
class ProofOfWorkFuzzTests(PublicFuzzBase):
    """Under pressure every report needs a solved challenge, whatever else is sent."""

    @fuzz(40)
    @given(st.builds(lambda body, solution: body | {"pow": solution}, report_body, proof_in))
    def test_no_report_gets_through_without_a_solved_challenge(self, body):
        status, _answer, _before, _after = self.post_report(body, pressure=True)
        if status == 201:
            self.assertEqual(body.get("pow"), SOLVED)


FORM_TEXT = st.text(st.one_of(CJK, FULL_WIDTH, PUNCTUATION, DIGIT, st.characters(codec="utf-8")),
                    max_size=80)
MANAGEMENT = st.one_of(
    st.builds(lambda total: {"subjects-TOTAL_FORMS": total, "subjects-INITIAL_FORMS": "0",
                             "subjects-MIN_NUM_FORMS": "0", "subjects-MAX_NUM_FORMS": "10"},
              st.sampled_from(["0", "1", "2", "3"])),
    st.fixed_dictionaries({}, optional={
        "subjects-TOTAL_FORMS": st.sampled_from(["11", "1001", "-1", "abc", "", "２", "9" * 30]),
        "subjects-INITIAL_FORMS": st.sampled_from(["0", "1", "-1", "x", "5"]),
        "subjects-MAX_NUM_FORMS": st.sampled_from(["10", "0", "1000000", "y"])}))
report_form = st.builds(
    lambda fields, management: fields | management,
    st.fixed_dictionaries(
        {"content": st.one_of(st.sampled_from([TEXT, OTHER, "", "短", "字" * 10_001, TEXT + "\x00"]),
                              st.text(CJK, min_size=10, max_size=60), FORM_TEXT)},
        optional={"anonymous": st.sampled_from(["on", "", "off", "false", "0", "1", "是"]),
                  "reporter_name": st.one_of(st.sampled_from(["王小明", "名" * 65]), FORM_TEXT),
                  "reporter_phone": st.one_of(st.sampled_from(["13812345678", "1" * 40]), FORM_TEXT),
                  "reporter_id_number": FORM_TEXT, "reporter_address": FORM_TEXT,
                  "pow_challenge": st.text(max_size=420), "pow_nonce": st.text(max_size=70),
                  "subjects-0-name": st.one_of(st.sampled_from(["张某", "", "名" * 70]), FORM_TEXT),
                  "subjects-0-position": FORM_TEXT, "subjects-0-unit_name": FORM_TEXT,
                  "subjects-1-name": FORM_TEXT, "subjects-2-name": FORM_TEXT,
                  "subjects-2-DELETE": st.sampled_from(["on", ""]), "noise": FORM_TEXT}),
    MANAGEMENT)


class Blob(io.BytesIO):
    """An upload with any name at all (SimpleUploadedFile refuses some): the test client
    sends ``os.path.basename(name)`` as the multipart file name."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


@override_settings(**FLOOD_GUARD_OFF)
class PublicPageFuzzTests(PublicFuzzBase):
    @fuzz(60)
    @given(report_form, st.lists(st.tuples(file_name, file_bytes), max_size=6))
    def test_random_form_posts(self, fields, files):
        cache.clear()
        before, stored = counts(), self.files_stored()
        data = dict(fields)
        if files:
            data["attachments"] = [Blob(name, blob) for name, blob in files]
        explain(f"form: { {k: v[:80] for k, v in fields.items()} }, files: {[n for n, _b in files]}")
        response = self.send(lambda: self.client.post(
            reverse("public:report", args=[self.inspection.public_code]), data))
        after = counts()
        if response.status_code == 200 and "receipt" in response.context:
            self.assertEqual(after["petitions"], before["petitions"] + 1)
            self.assertEqual(Petition.objects.filter(
                receipt_hash=receipt_hash(response.context["receipt"])).count(), 1)
        else:
            self.assertEqual(after, before, "a refused report stored something")
            self.assertEqual(self.files_stored(), stored)

    @fuzz(20)
    @given(st.one_of(st.text(CHAR, max_size=30), st.just("a\x00")).filter(lambda c: "/" not in c))
    def test_unknown_codes_are_404(self, code):
        response = self.send(lambda: self.client.post(reverse("public:report", args=[code or "x"]),
                                                      {"content": TEXT}))
        if code != self.inspection.public_code:
            self.assertIn(response.status_code, (400, 404))  # 400: a NUL character
        self.assertEqual(Petition.objects.count(), 0)


# --- the bugs the properties found, reproduced exactly ---------------------------------------


def damaged_workbook() -> bytes:
    """A workbook as Excel writes it, with one part (docProps/core.xml) emptied."""
    good = xlsx_bytes([UNIT_HEADERS, ["A-T9", "东湖区统计局", "党政机关部门", "P-C-A", "", ""]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, b"" if info.filename == "docProps/core.xml"
                            else source.read(info.filename))
    return out.getvalue()


@override_settings(**FLOOD_GUARD_OFF)
class FoundBugTests(RefusalAssertions, PublicFuzzBase):
    """The bugs the properties found (all fixed), each with its exact input and the answer it
    must get: regression tests, run like any other."""

    def test_corrupt_xlsx_is_refused_with_a_message(self):
        from xuncha.lib.tabular import read_table

        data = damaged_workbook()
        with self.assertRefused(DomainError, "The file is not a valid .xlsx workbook.",
                                code="bad_file"):  # was lxml.etree.XMLSyntaxError
            read_table("units.xlsx", data)

    def test_corrupt_xlsx_upload_gets_the_form_error(self):
        self.client.force_login(self.office)
        with server_errors():  # was a 500 (XMLSyntaxError)
            response = self.client.post(reverse("organizations:import", args=["units"]), {
                "step": "preview", "file": SimpleUploadedFile("units.xlsx", damaged_workbook())})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)

    def test_lone_surrogate_in_a_public_report_is_refused(self):
        body = json.dumps({"target": self.inspection.public_code,
                           "content": "举报\udfff内容十个字以上的"})  # "\\udfff" in the JSON
        with server_errors():  # was a 500 (UnicodeEncodeError at Petition.save)
            response = self.client.post("/api/v1/public/reports", data=body,
                                        content_type="application/json")
        self.assertIn(response.status_code, (400, 422))
        self.assertEqual(Petition.objects.count(), 0)

    def test_the_extractor_does_not_raise_on_a_lone_surrogate(self):
        self.assertEqual(list(extract("巡察\ud800组")), list(FIELDS))  # was a UnicodeEncodeError (OpenCC)

    def test_nul_in_an_imported_unit_code_is_refused(self):
        self.client.force_login(self.office)
        data = "代码,名称,类别,管辖党委代码\nA-\x00X,名,党政机关部门,P-C-A\n".encode()
        with server_errors():  # was DataError in UnitImporter.prepare (PostgreSQL)
            response = self.client.post(reverse("organizations:import", args=["units"]), {
                "step": "preview", "file": SimpleUploadedFile("u.csv", data)})
        self.assertEqual(response.status_code, 200)

    def test_nul_in_an_imported_name_is_refused_not_a_failed_commit(self):
        self.client.force_login(self.office)
        url = reverse("organizations:import", args=["cadres"])
        data = "姓名,单位代码,职务,职级\n王\x00五,A-CZJ,科员,section_deputy\n".encode()
        self.client.post(url, {"step": "preview", "file": SimpleUploadedFile("c.csv", data)})
        with server_errors():  # the preview was clean; DataError in commit_rows (PostgreSQL)
            response = self.client.post(url, {"step": "commit"})
        self.assertLess(response.status_code, 500)

    def test_an_oversized_json_body_is_a_client_error(self):
        body = json.dumps({"target": self.inspection.public_code, "content": "举" * 3_000_000})
        with server_errors():  # 18 MB: was RequestDataTooBig → the catch-all → 500
            response = self.client.post("/api/v1/public/reports", data=body,
                                        content_type="application/json")
        self.assertIn(response.status_code, (400, 413))
