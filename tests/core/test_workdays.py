"""Working days: the statutory calendar with 调休, and years added as data; an uncovered year is refused by name."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.errors import InputError
from core.workdays import CalendarMissing, WorkCalendar, load_holidays

D = dt.date


def test_national_day_2025_skips_the_holiday_and_counts_both_tiaoxiu_weekend_days():
    calendar = WorkCalendar.default()
    # 2025 notice: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert calendar.is_workday(D(2025, 9, 28)) and calendar.is_workday(D(2025, 10, 11))
    assert not calendar.is_workday(D(2025, 10, 8)) and not calendar.is_workday(D(2025, 10, 12))
    counted = [d for d in (D(2025, 9, 26) + dt.timedelta(days=k) for k in range(1, 21)) if calendar.is_workday(d)]
    assert calendar.after(D(2025, 9, 26), 10) == counted[9]
    assert counted[:2] == [D(2025, 9, 28), D(2025, 9, 29)] and D(2025, 10, 11) in counted[:10]


def test_counting_starts_the_day_after_the_change():
    calendar = WorkCalendar.default()
    monday = D(2025, 6, 9)
    assert calendar.after(monday, 1) == D(2025, 6, 10)
    assert calendar.after(D(2025, 6, 13), 1) == D(2025, 6, 16)  # Friday → Monday


def test_a_year_past_the_library_is_an_error_naming_it():
    calendar = WorkCalendar({})
    with pytest.raises(CalendarMissing) as info:
        calendar.after(D(2099, 3, 1), 10)
    assert info.value.year == 2099 and "2099" in str(info.value)
    assert isinstance(info.value, InputError)


def test_a_year_added_as_data_is_used(tmp_path):
    path = tmp_path / "holidays.toml"
    path.write_text('[years.2099]\nholidays = ["2099-05-01", "2099-05-04"]\nworking_weekends = ["2099-05-09"]\n',
                    encoding="utf-8")
    calendar = WorkCalendar(load_holidays(path))
    assert not calendar.is_workday(D(2099, 5, 1)) and not calendar.is_workday(D(2099, 5, 4))
    assert calendar.is_workday(D(2099, 5, 9))  # a Saturday made a working day
    # 2099-04-30 is a Thursday: 5/1 off, 5/2–3 weekend, 5/4 off, then 5/5, 6, 7, 8, 9 (调休 Saturday).
    assert calendar.after(D(2099, 4, 30), 5) == D(2099, 5, 9)


def test_a_malformed_holidays_file_is_refused_with_every_problem(tmp_path):
    path = tmp_path / "holidays.toml"
    path.write_text('[years.2099]\nholidays = ["2099-02-30", "2098-01-01"]\nworking_weekends = ["2099-05-04"]\n',
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_holidays(path)
    assert len(info.value.problems) == 3


def test_the_shipped_holidays_file_loads():
    assert isinstance(load_holidays(), dict)


def test_deadlines_and_rest_day_moves_name_a_missing_year_instead_of_refusing():
    calendar = WorkCalendar({})
    ends, missing = calendar.deadlines(np.array(["2099-03-02", "2025-09-26"], dtype="datetime64[D]"), 10)
    assert np.isnat(ends[0]) and ends[1] == np.datetime64("2025-10-16") and missing.tolist() == [2099, 0]
    days = np.array(["2025-10-05", "2025-03-05", "2025-02-08", "2099-01-05"], dtype="datetime64[D]")
    moved, missing = calendar.rest_day_moves(days)
    # The National Day week moves the 5th to the 9th; a working Wednesday and a 调休 Saturday stay; 2099 waits.
    assert moved[:3].astype(str).tolist() == ["2025-10-09", "2025-03-05", "2025-02-08"] and np.isnat(moved[3])
    assert missing.tolist() == [0, 0, 0, 2099]
