"""xuncha.lib.textnorm: pinyin artifacts, script, width, and the offsets back to the
original. Plain unittest: no Django."""

import random
import unittest

from xuncha.lib.textnorm import (
    chinese_numeral_to_int,
    compact,
    nfkc,
    normalize,
    normalize_with_offsets,
    query_tokens,
    search_tokens,
    strip_pinyin_artifacts,
    to_simplified,
)


class PinyinTests(unittest.TestCase):
    def test_artifacts_after_characters_go(self):
        self.assertEqual(strip_pinyin_artifacts("會(huì)議召開(kāi)"), "會議召開")
        self.assertEqual(strip_pinyin_artifacts("縣（xiàn）委巡（xún）察組"), "縣委巡察組")
        self.assertEqual(strip_pinyin_artifacts("區(qū)委"), "區委")
        self.assertEqual(strip_pinyin_artifacts("我們(men)的(de)"), "我們的")

    def test_other_brackets_stay(self):
        for text in ("電話(0731)", "电子邮箱(xcz)", "(邮编:075000)", "Email (abc)", "ICP(备)",
                     "标志石北侧(huì)".replace("(huì)", "(北侧)")):
            with self.subTest(text=text):
                self.assertEqual(strip_pinyin_artifacts(text), text)

    def test_pinyin_after_latin_stays(self):
        self.assertEqual(strip_pinyin_artifacts("abc(huì)"), "abc(huì)")


class ScriptAndWidthTests(unittest.TestCase):
    def test_to_simplified(self):
        self.assertEqual(to_simplified("巡視組組長楊文璁"), "巡视组组长杨文璁")
        self.assertEqual(to_simplified(""), "")

    def test_nfkc(self):
        self.assertEqual(nfkc("０５３２－６６７８８６８９，（邮编）"), "0532-66788689,(邮编)")

    def test_normalize_and_compact(self):
        self.assertEqual(normalize("ＡＢＣ１２３，巡察組"), "abc123,巡察组")
        self.assertEqual(normalize("會(huì)議"), "会议")
        self.assertEqual(compact("反映：某 科长，收受红包！"), "反映某科长收受红包")

    def test_search_tokens(self):
        self.assertEqual(search_tokens("巡察工作 A4006号"), ["巡察", "察工", "工作", "a4006", "号"])
        self.assertEqual(query_tokens("紅包 食堂"), [["红包"], ["食堂"]])


class OffsetTests(unittest.TestCase):
    def assertMapsBack(self, text: str) -> tuple[str, list[int]]:
        normal, offsets = normalize_with_offsets(text)
        self.assertEqual(len(normal), len(offsets))
        self.assertEqual(offsets, sorted(offsets))
        self.assertTrue(all(0 <= o < len(text) for o in offsets))
        return normal, offsets

    def test_pinyin_is_skipped(self):
        text = "區(qū)委巡察組"
        normal, offsets = self.assertMapsBack(text)
        self.assertEqual(normal, "区委巡察组")
        self.assertEqual([text[o] for o in offsets], list("區委巡察組"))

    def test_full_width_and_expanding_characters(self):
        text = "电话：０７３１，㈠項"
        normal, offsets = self.assertMapsBack(text)
        self.assertEqual(normal, "电话:0731,(一)项")
        self.assertEqual([text[o] for o in offsets],
                         ["电", "话", "：", "０", "７", "３", "１", "，", "㈠", "㈠", "㈠", "項"])

    def test_empty(self):
        self.assertEqual(normalize_with_offsets(""), ("", []))

    def test_random_text_always_maps(self):
        rng = random.Random(7)
        alphabet = "區會議巡視組長(huì)（xiàn）０１２，。 \n\tabc㈠①ﬁ＠"
        for _ in range(200):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
            with self.subTest(text=text):
                normal, offsets = self.assertMapsBack(text)
                self.assertEqual(normal, to_simplified(nfkc(strip_pinyin_artifacts(text))))


class NumeralTests(unittest.TestCase):
    def test_chinese_numerals(self):
        cases = {"二〇二三": 2023, "二○二三": 2023, "二O二三": 2023, "十二": 12, "二十五": 25,
                 "三十": 30, "十": 10, "三十一": 31, "五": 5, "31": 31, "2024": 2024}
        for text, number in cases.items():
            with self.subTest(text=text):
                self.assertEqual(chinese_numeral_to_int(text), number)

    def test_not_numerals(self):
        for text in ("", "一百", "十二三", "十十", "abc", "二十五日"):
            with self.subTest(text=text):
                self.assertIsNone(chinese_numeral_to_int(text))


if __name__ == "__main__":
    unittest.main()
