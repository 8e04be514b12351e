"""One finding, two ways in (an uploaded file, the staff form): the same year and period, or the same refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InputError
from core.reader import read_findings
from db.findings.recording import RecordError, record_finding
from tests.builders import ACCOUNT_TOWN, TOWN, fast_argon2, make_staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("fast_argon2")

CODE = "91320281MA1MA1234K"


def _from_file(period: str, day: dt.date, year: int | None) -> tuple[str, int]:
    csv = ("统一社会信用代码,机构名称,条款,评定单位,考核期,日期,年度\n"
           f"{CODE},江阴安信评价有限公司,3.1,{ACCOUNT_TOWN},{period},{day.isoformat()},{year or ''}\n")
    frame = read_findings(csv.encode(), name="f.csv")
    return frame["period"].iloc[0], int(frame["year"].iloc[0])


def _from_form(engine, user, period: str, day: dt.date, year: int | None) -> tuple[str, int]:
    stored = record_finding(engine=engine, user=user, credit_code=CODE, agency_name="江阴安信评价有限公司",
                            clause="3.1", date=day, period=period, year=year)
    return stored["period"], stored["year"]


@pytest.mark.parametrize(("period", "day", "year", "expected"), [
    ("年底", dt.date(2025, 2, 10), None, ("YE", 2024)),
    ("年底", dt.date(2025, 11, 1), None, ("YE", 2025)),
    ("年底", dt.date(2026, 1, 1), 2025, ("YE", 2025)),
    ("一季度", dt.date(2025, 3, 31), None, ("Q1", 2025)),
])
def test_a_finding_counts_in_the_same_year_from_a_file_and_from_the_form(engine, period, day, year, expected):
    town = make_staff(engine)["town"]
    assert _from_file(period, day, year) == expected
    assert _from_form(engine, town, period, day, year) == expected


@pytest.mark.parametrize(("period", "day", "year"), [
    ("年底", dt.date(2025, 2, 10), 2025), ("年底", dt.date(2025, 10, 31), None), ("一季度", dt.date(2025, 2, 10), 2024),
])
def test_a_finding_outside_its_window_is_refused_the_same_way_by_file_and_form(engine, period, day, year):
    town = make_staff(engine)["town"]
    with pytest.raises(InputError) as from_file:
        _from_file(period, day, year)
    with pytest.raises(RecordError) as from_form:
        _from_form(engine, town, period, day, year)
    [problem] = from_file.value.problems
    assert (problem.message_zh, problem.message_en) == (from_form.value.message_zh, from_form.value.message_en)


def test_a_single_finding_is_charged_before_an_uploaded_one_of_the_same_day_on_both_databases(engine):
    """Which finding a period's floor leaves at 0 depends on the charge order: both databases order it alike."""
    from db.publishing.rating import findings_frame
    from tests.builders import finding
    from tests.db.publishing import load

    staff = make_staff(engine)
    day = dt.date(2025, 2, 10)
    load(engine, [finding(1, "2.1", period="Q1", assessor=ACCOUNT_TOWN, date="2025-02-10")])
    record_finding(engine=engine, user=staff["town"], credit_code=CODE, agency_name="江阴安信评价有限公司",
                   clause="3.1", date=day, period="Q1", year=2025)
    with engine.connect() as connection:
        frame = findings_frame(connection, 2025)
    assert list(frame["clause"]) == ["3.1", "2.1"]
