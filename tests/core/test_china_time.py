"""China time: the day in Jiangyin is not the server's UTC day, and stored UTC times read in China time."""

from __future__ import annotations

import datetime as dt

from core import china_time


def test_today_is_the_day_in_jiangyin_not_on_a_utc_server(monkeypatch):
    monkeypatch.setattr(china_time, "utc_now", lambda: dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC))
    assert china_time.today() == dt.date(2025, 4, 1)
    monkeypatch.setattr(china_time, "utc_now", lambda: dt.datetime(2025, 3, 31, 15, 59, tzinfo=dt.UTC))
    assert china_time.today() == dt.date(2025, 3, 31)


def test_a_naive_stored_time_is_read_as_utc_and_shown_eight_hours_later():
    shown = china_time.to_china(dt.datetime(2025, 12, 31, 16, 30))
    assert (shown.date(), shown.hour, shown.utcoffset()) == (dt.date(2026, 1, 1), 0, dt.timedelta(hours=8))


def test_a_china_day_starts_at_16_00_utc_the_day_before():
    assert china_time.day_start(dt.date(2025, 4, 1)) == dt.datetime(2025, 3, 31, 16, 0, tzinfo=dt.UTC)
