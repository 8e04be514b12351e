"""Which rating year and period a finding counts in: one rule for every way a finding arrives (file, staff form)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import CreditBoardError, Problem
from core.rulebook import Period, Rulebook
from core.towns import assessor_kind, assessor_name_zh
from core.values import YEAR_MAX, YEAR_MIN, year_problem


class PlacementError(CreditBoardError):
    """A finding that fits no year or period: the column to blame ("period", "date", "year"), 中文, English, value."""

    def __init__(self, column: str, message_zh: str, message_en: str, value: str = ""):
        self.column = column
        self.value = value
        super().__init__(message_zh, message_en, problems=[Problem(None, column, message_zh, message_en, value)])


@dataclass(frozen=True, slots=True)
class Placement:
    """The period key and rating year a finding is charged to."""

    period: str
    year: int


def year_of(period: Period, day: dt.date) -> int | None:
    """The rating year of a finding with no 年度: the year of its date, unless only the previous year's window holds it.

    Derived from the windows alone: a window that runs into the next year (年底, 1 Nov – 31 Mar) reaches back, so a
    year-end finding dated in February belongs to the year before; a window that starts on 1 January (the bureau's
    year) already holds its date in the date's own year. None when neither window holds the date.
    """
    for year in (day.year, day.year - 1):
        start, end = period.window(year)
        if start <= day <= end:
            return year
    return None


def period_by_date(rulebook: Rulebook, assessor: str, day: dt.date, year: int | None = None) -> str | None:
    """The first period of the assessor's bucket whose window for `year` (default: the date's year) holds the date."""
    bucket = rulebook.bucket_for(assessor_kind(assessor))
    year = year or day.year
    return next((p.key for p in bucket.periods if p.window(year)[0] <= day <= p.window(year)[1]), None)


def _period(rulebook: Rulebook, assessor: str, period: str | None) -> Period:
    """The assessor's period `period` (a key); a bucket's only period when blank; PlacementError otherwise."""
    bucket = rulebook.bucket_for(assessor_kind(assessor))
    who = assessor_name_zh(assessor)
    keys = ", ".join(p.key for p in bucket.periods)
    choices_zh = "、".join(p.label_zh for p in bucket.periods)
    if not period:
        if len(bucket.periods) == 1:
            return bucket.periods[0]
        raise PlacementError("period", f"{who}的扣分记录必须填写考核期（{choices_zh}）",
                             f"a finding by {assessor} needs a period ({keys})")
    chosen = next((p for p in bucket.periods if p.key == period), None)
    if chosen is not None:
        return chosen
    other = next((p.label_zh for b in rulebook.buckets for p in b.periods if p.key == period), period)
    raise PlacementError("period", f"考核期“{other}”不适用于{who}（可用：{choices_zh}）",
                         f"period {period} does not apply to {assessor} (expected {keys})", other)


def place(rulebook: Rulebook, *, assessor: str, day: dt.date, year: int | None = None,
          period: str | None = None) -> Placement:
    """Where a finding counts: 年度 given → that year, the date inside the period's window for it; 年度 blank →
    `year_of`. A date outside its window is refused (PlacementError), never moved to another year or period."""
    chosen = _period(rulebook, assessor, period)
    if year and year_problem(year):
        raise PlacementError("year", *year_problem(year), str(year))
    rating_year = year or year_of(chosen, day) or day.year
    if not year and year_problem(rating_year):  # a date of 2101 without 年度 would otherwise rate the year 2101
        raise PlacementError("date", f"日期所在年度{rating_year}超出{YEAR_MIN}—{YEAR_MAX}年",
                             f"the date falls in {rating_year}, outside the years {YEAR_MIN}–{YEAR_MAX}",
                             day.isoformat())
    start, end = chosen.window(rating_year)
    if start <= day <= end:
        return Placement(chosen.key, rating_year)
    if year and not start.year <= day.year <= end.year:
        raise PlacementError("year", f"年度{year}与日期{day.isoformat()}不符（{chosen.label_zh}）",
                             f"the year {year} does not fit the date {day.isoformat()} ({chosen.label_en})", str(year))
    raise PlacementError(
        "date", f"日期不在{rating_year}年度{chosen.label_zh}的期限内（{start.isoformat()}至{end.isoformat()}）",
        f"date outside {chosen.label_en} of {rating_year} ({start.isoformat()} to {end.isoformat()})", day.isoformat())
