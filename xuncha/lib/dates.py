"""The committee's local dates and times, the one place every document, page and export
takes them from.

Timestamps are stored in UTC; a person reads the calendar day of the committee, Beijing time
(``settings.TIME_ZONE``, Asia/Shanghai). A report approved at 02:11 Beijing time on 12-04 is
18:11 UTC on 12-03: taking ``.date()`` of the stored value signs it a day early.

There is no per-committee zone: Party and government bodies across China, Xinjiang and Tibet
included, date their documents in Beijing time, so one zone (the setting) serves every
committee; a deployment elsewhere changes ``TIME_ZONE``.

Written dates follow GB/T 9704-2012 §7.3.5.1 for the 成文日期: Arabic numerals, the year in
full, month and day without a leading zero ("2026年12月4日", not "2026年12月04日").
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def zone() -> zoneinfo.ZoneInfo:
    """The committees' zone (``settings.TIME_ZONE``)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment in the committees' zone (a naive one is taken as UTC, which is how
    the database hands them back when ``USE_TZ`` is on)."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(zone())


def local_date(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    """The calendar day a person reads: a moment's local day, a date as it is."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return local(value).date()
    return value


def today() -> datetime.date:
    """Today in the committees' zone."""
    return local(timezone.now()).date()


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """"2026年12月4日" (GB/T 9704 §7.3.5.1), the local day of a moment; "" for none."""
    day = local_date(value)
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(value: datetime.date | datetime.datetime | None) -> str:
    """"2026年12月", for periods given by month."""
    day = local_date(value)
    return f"{day.year}年{day.month}月" if day else ""


def cn_datetime(value: datetime.datetime | None) -> str:
    """"2026年12月4日 02:11", local time, for a moment that is printed with its time."""
    if value is None:
        return ""
    moment = local(value)
    return f"{cn_date(moment)} {moment:%H:%M}"


def iso_local(value: datetime.datetime | None) -> str:
    """"2026-12-04 02:11", local time, for tables and exports."""
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def cn_period(start: datetime.date | None, end: datetime.date | None) -> str:
    """"2026年3月1日至2026年5月31日"; an open end reads "起" / "止"; "" for neither."""
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}"
    if start:
        return f"{cn_date(start)}起"
    if end:
        return f"截至{cn_date(end)}"
    return ""
