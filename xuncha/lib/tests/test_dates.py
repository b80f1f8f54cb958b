"""Local dates from one helper (xuncha/lib/dates.py), around midnight Beijing time."""

import datetime

from django.test import SimpleTestCase, override_settings

from xuncha.lib import dates

UTC = datetime.UTC


class LocalDateTests(SimpleTestCase):
    def test_after_midnight_in_beijing_is_the_next_day(self):
        moment = datetime.datetime(2026, 12, 3, 18, 11, tzinfo=UTC)  # 02:11 on 12-04
        self.assertEqual(dates.local_date(moment), datetime.date(2026, 12, 4))
        self.assertEqual(dates.cn_date(moment), "2026年12月4日")
        self.assertEqual(dates.cn_datetime(moment), "2026年12月4日 02:11")
        self.assertEqual(dates.iso_local(moment), "2026-12-04 02:11")

    def test_just_before_midnight_in_beijing_is_still_that_day(self):
        moment = datetime.datetime(2026, 12, 3, 15, 59, tzinfo=UTC)  # 23:59 on 12-03
        self.assertEqual(dates.cn_date(moment), "2026年12月3日")

    def test_a_naive_moment_is_taken_as_utc(self):
        self.assertEqual(dates.cn_date(datetime.datetime(2026, 12, 3, 18, 11)), "2026年12月4日")

    def test_dates_have_no_leading_zeros(self):
        """GB/T 9704-2012 §7.3.5.1: Arabic numerals, month and day without a leading 0."""
        self.assertEqual(dates.cn_date(datetime.date(2026, 1, 5)), "2026年1月5日")
        self.assertEqual(dates.cn_month(datetime.date(2026, 1, 5)), "2026年1月")
        self.assertEqual(dates.cn_date(None), "")

    def test_periods(self):
        start, end = datetime.date(2026, 3, 1), datetime.date(2026, 5, 31)
        self.assertEqual(dates.cn_period(start, end), "2026年3月1日至2026年5月31日")
        self.assertEqual(dates.cn_period(start, None), "2026年3月1日起")
        self.assertEqual(dates.cn_period(None, end), "截至2026年5月31日")

    @override_settings(TIME_ZONE="Asia/Urumqi")
    def test_the_zone_is_the_setting(self):
        moment = datetime.datetime(2026, 12, 3, 18, 11, tzinfo=UTC)  # 00:11 in Urumqi
        self.assertEqual(dates.cn_date(moment), "2026年12月4日")
        self.assertEqual(dates.iso_local(moment), "2026-12-04 00:11")
