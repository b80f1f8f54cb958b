"""The extractor against the corpus (invented texts in the genre, plus the four seeds with
their published answers) and the hard rules one by one. Plain unittest: no Django."""

import json
import random
import re
import unittest
from pathlib import Path

from xuncha.announcements.extract import FIELDS, empty, extract, extract_with_spans
from xuncha.lib.textnorm import strip_pinyin_artifacts

CORPUS = Path(__file__).parent / "corpus"


def _diff(got: dict, want: dict) -> list[str]:
    return [f"  {field}:\n    got  {got.get(field)!r}\n    want {want.get(field)!r}"
            for field in FIELDS if got.get(field) != want.get(field)]


class CorpusTests(unittest.TestCase):
    """One test per corpus text; a failure lists every field that differs."""

    maxDiff = None

    def test_corpus_is_large_and_well_formed(self):
        pairs = sorted(CORPUS.glob("*.json"))
        self.assertGreaterEqual(len([p for p in pairs if not p.stem.startswith("seed")]), 40)
        for path in pairs:
            with self.subTest(text=path.stem):
                want = json.loads(path.read_text(encoding="utf-8"))
                self.assertEqual(list(want), list(FIELDS))
                self.assertTrue(path.with_suffix(".txt").exists())


def _corpus_test(json_path: Path):
    def test(self: unittest.TestCase) -> None:
        want = json.loads(json_path.read_text(encoding="utf-8"))
        got = extract(json_path.with_suffix(".txt").read_text(encoding="utf-8"))
        self.assertEqual(list(got), list(FIELDS))
        diffs = _diff(got, want)
        if diffs:
            self.fail(f"{json_path.stem}: {len(diffs)} field(s) differ\n" + "\n".join(diffs))
    return test


for _path in sorted(CORPUS.glob("*.json")):
    setattr(CorpusTests, "test_" + re.sub(r"\W", "_", _path.stem), _corpus_test(_path))


def one(text: str) -> dict:
    return extract(text)


CONTACT = "巡察期间设立值班电话：0731-1234567。"


class TeamNameAndLevelTests(unittest.TestCase):
    def test_round_prefixes_and_zhonggong_are_dropped(self):
        self.assertEqual(one("十四届区委第十二轮巡察第三巡察组进驻区卫健局开展巡察。" + CONTACT)
                         ["inspecting_body"], "区委第三巡察组")
        self.assertEqual(one("中共十二届市委第七轮巡察组集中反馈会召开。会上反馈了巡察情况。")
                         ["inspecting_body"], "市委巡察组")
        self.assertEqual(one("中共东平县委第一巡察组进驻县财政局开展巡察。" + CONTACT)
                         ["inspecting_body"], "东平县委第一巡察组")

    def test_place_prefix_kept_only_when_never_written_without(self):
        text = "义乌市委第二巡察组进驻佛堂镇开展巡察。市委第二巡察组组长朱国平讲话。" + CONTACT
        self.assertEqual(one(text)["inspecting_body"], "市委第二巡察组")

    def test_levels(self):
        cases = {
            "中央第二巡视组巡视某省工作动员会召开。": "central",
            "省委第三巡视组巡视某市工作动员会召开。": "provincial",
            "自治区党委第一巡视组巡视某市工作动员会召开。": "provincial",
            "天津市委第三巡视组巡视和平区工作动员会召开。": "provincial",
            "市委巡视第十二组专项巡视西青区工作动员会召开。": "provincial",
            "市委第二巡察组巡察市林业局工作动员会召开。": "municipal",
            "地委第一巡察组巡察某县工作动员会召开。": "municipal",
            "州委第二巡察组巡察州林业局工作动员会召开。": "municipal",
            "盟委第一巡察组巡察某旗工作动员会召开。": "municipal",
            "区委第二巡察组巡察某街道工作动员会召开。": "county",
            "浦湾区委第二巡察组巡察区卫健委工作动员会召开。": "county",
            "县委第一巡察组巡察县交通局工作动员会召开。": "county",
            "旗委第一巡察组巡察某镇工作动员会召开。": "county",
            "义乌市委第二巡察组巡察佛堂镇党委工作动员会召开。": "county",
            "临川市委第二巡察组巡察市教育局党委工作动员会召开。": "municipal",
        }
        for text, level in cases.items():
            with self.subTest(text=text):
                self.assertEqual(one(text + CONTACT)["level"], level)

    def test_level_from_the_round_when_no_team_is_named(self):
        got = one("2024年县委第二轮巡察工作动员部署会召开。本轮巡察共派出4个巡察组开展常规巡察。")
        self.assertEqual((got["kind"], got["inspecting_body"], got["level"]),
                         ("mobilization", None, "county"))

    def test_several_teams_are_joined_and_differing_scalars_are_null(self):
        got = one("本轮巡察派出2个巡察组。区委第一巡察组组长赵海波，进驻区水务局，值班电话：0755-28812201。"
                  "区委第二巡察组组长钱卫东，进驻区林业局，值班电话：0755-28812202。")
        self.assertEqual(got["inspecting_body"], "区委第一巡察组、区委第二巡察组")
        self.assertIsNone(got["leader"])
        self.assertEqual(got["targets"], ["区水务局", "区林业局"])
        self.assertEqual([p["number"] for p in got["phones"]], ["0755-28812201", "0755-28812202"])

    def test_special_topic_regular_and_revisit(self):
        self.assertEqual(one("县委第一巡察组对县医保局党组开展医保基金使用专项巡察动员会召开。" + CONTACT)
                         ["special_topic"], "医保基金使用")
        self.assertEqual(one("市委巡视第三组国有企业债务风险防控专项巡视市城投集团工作动员会召开。" + CONTACT)
                         ["special_topic"], "国有企业债务风险防控")
        self.assertIsNone(one("市委第一巡察组专项巡察市林业局工作动员会召开。" + CONTACT)["special_topic"])
        self.assertIsNone(one("县委第一巡察组对县林业局开展常规巡察。" + CONTACT)["special_topic"])
        self.assertIsNone(one("市委第五巡察组对市农业农村局开展巡察整改“回头看”。" + CONTACT)
                          ["special_topic"])


