"""The grades box shows and takes ``label | score`` lines: the codes stay internal."""

from decimal import Decimal

from django.test import SimpleTestCase

from xuncha.evaluations.forms import GradesForm

SAVED = [("good", "好"), ("fair", "较好"), ("poor", "差")]


def cleaned(text: str, codes=SAVED):
    form = GradesForm({"grades": text}, codes=codes)
    assert form.is_valid(), form.errors
    return form.cleaned_data["grades"]


class GradesFormTests(SimpleTestCase):
    def test_a_grade_keeps_its_code_by_label_then_by_place(self):
        self.assertEqual(cleaned("好 | 100\n较好 | 80\n差 | 0"), [
            ("good", "好", Decimal(100)), ("fair", "较好", Decimal(80)),
            ("poor", "差", Decimal(0))])
        # 较好 renamed 良 keeps its place's code; a new fourth grade gets a new one.
        self.assertEqual([g[0] for g in cleaned("好 | 100\n良 | 80\n差 | 0\n一般 | 60")],
                         ["good", "fair", "poor", "g1"])
        # Moved grades keep their codes; a new label never takes a code still in use.
        self.assertEqual([g[0] for g in cleaned("差 | 0\n新 | 50\n好 | 100")],
                         ["poor", "fair", "good"])
        self.assertEqual([g[0] for g in cleaned("甲 | 1\n乙 | 2", codes=[])], ["g1", "g2"])

    def test_older_three_part_lines_and_bad_lines(self):
        self.assertEqual(cleaned("good | 好 | 100"), [("good", "好", Decimal(100))])
        form = GradesForm({"grades": "好"}, codes=SAVED)
        self.assertFalse(form.is_valid())
