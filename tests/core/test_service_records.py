"""The six service-record files read through the one reader: typed tables, or every problem by row and column."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.limits import ReadLimits
from core.service_records import RECORD_COLUMNS, RECORD_KINDS, parse_month, parse_yes_no, read_records
from tests.builders import credit_code, id_number, records_csv, records_xlsx, with_id_check_digit

VISIT = {"credit_code": credit_code(1), "month": "2025-03", "submitted_on": "2025-04-03", "client_code": credit_code(501),
         "client_name": "甲化工有限公司", "town": "华士", "contract_no": "HT-1", "visit_date": "2025-03-12",
         "practitioner": "张三", "hazards": "2", "written_advice": "是"}


def problems(kind: str, data: bytes, name: str = "f.csv") -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as info:
        read_records(kind, data, name=name)
    return [(p.row, p.column, p.message_en) for p in info.value.problems]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_kind_refuses_a_file_missing_each_required_column(kind):
    header = ",".join(c.key for c in RECORD_COLUMNS[kind] if not c.required)
    found = problems(kind, (header or "note") .encode() + b"\n")
    missing = {column for row, column, _ in found if row == 1}
    assert {c.key for c in RECORD_COLUMNS[kind] if c.required} <= missing


def test_a_visits_file_with_chinese_headers_in_gbk_reads_typed():
    frame = read_records("visits", records_csv("visits", [VISIT], chinese=True).decode().encode("gbk"), name="v.csv")
    assert frame.loc[0, "town"] == "华士镇"  # the short form resolved
    assert frame.loc[0, "hazards"] == 2 and bool(frame.loc[0, "written_advice"]) is True
    assert str(frame.loc[0, "month"].date()) == "2025-03-01" and frame.loc[0, "row"] == 2


def test_an_xlsx_visits_file_reads_like_its_csv():
    from_xlsx = read_records("visits", records_xlsx("visits", [VISIT]), name="v.xlsx")
    from_csv = read_records("visits", records_csv("visits", [VISIT]), name="v.csv")
    assert from_xlsx.equals(from_csv)


@pytest.mark.parametrize(("text", "month"), [("2025-03", "2025-03-01"), ("2025/3", "2025-03-01"),
                                             ("2025年3月", "2025-03-01"), ("202503", "2025-03-01"),
                                             ("2025-03-01", "2025-03-01"), ("2025-03-02", None), ("2025-13", None),
                                             ("三月", None)])
def test_months_are_read_in_the_forms_people_type(text, month):
    parsed = parse_month(text)
    assert (parsed.isoformat() if parsed else None) == month


@pytest.mark.parametrize(("text", "answer"), [("是", True), ("Y", True), ("1", True), ("✓", True), ("TRUE", True),
                                              ("否", False), ("n", False), ("0", False), ("可能", None)])
def test_yes_no_is_read_in_its_forms(text, answer):
    assert parse_yes_no(text) is answer


def test_every_bad_visit_cell_is_named_by_row_and_column_in_both_languages():
    bad = [{**VISIT, "credit_code": credit_code(1)[:-1] + "0"}, {**VISIT, "town": "火星镇"},
           {**VISIT, "hazards": "-1"}, {**VISIT, "written_advice": "也许"}, {**VISIT, "visit_date": "2025-04-01"},
           {**VISIT, "month": "2025-3-x"}, {**VISIT, "practitioner": "张\u202e三"}]
    with pytest.raises(InputError) as info:
        read_records("visits", records_csv("visits", bad), name="v.csv")
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(2, "credit_code"), (3, "town"), (4, "hazards"), (5, "written_advice"), (6, "visit_date"),
                     (7, "month"), (8, "practitioner")}
    assert all(p.message_zh and p.message_en for p in info.value.problems)


def test_id_numbers_are_checked_and_stored_with_an_upper_case_check_letter():
    good = {"credit_code": credit_code(1), "name": "张三", "specialty": "化工", "joined_on": "2025-01-01"}
    valid = id_number(7)
    wrong_digit = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    rows = [{**good, "id_number": valid.lower()}, {**good, "id_number": wrong_digit},
            {**good, "id_number": valid[:17]}, {**good, "id_number": valid, "specialty": "木工"}]
    found = problems("practitioners", records_csv("practitioners", rows))
    assert [(r, c) for r, c, _ in found] == [(3, "id_number"), (4, "id_number"), (5, "specialty")]
    frame = read_records("practitioners", records_csv("practitioners", rows[:1]))
    assert frame.loc[0, "id_number"] == valid.upper()


def test_a_refused_id_number_is_shown_by_its_last_4_characters_only():
    good = {"credit_code": credit_code(1), "name": "张三", "specialty": "化工", "joined_on": "2025-01-01"}
    valid = id_number(8)
    wrong_digit = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    numbers = [wrong_digit, valid[:17], valid + "99", valid[:10] + "ABCDEFG" + valid[-1], valid[:6] + "\u202e" + valid[6:]]
    with pytest.raises(InputError) as info:
        read_records("practitioners", records_csv("practitioners", [{**good, "id_number": n} for n in numbers]))
    shown = [p for p in info.value.problems if p.column == "id_number"]
    assert len(shown) == len(numbers)
    for problem, number in zip(shown, numbers, strict=True):
        text = problem.format()
        assert number[:10] not in text and problem.value.startswith("…") and len(problem.value) == 5


def test_dates_out_of_order_and_a_repeated_registry_row_are_refused():
    base = {"credit_code": credit_code(1), "agency_name": "甲", "office_address": "澄江", "filed_on": "2025-01-05"}
    assert [(r, c) for r, c, _ in problems("registry", records_csv("registry", [base, base]))] == [(3, "credit_code")]
    contract = {"credit_code": credit_code(1), "client_code": credit_code(2), "client_name": "乙", "town": "澄江",
                "contract_no": "1", "signed_on": "2025-01-01", "start": "2025-01-01", "end": "2024-12-31",
                "visits_per_year": "0"}
    assert [(r, c) for r, c, _ in problems("contracts", records_csv("contracts", [contract]))] == [
        (2, "end"), (2, "visits_per_year")]
    change = {"credit_code": credit_code(1), "item": "法定代表人", "changed_on": "2025-03-02", "reported_on": "2025-03-01"}
    assert [(r, c) for r, c, _ in problems("changes", records_csv("changes", [change]))] == [(2, "reported_on")]


def test_the_row_limit_applies_to_service_records():
    rows = [{"credit_code": credit_code(1), "month": "2025-01", "submitted_on": "2025-02-01"}] * 3
    with pytest.raises(InputError) as info:
        read_records("reports", records_csv("reports", rows), name="r.csv", limits=ReadLimits(max_rows=2))
    assert "too many rows" in str(info.value)


def test_an_id_number_with_no_such_birth_date_is_refused_and_a_retired_region_code_is_not():
    good = {"credit_code": credit_code(1), "name": "张三", "specialty": "化工", "joined_on": "2025-01-01"}
    no_such_day = "32028119850230001"
    retired_region = "32210119850312001"  # 苏州 codes of the 1980s: cards issued then stay valid
    rows = [{**good, "id_number": with_id_check_digit(base)} for base in (no_such_day, retired_region)]
    assert [(r, c) for r, c, _ in problems("practitioners", records_csv("practitioners", rows))] == [(2, "id_number")]