class TargetTests(unittest.TestCase):
    def test_shared_prefix_is_not_repeated(self):
        got = one("省委第九巡视组巡视张家口市工作动员会召开。同时，省委第九巡视组还对张家口市宣化区、"
                  "沽源县开展巡视。" + CONTACT)
        self.assertEqual(got["targets"], ["张家口市", "张家口市宣化区", "沽源县"])

    def test_counts_are_not_targets(self):
        got = one("州委第三巡察组对吉安县12个乡镇开展乡村振兴领域专项巡察。" + CONTACT)
        self.assertEqual(got["targets"], [])
        got = one("本轮对县发展改革委、县民政局、县供销社3个单位开展常规巡察，县委第一巡察组进驻。" + CONTACT)
        self.assertEqual(got["targets"], ["县发展改革委", "县民政局", "县供销社"])

    def test_one_unit_named_two_ways_is_one_target(self):
        got = one("县委第三巡察组进驻县自然资源局。县委第三巡察组巡察县自然资源局党组工作动员会召开。"
                  + CONTACT)
        self.assertEqual(got["targets"], ["县自然资源局"])
        got = one("县委巡察机动组对县城管局开展机动巡察。县委巡察机动组机动巡察县城市管理局工作动员会召开。"
                  + CONTACT)
        self.assertEqual(got["targets"], ["县城市管理局"])


class PeopleTests(unittest.TestCase):
    def test_leader_is_the_teams_not_the_host_or_secretary(self):
        text = ("县委巡察工作领导小组组长、县委副书记张三出席会议。县委第一巡察组组长李四作动员讲话，"
                "县教育局党组书记王五主持会议。" + CONTACT)
        got = one(text)
        self.assertEqual(got["leader"], "李四")
        self.assertEqual(got["deputy_leaders"], [])

    def test_leader_null_when_teams_differ_and_deputies_listed(self):
        got = one("县委第一巡察组（组长：孔德平，副组长：管小红）巡察县统计局党组；县委第二巡察组（组长："
                  "熊大为，副组长：包晓春、欧阳明）巡察县商务局党组。" + CONTACT)
        self.assertIsNone(got["leader"])
        self.assertEqual(got["deputy_leaders"], ["管小红", "包晓春", "欧阳明"])

    def test_names_run_into_verbs(self):
        cases = {"组长李元忠主持召开见面会": "李元忠", "组长王刚讲话": "王刚",
                 "组长巴桑次仁就做好工作讲话": "巴桑次仁", "组长买买提·艾力作动员讲话": "买买提·艾力",
                 "组长 郭  健 出席会议": "郭健", "组长向阳作动员讲话": "向阳"}
        for sentence, name in cases.items():
            with self.subTest(sentence=sentence):
                self.assertEqual(one("市委第一巡察组进驻市林业局。巡察组" + sentence + "。" + CONTACT)
                                 ["leader"], name)

    def test_appointment_wording(self):
        got = one("市委第六巡察组进驻市科技局开展巡察，巡察组由沈家栋同志任组长，马莉、周晓东同志任副组长。"
                  + CONTACT)
        self.assertEqual((got["leader"], got["deputy_leaders"]), ("沈家栋", ["马莉", "周晓东"]))


