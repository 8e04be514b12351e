"""Working days under China's statutory calendar (holidays and 调休 working weekends): deadlines of 第九条."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import InputError, Problem
from core.text import counted, plural

HOLIDAYS_FILE = Path(__file__).with_name("holidays.toml")


class CalendarMissing(InputError):
    """A year neither chinesecalendar nor the holidays file covers: never guessed, refused by name."""

    def __init__(self, year: int, origin: str):
        self.year = year
        super().__init__([Problem(
            None, None,
            f"没有{year}年的法定节假日安排，无法计算工作日：请按国务院办公厅通知补充到{origin}",
            f"no statutory holiday calendar for {year}, so working days cannot be counted: "
            f"add that year from the State Council's notice to {origin}", str(year))])


def waiting_problems(missing: dict[int, int], origin: str = f"core/{HOLIDAYS_FILE.name}") -> list[Problem]:
    """One warning per calendar year missing (year → how many watch items wait for it): the rest was decided."""
    return [Problem(
        None, None,
        f"{n}项监测结果需要{year}年的法定节假日安排才能判定，暂不列为建议（其余已判定）：请按国务院办公厅通知补充到{origin}",
        f"{counted(n, 'watch item', 'watch items')} {plural(n, 'needs', 'need')} the statutory holiday calendar of "
        f"{year} and {plural(n, 'is', 'are')} not suggested yet (everything else "
        f"was decided): add that year from the State Council's notice to {origin}", str(year))
        for year, n in sorted(missing.items())]


@dataclass(frozen=True)
class YearDays:
    """One year's exceptions to Monday–Friday: days off and working weekend days (调休)."""

    holidays: frozenset[dt.date]
    working_weekends: frozenset[dt.date]


def _library_year(year: int) -> YearDays | None:
    """The year from chinesecalendar, or None when its data stops before it."""
    import chinese_calendar
    from chinese_calendar import constants

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    return YearDays(frozenset(d for d in constants.holidays if d.year == year),
                    frozenset(d for d in constants.workdays if d.year == year))


def _parse_days(values: object, where: str, year: int, problems: list[str]) -> frozenset[dt.date]:
    days = set()
    for value in values if isinstance(values, list) else [values]:
        day = value if isinstance(value, dt.date) else None
        if day is None:
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                problems.append(f"{where}: not a date {value!r}")
                continue
        if day.year != year:
            problems.append(f"{where}: {day.isoformat()} is not in {year}")
        days.add(day)
    return frozenset(days)


def load_holidays(path: str | Path = HOLIDAYS_FILE) -> dict[int, YearDays]:
    """Years added as data; InputError naming every malformed entry (a wrong calendar is worse than none)."""
    path = Path(path)
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("years", {})
    problems: list[str] = []
    years: dict[int, YearDays] = {}
    for key, entry in raw.items():
        if not str(key).isdigit() or not isinstance(entry, dict):
            problems.append(f"years.{key}: expected [years.YYYY] with holidays and working_weekends")
            continue
        year = int(key)
        holidays = _parse_days(entry.get("holidays", []), f"years.{key}.holidays", year, problems)
        working = _parse_days(entry.get("working_weekends", []), f"years.{key}.working_weekends", year, problems)
        weekdays = sorted(d.isoformat() for d in working if d.weekday() < 5)
        if weekdays:
            problems.append(f"years.{key}.working_weekends: not a Saturday or Sunday: {', '.join(weekdays)}")
        years[year] = YearDays(holidays, working)
    if problems:
        raise InputError([Problem(None, path.name, "节假日数据文件有误", line) for line in problems])
    return years


@dataclass
class WorkCalendar:
    """Which days are working days; a year is looked up once, from the holidays file first, then the library."""

    extra: dict[int, YearDays] = field(default_factory=dict)
    origin: str = f"core/{HOLIDAYS_FILE.name}"
    _years: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def default(cls) -> WorkCalendar:
        """chinesecalendar plus core/holidays.toml."""
        return cls(load_holidays())

    def _year(self, year: int) -> np.ndarray:
        """Working-day flags of every day of `year` (index 0 = 1 January)."""
        if year not in self._years:
            days = self.extra.get(year) or _library_year(year)
            if days is None:
                raise CalendarMissing(year, self.origin)
            first = np.datetime64(f"{year}-01-01")
            span = np.arange(first, np.datetime64(f"{year + 1}-01-01"))
            working = np.is_busday(span)
            for day in days.holidays:
                working[(np.datetime64(day) - first).astype(int)] = False
            for day in days.working_weekends:
                working[(np.datetime64(day) - first).astype(int)] = True
            self._years[year] = working
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        """True on a working day (Monday–Friday not on holiday, or a 调休 weekend day)."""
        return bool(self._year(day.year)[day.timetuple().tm_yday - 1])

    def after(self, day: dt.date, workdays: int) -> dt.date:
        """The `workdays`-th working day after `day`, counting from the next day (the last day a deadline allows)."""
        current, left = day, workdays
        while left:
            current += dt.timedelta(days=1)
            left -= self.is_workday(current)
        return current

    def deadlines(self, days: np.ndarray, workdays: int) -> tuple[np.ndarray, np.ndarray]:
        """`after` for each of `days` (datetime64), computed once per distinct day: the last days (NaT where a year
        the calendar does not cover was needed) and that missing year (0 where the day is known)."""
        distinct, inverse = np.unique(days.astype("datetime64[D]"), return_inverse=True)
        ends = np.full(len(distinct), np.datetime64("NaT"), dtype="datetime64[D]")
        missing = np.zeros(len(distinct), dtype=np.int64)
        for i, day in enumerate(distinct):
            if np.isnat(day):
                continue
            try:
                ends[i] = np.datetime64(self.after(day.astype(dt.date), workdays), "D")
            except CalendarMissing as exc:
                missing[i] = exc.year
        inverse = inverse.reshape(-1)
        return ends[inverse], missing[inverse]

    def rest_day_moves(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each of `days` (datetime64), or when it is not a working day the next working day (民法典 第二百零三条: a
        period whose last day is a rest day ends on the day after the rest); as `deadlines`, NaT and the missing year
        where the calendar does not cover a day needed."""
        return self.deadlines(days.astype("datetime64[D]") - np.timedelta64(1, "D"), 1)
