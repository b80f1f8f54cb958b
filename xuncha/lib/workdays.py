"""Working days: weekends and official holidays skipped, official make-up days (调休) counted.

The official calendar comes from the ``chinese-calendar`` package, which knows the years the
State Council has published. Beyond them only weekends are known until an administrator
enters the year's holidays as overrides (``Calendar(overrides=...)``); ``covers(year)``
tells the pages to show that warning.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar import constants as _cc

_KNOWN_YEARS = frozenset(d.year for d in _cc.holidays) | frozenset(d.year for d in _cc.workdays)


def official_years() -> frozenset[int]:
    return _KNOWN_YEARS


@dataclass(frozen=True)
class Calendar:
    """A working-day calendar; ``overrides`` maps a date to True (work) or False (rest)."""

    overrides: Mapping[datetime.date, bool] = field(default_factory=dict)

    def covers(self, year: int) -> bool:
        """Whether the official holidays of ``year`` are known (or entered by hand)."""
        return year in _KNOWN_YEARS or any(d.year == year for d in self.overrides)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in _KNOWN_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_workdays(self, start: datetime.date, count: int) -> datetime.date:
        """The date ``count`` working days after ``start`` (before it, if negative).

        ``start`` itself is not counted: 15 working days from a Friday feedback meeting
        ends on the 15th working day after that Friday.
        """
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        day = start
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign > 0 else (end, start)
        days = 0
        day = lo
        while day < hi:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                days += 1
        return sign * days


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError("unreachable")


DEFAULT = Calendar()