class DateTests(unittest.TestCase):
    BODY = ("5月20日，市委第一巡察组巡察市林业局工作动员会召开。巡察时间为5月20日至7月10日，"
            "受理信访截止时间为6月30日。值班电话：0731-1234567。")

    def test_no_year_without_expression_event_or_dateline(self):
        got = one(self.BODY)
        self.assertEqual([got[f] for f in ("meeting_date", "period_start", "period_end",
                                           "petition_deadline")], [None] * 4)

    def test_dateline_gives_the_year(self):
        got = one("发布时间：2022-05-21 09:30\n" + self.BODY)
        self.assertEqual([got[f] for f in ("meeting_date", "period_start", "period_end",
                                           "petition_deadline")],
                         ["2022-05-20", "2022-05-20", "2022-07-10", "2022-06-30"])

    def test_year_from_the_same_expression_not_from_another_event(self):
        got = one("市委第一巡察组于2023年11月27日至1月26日对县公安局开展巡察，受理信访截止时间为1月19日。"
                  "动员会于11月27日召开。值班电话：0731-1234567。")
        self.assertEqual((got["period_start"], got["period_end"]), ("2023-11-27", "2024-01-26"))
        self.assertIsNone(got["petition_deadline"])  # 1月19日: another event, no year of its own
        self.assertEqual(got["meeting_date"], "2023-11-27")  # same day as a dated event

    def test_year_in_the_events_name(self):
        got = one("2024年县委第二轮巡察工作动员部署会召开。4月8日，2024年县委第二轮巡察工作动员部署会召开，"
                  "巡察时间为4月10日至6月10日。")
        self.assertEqual((got["meeting_date"], got["period_start"]), ("2024-04-08", "2024-04-10"))

    def test_dateline_year_rolls_over_for_a_january_deadline(self):
        got = one("2020-11-24 17:02 来源：区纪委\n11月23日，区委第一巡察组巡察区教育局党组工作动员会召开。"
                  "巡察时间为11月23日至1月22日，受理信访截止时间为1月15日。" + CONTACT)
        self.assertEqual((got["period_end"], got["petition_deadline"]),
                         ("2021-01-22", "2021-01-15"))

    def test_chinese_numerals_and_range_separators(self):
        got = one("市委第二巡察组于二〇二三年三月六日至五月五日对市民政局党组开展巡察，"
                  "受理信访截止时间为二〇二三年四月二十八日。" + CONTACT)
        self.assertEqual((got["period_start"], got["period_end"], got["petition_deadline"]),
                         ("2023-03-06", "2023-05-05", "2023-04-28"))
        for dash in ("—", "–", "-", "~", "～", "至", "到", "——"):
            with self.subTest(dash=dash):
                got = one(f"市委第二巡察组于2023年3月6日{dash}5月5日对市民政局党组开展巡察。" + CONTACT)
                self.assertEqual(got["period_end"], "2023-05-05")

    def test_relative_deadline_resolved_only_against_a_stated_end(self):
        got = one("县委第四巡察组于2023年6月5日至7月14日对县交通运输局党组开展巡察。受理信访时间为进驻之日"
                  "起至巡察结束前5个工作日。" + CONTACT)
        self.assertEqual(got["petition_deadline"], "2023-07-07")
        got = one("县委第四巡察组进驻县交通运输局开展为期一个月的巡察，受理信访时间截止到巡察结束前3个工作日。"
                  + CONTACT)
        self.assertIsNone(got["petition_deadline"])

    def test_deadline_wordings(self):
        cases = ["受理信访截止时间为2023年6月30日", "信访受理截止日期：2023年6月30日",
                 "受理信访时间为即日起至2023年6月30日", "2023年6月30日后不再受理信访",
                 "受理来信来电来访时间截至2023年6月30日"]
        for wording in cases:
            with self.subTest(wording=wording):
                got = one("县委第一巡察组进驻县林业局开展巡察。" + wording + "。" + CONTACT)
                self.assertEqual(got["petition_deadline"], "2023-06-30")


