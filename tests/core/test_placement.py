"""Which year and period a finding counts in (core.placement): every boundary of every window, with and without 年度."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InputError
from core.placement import Placement, PlacementError, place, year_of
from core.reader import read_findings
from core.rulebook import Period, load_rulebook

TOWN = "璜土镇"
RULES = load_rulebook()
D = dt.date


def _place(day: dt.date, period: str | None, *, assessor: str = TOWN, year: int | None = None) -> Placement:
    return place(RULES, assessor=assessor, day=day, year=year, period=period)


def _refused(day: dt.date, period: str | None, *, assessor: str = TOWN, year: int | None = None) -> str:
    with pytest.raises(PlacementError) as caught:
        _place(day, period, assessor=assessor, year=year)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value.column


@pytest.mark.parametrize(("day", "year"), [
    (D(2025, 11, 1), 2025), (D(2025, 12, 31), 2025), (D(2026, 1, 1), 2025), (D(2026, 3, 31), 2025),
    (D(2024, 2, 29), 2023),
])
def test_a_year_end_finding_without_year_counts_in_the_year_its_window_starts(day, year):
    assert _place(day, "YE") == Placement("YE", year)


@pytest.mark.parametrize("day", [D(2025, 10, 31), D(2026, 4, 1), D(2025, 6, 30)])
def test_a_year_end_finding_dated_outside_every_window_is_a_bad_date(day):
    assert _refused(day, "YE") == "date"


def test_a_year_end_finding_dated_early_in_the_year_it_names_is_refused_not_moved():
    assert _refused(D(2025, 2, 10), "YE", year=2025) == "date"
    assert _place(D(2025, 2, 10), "YE", year=2024) == Placement("YE", 2024)
    assert _place(D(2024, 2, 29), "YE", year=2023) == Placement("YE", 2023)
    assert _refused(D(2025, 10, 31), "YE", year=2025) == "date"
    assert _place(D(2025, 11, 1), "YE", year=2025) == Placement("YE", 2025)


@pytest.mark.parametrize(("day", "period"), [
    (D(2025, 1, 1), "Q1"), (D(2025, 3, 31), "Q1"), (D(2025, 4, 1), "Q2"), (D(2025, 9, 30), "Q3"),
    (D(2025, 10, 1), "Q4"), (D(2025, 12, 31), "Q4"), (D(2024, 2, 29), "Q1"),
])
def test_a_quarter_finding_counts_in_the_year_of_its_date(day, period):
    assert _place(day, period) == Placement(period, day.year)
    assert _place(day, period, year=day.year) == Placement(period, day.year)


def test_a_quarter_finding_outside_its_quarter_is_refused_at_both_edges():
    assert _refused(D(2025, 4, 1), "Q1") == "date"
    assert _refused(D(2025, 12, 31), "Q1") == "date"
    assert _refused(D(2026, 1, 1), "Q4") == "date"


def test_a_first_quarter_finding_with_the_previous_year_is_refused_by_its_year():
    assert _refused(D(2025, 2, 10), "Q1", year=2024) == "year"
    assert _refused(D(2026, 1, 1), "Q4", year=2025) == "year"


def test_a_bureau_finding_in_january_to_march_counts_in_its_date_year_unless_the_year_says_the_previous_one():
    for day in (D(2026, 1, 1), D(2026, 3, 31)):
        assert _place(day, None, assessor="bureau") == Placement("Y", 2026)
        assert _place(day, "Y", assessor="bureau", year=2025) == Placement("Y", 2025)
    assert _place(D(2024, 2, 29), "Y", assessor="bureau", year=2023) == Placement("Y", 2023)
    assert _refused(D(2026, 4, 1), "Y", assessor="bureau", year=2025) == "date"
    assert _place(D(2026, 4, 1), "Y", assessor="bureau") == Placement("Y", 2026)


def test_a_town_period_for_the_bureau_or_a_town_finding_without_period_is_refused_by_period():
    assert _refused(D(2025, 5, 1), "Q2", assessor="bureau") == "period"
    assert _refused(D(2025, 5, 1), "Y") == "period"
    assert _refused(D(2025, 5, 1), None) == "period"


def test_a_year_outside_2000_to_2100_is_refused_even_when_reached_back_to():
    assert _refused(D(2000, 2, 1), "YE") == "date"  # would be the year-end of 1999
    assert _refused(D(2101, 5, 1), "Q2") == "date"
    assert _place(D(2101, 2, 1), "YE") == Placement("YE", 2100)


def test_reaching_back_a_year_follows_the_window_not_the_period_name():
    """Any period whose window runs into the next year reaches back; one that starts on 1 January never does."""
    winter = Period("W", "冬季", "Winter", (), 10, 0, "10-01", "02-28", True)
    whole = Period("Y", "全年", "Whole year", (), 50, 0, "01-01", "03-31", True)
    assert year_of(winter, D(2025, 2, 1)) == 2024
    assert year_of(winter, D(2025, 10, 1)) == 2025
    assert year_of(winter, D(2025, 5, 1)) is None
    assert year_of(whole, D(2025, 2, 1)) == 2025


CSV_HEADER = "统一社会信用代码,机构名称,条款,评定单位,考核期,日期,年度\n"
CODE = "91320281MA1MA1234K"


def _file_row(period: str, day: str, year: str = "", assessor: str = TOWN) -> bytes:
    return (CSV_HEADER + f"{CODE},江阴安信评价有限公司,3.1,{assessor},{period},{day},{year}\n").encode()


def test_the_reader_places_a_year_end_finding_by_the_same_rule():
    frame = read_findings(_file_row("年底", "2025-02-10"), name="f.csv")
    assert (frame["period"].tolist(), frame["year"].tolist()) == (["YE"], [2024])
    frame = read_findings(_file_row("年底", "2025-11-01"), name="f.csv")
    assert (frame["period"].tolist(), frame["year"].tolist()) == (["YE"], [2025])


@pytest.mark.parametrize(("period", "day", "year", "column"), [
    ("年底", "2025-02-10", "2025", "日期"), ("年底", "2025-10-31", "", "日期"), ("一季度", "2025-02-10", "2024", "年度"),
])
def test_the_reader_names_the_row_and_column_of_a_finding_outside_its_window(period, day, year, column):
    with pytest.raises(InputError) as caught:
        read_findings(_file_row(period, day, year), name="f.csv")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, column)
