"""The staff forms start on today's date in Jiangyin, not on the server's UTC day."""

from __future__ import annotations

import datetime as dt

import pytest

from core import china_time
from tests.dashboard.staff_helpers import check_no_exception, open_page, sign_in


@pytest.mark.parametrize(("account", "page", "key"), [
    ("town", "record_finding", "finding_date"), ("staff", "record_interview", "interview_date"),
])
def test_at_17_00_utc_on_31_march_the_form_date_is_1_april(staff_app, monkeypatch, account, page, key):
    monkeypatch.setattr(china_time, "utc_now", lambda: dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC))
    sign_in(staff_app, account)
    open_page(staff_app, page)
    check_no_exception(staff_app)
    assert staff_app.date_input(key=key).value == dt.date(2025, 4, 1)