class ContactTests(unittest.TestCase):
    HEAD = "市委第一巡察组巡察市林业局工作动员会召开。"

    def test_sms_only_versus_calls_and_sms(self):
        got = one(self.HEAD + "巡察组设立值班电话：0731-1234567，短信手机：13800001111（只接收短信），"
                  "举报手机：13900002222（可接听电话和接收短信），手机号码：13700003333（不接听电话）。")
        self.assertEqual([p["number"] for p in got["phones"]], ["0731-1234567", "13900002222"])
        self.assertEqual(got["sms"], ["13800001111", "13900002222", "13700003333"])

    def test_hours_as_written(self):
        cases = {
            "值班电话：0731-1234567（每天8:00—20:00）": "每天8:00—20:00",
            "联系电话：0731-1234567（接听电话时间为：工作日8:00—18:00）": "工作日8:00—18:00",
            "座机：0731-1234567为早8:00到晚8:00接听电话": "早8:00到晚8:00",
            "值班电话：0731-1234567，值班时间：9:30—13:00，15:30—18:30": "9:30—13:00，15:30—18:30",
            "电话：0731-1234567（工作日上午8:30—12:00，下午14:30—17:30）":
                "工作日上午8:30—12:00，下午14:30—17:30",
            "值班电话：0731-1234567": None,
        }
        for clause, hours in cases.items():
            with self.subTest(clause=clause):
                self.assertEqual(one(self.HEAD + clause + "。")["phones"],
                                 [{"number": "0731-1234567", "hours": hours}])

    def test_hours_written_once_for_listed_numbers_and_in_a_sentence_of_their_own(self):
        got = one(self.HEAD + "设值班电话：0736-7321404、13607364404（手机可接收短信），值班时间：每天8:00—20:00。")
        self.assertEqual([p["hours"] for p in got["phones"]], ["每天8:00—20:00"] * 2)
        got = one(self.HEAD + "值班电话：0794-8227101。邮政信箱：临川市A901信箱。值班电话受理时间为工作日8:30—17:30。")
        self.assertEqual(got["phones"], [{"number": "0794-8227101", "hours": "工作日8:30—17:30"}])

    def test_unrelated_numbers_are_left_out(self):
        text = ("青峰日报 | 报料热线：0715-8886666\n省委第五巡视组进驻青峰市开展巡视\n"
                "9月12日，省委第五巡视组巡视青峰市工作动员会召开。巡视期间设专门值班电话：0715-8233505。\n"
                "相关新闻\n青峰日报社版权所有 联系电话：0715-8882000 邮箱：qfrb@qfrb.com.cn\n鄂ICP备05001234号-1")
        got = one(text)
        self.assertEqual([p["number"] for p in got["phones"]], ["0715-8233505"])
        self.assertEqual(got["emails"], [])

    def test_postcode_is_not_part_of_the_box(self):
        for clause in ("邮政信箱：某市A12号信箱（邮编：410000）", "邮政信箱：张家口018信箱，邮编：075000",
                       "来信请寄：东平县东山路18号县委第一巡察组（邮政编码：271500）"):
            with self.subTest(clause=clause):
                box = one(self.HEAD + clause + "。")["postal_boxes"]
                self.assertEqual(len(box), 1)
                self.assertNotRegex(box[0], r"邮|\d{6}")

    def test_channels_and_boxes(self):
        got = one(self.HEAD + "网上邮箱：登录市纪委监委网站点击“巡察组信箱”；扫描“码上巡”二维码反映；"
                  "关注“清风某县”微信公众号反映；电子邮箱：xc1@163.com。同时在市林业局一楼大厅、"
                  "市林业局下属林场门口设置意见箱。")
        self.assertEqual(got["online_channels"], ["网上邮箱", "码上巡", "清风某县"])
        self.assertEqual(got["emails"], ["xc1@163.com"])
        self.assertEqual(got["suggestion_boxes"], ["市林业局一楼大厅", "市林业局下属林场门口"])

    def test_full_width_and_local_numbers(self):
        got = one(self.HEAD + "值班电话：０７４６－８３３２２０２，联系电话：7812404。")
        self.assertEqual([p["number"] for p in got["phones"]], ["０７４６－８３３２２０２", "7812404"])


