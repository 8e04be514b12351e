"""tests/builders.py keeps its word: valid and distinct codes, wrong ones invalid, findings dated by their period."""

from __future__ import annotations

from stdnum.cn import ric, uscc

from core.values import credit_code_problem
from tests.builders import credit_code, finding, findings_table, id_number, with_wrong_check_digit


def test_every_credit_code_is_valid_distinct_and_a_wrong_check_digit_is_not():
    codes = [credit_code(n) for n in range(2000)]
    assert len(set(codes)) == 2000 and all(uscc.is_valid(c) and credit_code_problem(c) is None for c in codes)
    assert not any(uscc.is_valid(with_wrong_check_digit(c)) for c in codes[:200])


def test_every_id_number_is_valid():
    assert all(ric.is_valid(id_number(i, born)) for i in range(1000) for born in ("19850312", "19790423"))


def test_a_finding_takes_its_period_from_its_date_and_its_date_from_its_period():
    assert (finding()["period"], finding()["date"]) == ("Q1", "2025-02-10")
    assert finding(date="2025-08-01")["period"] == "Q3"
    assert finding(period="Q4", year=2024)["date"] == "2024-11-10"
    bureau = finding(assessor="市应急管理局")
    assert (bureau["period"], bureau["date"], bureau["year"]) == ("", "2025-06-15", "")
    table = findings_table([bureau, finding(period="YE", date="2026-03-02", year=2025)])
    assert table[["period", "year", "row"]].to_dict("records") == [{"period": "Y", "year": 2025, "row": 2},
                                                                   {"period": "YE", "year": 2025, "row": 3}]
