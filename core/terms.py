"""Calendar arithmetic for listing terms: a date plus whole months (the day clamped to the month's end)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved `months` calendar months on; 31 Jan + 1 month is 28/29 Feb, 29 Feb 2024 + 12 is 28 Feb 2025."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