class ScopeTests(unittest.TestCase):
    HEAD = "市委第一巡察组巡察市林业局工作动员会召开。值班电话：0731-1234567。"

    def test_scope_in_boundaries(self):
        cases = {
            "巡察组主要受理反映市林业局党组领导班子及其成员问题的来信来电来访。": "市林业局党组领导班子及其成员",
            "巡察组主要受理反映市林业局党组领导班子成员问题以及与巡察工作有关的来信来访。": "市林业局党组领导班子成员",
            "巡察组主要受理反映市林业局党组领导班子不作为不担当方面的问题和问题线索。": "市林业局党组领导班子不作为不担当方面",
            "巡察组主要受理反映关于市林业局领导班子的来信。": "市林业局领导班子",
            "一、受理对象\n市林业局党组领导班子及其成员，中层干部。\n二、受理范围\n重点受理反映违反六项纪律方面的问题。":
                "市林业局党组领导班子及其成员，中层干部",
        }
        for sentence, scope in cases.items():
            with self.subTest(sentence=sentence):
                self.assertEqual(one(self.HEAD + sentence)["scope_in"], scope)

    def test_scope_out_transferred_needs_a_transfer(self):
        base = self.HEAD + "对其他不属于巡察受理范围的信访问题，"
        for ending in ("将转交有关部门处理。", "将交有关部门处理。", "将移交属地处理。",
                       "将按照分级负责、属地管理原则，转交被巡察地方和有关部门处理。",
                       "将按照有关规定转交相关部门处理。", "交由被巡察党组织和有关部门处理。"):
            with self.subTest(ending=ending):
                self.assertTrue(one(base + ending)["scope_out_transferred"])
        for ending in ("将按有关规定处理。", "不予受理。", "将按照分级负责、属地"):
            with self.subTest(ending=ending):
                self.assertFalse(one(base + ending)["scope_out_transferred"])

    def test_clues_handed_over_are_not_out_of_scope_petitions(self):
        got = one("中央第一巡视组向某集团党组反馈巡视情况。巡视组还收到反映一些领导干部的问题线索，已按有关"
                  "规定转中央纪委国家监委处理。")
        self.assertEqual(got["kind"], "feedback")
        self.assertFalse(got["scope_out_transferred"])


class KindTests(unittest.TestCase):
    def test_kinds(self):
        cases = {
            "省委第十巡视组巡视青岛市即墨区工作动员会召开\n按照省委部署，动员会召开。": "mobilization",
            "关于县委第二巡察组进驻县司法局的公告\n县委第二巡察组于近日进驻。值班电话：0731-1234567。":
                "mobilization",
            "县委第一巡察组向县人社局党组反馈巡察情况\n12月14日，县委第一巡察组向县人社局党组反馈巡察情况。":
                "feedback",
            "全市巡察工作会议暨十二届市委第七轮巡察集中反馈会召开\n会议集中反馈了巡察情况。": "feedback",
            "在全县巡察工作会议上的讲话\n同志们：今天召开全县巡察工作会议。": "other",
            "中共某县委关于巡视整改进展情况的通报\n省委第二巡视组向县委反馈了意见。": "other",
            "全市防汛工作会议召开\n防汛值班电话：0791-86220000。": "other",
        }
        for text, kind in cases.items():
            with self.subTest(text=text[:20]):
                self.assertEqual(one(text)["kind"], kind)


