import datetime

from django.test import SimpleTestCase

from xuncha.lib.workdays import Calendar, add_months

D = datetime.date


class WorkdayTests(SimpleTestCase):
    cal = Calendar()

    def test_spring_festival_2026_with_make_up_days(self):
        # 2026 Spring Festival: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are working days.
        self.assertFalse(self.cal.is_workday(D(2026, 2, 16)))
        self.assertFalse(self.cal.is_workday(D(2026, 2, 23)))
        self.assertTrue(self.cal.is_workday(D(2026, 2, 14)))  # make-up Saturday
        self.assertTrue(self.cal.is_workday(D(2026, 2, 28)))  # make-up Saturday
        # Friday 13 Feb + 1 working day = Saturday 14 Feb (make-up), + 2 = Tuesday 24 Feb.
        self.assertEqual(self.cal.add_workdays(D(2026, 2, 13), 1), D(2026, 2, 14))
        self.assertEqual(self.cal.add_workdays(D(2026, 2, 13), 2), D(2026, 2, 24))

    def test_national_day_2025_with_make_up_days(self):
        # 2025: 1–8 Oct off; Sun 28 Sep and Sat 11 Oct are working days.
        self.assertTrue(self.cal.is_workday(D(2025, 9, 28)))
        self.assertFalse(self.cal.is_workday(D(2025, 10, 8)))
        self.assertTrue(self.cal.is_workday(D(2025, 10, 11)))
        # 15 working days from the feedback on Fri 26 Sep 2025:
        # 28 Sep, 29, 30 Sep (3), 9, 10, 11 Oct (6), 13–17 (11), 20–23 (15).
        self.assertEqual(self.cal.add_workdays(D(2025, 9, 26), 15), D(2025, 10, 23))

    def test_backwards_and_between(self):
        stationing = D(2026, 10, 12)  # Monday after National Day 2026
        ten_before = self.cal.add_workdays(stationing, -10)
        self.assertEqual(self.cal.workdays_between(ten_before, stationing), 10)
        self.assertEqual(self.cal.workdays_between(stationing, ten_before), -10)
        self.assertEqual(self.cal.workdays_between(stationing, stationing), 0)

    def test_unknown_year_falls_back_to_weekends_and_overrides(self):
        cal = Calendar(overrides={D(2031, 1, 1): False, D(2031, 1, 4): True})
        self.assertFalse(cal.covers(2032))
        self.assertTrue(cal.covers(2031))
        self.assertFalse(cal.is_workday(D(2031, 1, 1)))  # override: holiday
        self.assertTrue(cal.is_workday(D(2031, 1, 4)))  # override: Saturday worked
        self.assertFalse(Calendar().is_workday(D(2032, 1, 3)))  # a Saturday

    def test_add_months_clamps(self):
        self.assertEqual(add_months(D(2026, 1, 31), 1), D(2026, 2, 28))
        self.assertEqual(add_months(D(2026, 11, 30), 3), D(2027, 2, 28))
        self.assertEqual(add_months(D(2028, 1, 31), 1), D(2028, 2, 29))
