"""China time (Asia/Shanghai) in one place: the day a date field starts on, and how stored UTC times are shown."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC (one place to stop the clock in tests)."""
    return dt.datetime.now(dt.UTC)


def to_china(when: dt.datetime) -> dt.datetime:
    """`when` in China time; a naive value is taken as UTC (how the database hands stored times back)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(CHINA_TZ)


def today() -> dt.date:
    """Today's date in Jiangyin, whatever the server's own time zone (a UTC server is 8 hours behind)."""
    return to_china(utc_now()).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in China time, as an aware UTC datetime (for filters on stored times)."""
    return dt.datetime.combine(day, dt.time(), CHINA_TZ).astimezone(dt.UTC)