class RobustnessTests(unittest.TestCase):
    def assertEmpty(self, got: dict) -> None:
        self.assertEqual(got, empty())

    def test_empty_whitespace_and_junk(self):
        for text in ("", "   \n\t", "\x00\x01\x02", "hello world", "巡察", "巡察组", None, 12):
            with self.subTest(text=text):
                self.assertEmpty(extract(text))  # type: ignore[arg-type]
        junk = bytes(random.Random(1).getrandbits(8) for _ in range(100_000)).decode(
            "utf-8", "replace")
        self.assertEmpty(extract(junk))
        self.assertEqual(list(extract(junk + "巡察组" + junk)), list(FIELDS))

    def test_unrelated_text_gives_other_and_nothing_else(self):
        got = extract("全市防汛工作会议召开。防汛值班电话：0791-86220000，邮箱：fx@163.com。")
        self.assertEmpty(got)

    def test_ten_megabytes(self):
        seed = (CORPUS / "seed_001.txt").read_text(encoding="utf-8")
        filler = "无关的网页内容。" * 700_000
        got = extract(filler + seed + filler)
        self.assertEqual((got["kind"], got["targets"], got["leader"]),
                         ("mobilization", ["青岛市即墨区"], "李元忠"))
        self.assertEmpty(extract("电话13800000000" * 700_000))
        self.assertEqual(extract("县委第一巡察组" + "的" * 10_000_000)["phones"], [])

    def test_adversarial_repetitions_do_not_blow_up(self):
        # Each would take minutes with unbounded backtracking; the test suite stays fast.
        for filler in ("1" * 2_000_000, "a" * 2_000_000 + "@", "  张 " * 500_000,
                       "“码上巡”" * 400_000, "意见箱:县委大院、" * 200_000):
            with self.subTest(filler=filler[:8]):
                got = extract("县委第一巡察组进驻县林业局开展巡察。" + filler)
                self.assertEqual(got["kind"], "mobilization")
                self.assertLessEqual(len(got["online_channels"]), 60)


class SpanTests(unittest.TestCase):
    def _check_all_spans(self, text: str) -> tuple[dict, dict]:
        values, spans = extract_with_spans(text)
        for field, items in spans.items():
            for start, end in items:
                self.assertLess(start, end, field)
                self.assertLessEqual(end, len(text), field)
        return values, spans

    def test_spans_of_traditional_text_skip_the_pinyin(self):
        text = (CORPUS / "seed_000.txt").read_text(encoding="utf-8")
        values, spans = self._check_all_spans(text)
        start, end = spans["leader"][0]
        self.assertEqual(text[start:end], "楊文璁")
        start, end = spans["sms"][0]
        self.assertEqual(text[start:end], "18222553409")
        start, end = spans["targets"][0]
        self.assertEqual(text[start:end], "西青區")
        start, end = spans["scope_in"][0]
        self.assertIn("(lǐng)", text[start:end])  # the span covers the original, pinyin and all
        self.assertEqual(strip_pinyin_artifacts(text[start:end]), values["scope_in"])
        for start, end in spans["inspecting_body"]:
            self.assertIn("巡視", text[start:end])

    def test_every_value_is_found_at_its_span(self):
        for name in ("seed_001", "seed_002", "014_traditional_pinyin_provincial",
                     "036_traditional_fullwidth_bracket_pinyin", "015_fullwidth_chinese_numerals"):
            text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
            values, spans = self._check_all_spans(text)
            for field in ("targets", "deputy_leaders", "sms", "postal_boxes", "emails",
                          "suggestion_boxes"):
                found = {re.sub(r"\s", "", strip_pinyin_artifacts(text[a:b]))
                         for a, b in spans.get(field, [])}
                for value in values[field]:
                    with self.subTest(text=name, field=field, value=value):
                        self.assertIn(value, found)
            if values["leader"]:
                found = {re.sub(r"\s", "", text[a:b]) for a, b in spans["leader"]}
                self.assertIn(values["leader"], found)

    def test_spans_in_a_window_of_a_long_paste(self):
        seed = (CORPUS / "seed_001.txt").read_text(encoding="utf-8")
        text = "无关。" * 100_000 + seed
        values, spans = self._check_all_spans(text)
        start, end = spans["leader"][0]
        self.assertEqual(text[start:end], "李元忠")
        self.assertEqual(values["phones"][0]["number"], "0532-66788689")


if __name__ == "__main__":
    unittest.main()
