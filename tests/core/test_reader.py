"""The one reader: findings and roster files in every encoding and format, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from core.errors import InputError
from core.reader import read_findings, read_roster, read_table
from core.schema import FINDINGS_COLUMNS, ROSTER_COLUMNS
from tests.builders import (
    HEADERS_EN,
    HEADERS_ZH,
    credit_code,
    csv_bytes,
    finding,
    table,
    with_wrong_check_digit,
    write_csv,
    write_xlsx,
)


def problems_of(source, **kwargs) -> list:
    with pytest.raises(InputError) as caught:
        read_findings(source, **kwargs)
    return caught.value.problems


def only_problem(source, **kwargs):
    problems = problems_of(source, **kwargs)
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def one_row(tmp_path, **overrides):
    return write_csv(tmp_path / "f.csv", table([finding(**overrides)]))


# --- good files ------------------------------------------------------------------------------------------------


def test_a_findings_file_reads_into_the_findings_columns_with_canonical_values(tmp_path):
    code = credit_code(7)
    path = write_csv(tmp_path / "f.csv", table([
        finding(credit_code=" " + code.lower()[:9] + "\u3000" + code.lower()[9:], clause="二（五）", assessor="高新区",
                period="一季度", date="2025/2/10", practitioner=" 张三 ", document_no="澄安罚〔2025〕3号"),
        finding(credit_code=code, clause="3-6", assessor="市应急管理局", period="", date="2025-11-03", year="2025"),
    ]))
    frame = read_findings(path)
    assert list(frame.columns) == list(FINDINGS_COLUMNS)
    assert frame["row"].tolist() == [2, 3]
    assert frame["credit_code"].tolist() == [code, code]
    assert frame["clause"].tolist() == ["2.5", "3.6"]
    assert frame["assessor"].tolist() == ["江阴高新技术产业开发区", "bureau"]
    assert frame["period"].tolist() == ["Q1", "Y"]
    assert frame["date"].tolist() == [pd.Timestamp("2025-02-10"), pd.Timestamp("2025-11-03")]
    assert frame["year"].tolist() == [2025, 2025]
    assert frame["practitioner"].tolist() == ["张三", ""]
    assert frame["document_no"].tolist() == ["澄安罚〔2025〕3号", ""]
    assert str(frame["row"].dtype) == "int64" and str(frame["year"].dtype) == "int64"
    assert str(frame["date"].dtype) == "datetime64[ns]"
    assert frame["description"].tolist() == ["", ""]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_file_in_any_encoding_excel_writes_reads_the_same(tmp_path, encoding):
    rows = [finding(agency_name="江阴市澄安安全技术咨询有限公司", description="现场未见执业人员，责令整改"),
            finding(credit_code=credit_code(2), agency_name="无锡锡安（江阴）检测有限公司", assessor="临港开发区",
                    clause="三（九）", period="第二季度", date="2025-05-20")]
    frame = read_findings(write_csv(tmp_path / "f.csv", table(rows), encoding))
    assert frame["agency_name"].tolist() == ["江阴市澄安安全技术咨询有限公司", "无锡锡安（江阴）检测有限公司"]
    assert frame["description"].tolist() == ["现场未见执业人员，责令整改", ""]
    assert frame["assessor"].tolist() == ["澄江街道", "江阴临港经济开发区"]
    assert frame["period"].tolist() == ["Q1", "Q2"]


def test_a_gb18030_file_may_hold_characters_gbk_lacks(tmp_path):
    path = write_csv(tmp_path / "f.csv", table([finding(agency_name="江阴𠮷安安全服务有限公司")]), "gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("gbk")
    assert read_findings(path)["agency_name"].tolist() == ["江阴𠮷安安全服务有限公司"]


def test_an_xlsx_file_with_real_date_cells_and_an_excel_serial_number_reads(tmp_path):
    rows = [finding(date=dt.datetime(2025, 2, 10), year=2025),
            finding(date=45717, period="Q1"),  # Excel serial of 2025-03-01
            finding(date=dt.date(2025, 3, 31), clause=2.5, period="第一季度")]  # a clause Excel stored as a number
    frame = read_findings(write_xlsx(tmp_path / "f.xlsx", table(rows)))
    assert frame["date"].dt.date.tolist() == [dt.date(2025, 2, 10), dt.date(2025, 3, 1), dt.date(2025, 3, 31)]
    assert frame["clause"].tolist() == ["2.5", "2.5", "2.5"]
    assert frame["year"].tolist() == [2025, 2025, 2025]
    assert frame["row"].tolist() == [2, 3, 4]


def test_english_headers_in_any_order_case_and_width_are_accepted(tmp_path):
    keys = list(reversed(HEADERS_EN))
    headers = [k.upper().replace("_", " ") for k in keys]
    headers[0] = "ｄｏｃｕｍｅｎｔ＿ｎｏ"  # full-width
    headers[-1] = " Credit_Code "
    frame = read_findings(write_csv(tmp_path / "f.csv", table([finding()], headers, keys)))
    assert frame["credit_code"].tolist() == [credit_code(1)]
    assert frame["clause"].tolist() == ["2.5"]


def test_optional_columns_may_be_left_out(tmp_path):
    keys = ["credit_code", "agency_name", "clause", "assessor", "date"]
    frame = read_findings(write_csv(tmp_path / "f.csv", table([finding(assessor="bureau")], keys, keys)))
    assert frame.loc[0, "period"] == "Y"
    assert frame.loc[0, "practitioner"] == "" and frame.loc[0, "document_no"] == ""


@pytest.mark.parametrize(
    ("typed", "assessor"),
    [("澄江", "澄江街道"), ("澄江街道", "澄江街道"), ("高新区", "江阴高新技术产业开发区"), ("临港开发区", "江阴临港经济开发区"),
     ("靖江园区", "江阴-靖江工业园区"), ("江阴－靖江工业园区", "江阴-靖江工业园区"), ("华士", "华士镇"), ("徐霞客镇", "徐霞客镇")],
)
def test_every_town_and_its_short_form_is_an_assessor(tmp_path, typed, assessor):
    assert read_findings(one_row(tmp_path, assessor=typed))["assessor"].tolist() == [assessor]


@pytest.mark.parametrize("typed", ["bureau", "BUREAU", "市应急管理局", "江阴市应急管理局", "市应急局"])
def test_the_bureau_in_any_of_its_names_is_an_assessor_and_its_period_defaults_to_the_year(tmp_path, typed):
    frame = read_findings(one_row(tmp_path, assessor=typed, period="", date="2025-09-09"))
    assert frame["assessor"].tolist() == ["bureau"] and frame["period"].tolist() == ["Y"]


def test_a_year_end_finding_may_be_dated_up_to_31_march_of_the_next_year(tmp_path):
    frame = read_findings(one_row(tmp_path, period="年底", date="2026-03-31", year="2025"))
    assert frame["period"].tolist() == ["YE"] and frame["year"].tolist() == [2025]


def test_a_bureau_finding_of_last_year_may_be_recorded_in_the_first_quarter(tmp_path):
    frame = read_findings(one_row(tmp_path, assessor="市应急管理局", period="全年", date="2026-02-01", year="2025"))
    assert frame["period"].tolist() == ["Y"] and frame["year"].tolist() == [2025]


def test_blank_rows_in_between_and_at_the_end_are_ignored_and_rows_keep_their_excel_numbers(tmp_path):
    cells = table([finding(), finding(clause="2.1")])
    cells.insert(2, [""] * len(HEADERS_ZH))
    cells += [[""] * len(HEADERS_ZH), ["  "] * len(HEADERS_ZH)]
    for path in (write_csv(tmp_path / "f.csv", cells), write_xlsx(tmp_path / "f.xlsx", cells)):
        frame = read_findings(path)
        assert frame["row"].tolist() == [2, 4]
        assert frame["clause"].tolist() == ["2.5", "2.1"]


def test_truly_empty_lines_in_a_csv_keep_the_row_numbers_right(tmp_path):
    body = csv_bytes(table([finding()])) + b"\r\n\r\n" + csv_bytes(table([finding(clause="2.1")]))[len(
        csv_bytes([HEADERS_ZH])):] + b"\n\n\n"
    frame = read_findings(body, name="f.csv")
    assert frame["row"].tolist() == [2, 5]


def test_a_file_with_only_headers_gives_no_findings(tmp_path):
    frame = read_findings(write_csv(tmp_path / "f.csv", [HEADERS_ZH]))
    assert len(frame) == 0
    assert list(frame.columns) == list(FINDINGS_COLUMNS)
    assert str(frame["date"].dtype) == "datetime64[ns]" and str(frame["year"].dtype) == "int64"


def test_bytes_and_file_objects_are_read_like_paths(tmp_path):
    data = csv_bytes(table([finding()]), "gbk")
    assert read_findings(data, name="upload.csv")["clause"].tolist() == ["2.5"]
    assert read_findings(io.BytesIO(data))["clause"].tolist() == ["2.5"]
    xlsx = write_xlsx(tmp_path / "f.xlsx", table([finding()])).read_bytes()
    assert read_findings(xlsx)["clause"].tolist() == ["2.5"]  # recognised by content, no name needed


def test_a_tab_delimited_export_is_read(tmp_path):
    text = "\n".join("\t".join(str(c) for c in row) for row in table([finding()]))
    assert read_findings(text.encode("utf-8"), name="f.txt")["clause"].tolist() == ["2.5"]


def test_read_table_gives_raw_text_cells_by_excel_row_number(tmp_path):
    cells = table([finding(date=dt.datetime(2025, 2, 10), year=2025), finding(date=45717)])
    frame = read_table(write_xlsx(tmp_path / "f.xlsx", cells))
    assert list(frame.columns) == HEADERS_ZH
    assert frame.index.tolist() == [2, 3]
    assert frame.loc[2, "日期"] == "2025-02-10" and frame.loc[3, "日期"] == "45717" and frame.loc[2, "年度"] == "2025"
    assert frame.loc[3, "年度"] == ""
    assert all(isinstance(v, str) for v in frame.to_numpy().ravel())


# --- bad files: every problem named by row and column ---------------------------------------------------------


def test_an_unknown_column_is_named_in_the_header_row(tmp_path):
    cells = table([finding()])
    cells[0].append("备注")
    for row in cells[1:]:
        row.append("x")
    problem = only_problem(write_csv(tmp_path / "f.csv", cells))
    assert (problem.row, problem.column) == (1, "备注")
    assert "未知列" in problem.message_zh and "unknown column" in problem.message_en


def test_a_missing_required_column_is_named(tmp_path):
    keys = [k for k in HEADERS_EN if k != "clause"]
    headers = [h for h, k in zip(HEADERS_ZH, HEADERS_EN, strict=True) if k != "clause"]
    problem = only_problem(write_csv(tmp_path / "f.csv", table([finding()], headers, keys)))
    assert (problem.row, problem.column) == (1, "clause")
    assert "条款" in problem.message_zh and "missing required column" in problem.message_en


def test_a_column_given_twice_is_a_problem(tmp_path):
    cells = table([finding()], [*HEADERS_ZH, "Clause"], [*HEADERS_EN, "clause"])
    problem = only_problem(write_csv(tmp_path / "f.csv", cells))
    assert (problem.row, problem.column) == (1, "Clause")
    assert "duplicated column" in problem.message_en


def test_a_cell_beyond_the_last_header_is_named_by_row_and_column_letter(tmp_path):
    data = csv_bytes(table([finding(), finding()]))
    lines = data.split(b"\r\n")
    lines[2] += b",surplus"
    problem = only_problem(b"\r\n".join(lines), name="f.csv")
    assert (problem.row, problem.column, problem.value) == (3, "K", "surplus")


def test_a_credit_code_with_a_wrong_check_digit_is_named(tmp_path):
    bad = with_wrong_check_digit(credit_code(3))
    problem = only_problem(write_csv(tmp_path / "f.csv", table([finding(), finding(credit_code=bad)])))
    assert (problem.row, problem.column, problem.value) == (3, "统一社会信用代码", bad)
    assert "校验位" in problem.message_zh and "check digit" in problem.message_en


def test_a_credit_code_of_the_wrong_length_or_empty_is_named(tmp_path):
    problems = problems_of(write_csv(tmp_path / "f.csv", table([finding(credit_code="91320281MA1"),
                                                                  finding(credit_code="")])))
    assert [(p.row, p.column) for p in problems] == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]
    assert "18" in problems[0].message_en and "empty" in problems[1].message_en


def test_one_code_with_two_names_names_every_conflicting_row(tmp_path):
    rows = [finding(agency_name="甲公司"), finding(credit_code=credit_code(2), agency_name="乙公司"),
            finding(agency_name="甲公司（江阴）"), finding(agency_name=" 甲公司 ")]
    problems = problems_of(write_csv(tmp_path / "f.csv", table(rows)))
    assert [(p.row, p.column) for p in problems] == [(2, "机构名称"), (4, "机构名称"), (5, "机构名称")]
    assert "甲公司、甲公司（江阴）" in problems[0].message_zh


def test_names_differing_only_in_bracket_width_are_one_name(tmp_path):
    rows = [finding(agency_name="甲（江阴）公司"), finding(agency_name="甲(江阴)公司")]
    assert len(read_findings(write_csv(tmp_path / "f.csv", table(rows)))) == 2


def test_an_unknown_clause_names_the_clauses_there_are_not_the_rulebook_id(tmp_path):
    problem = only_problem(write_csv(tmp_path / "f.csv", table([finding(), finding(clause="4.1")])))
    assert "jiangyin-2020" not in problem.message_zh + problem.message_en
    assert "1.1–1.10、2.1–2.8、3.1–3.9" in problem.message_zh and "1.1–1.10, 2.1–2.8, 3.1–3.9" in problem.message_en


@pytest.mark.parametrize(("key", "value", "column", "words"), [
    ("clause", "4.1", "条款", "unknown clause"),
    ("clause", "二（九）", "条款", "unknown clause"),
    ("clause", "", "条款", "required"),
    ("assessor", "无锡市应急管理局", "评定单位", "unknown assessor"),
    ("assessor", "", "评定单位", "required"),
    ("agency_name", " ", "机构名称", "required"),
    ("period", "五季度", "考核期", "unknown period"),
    ("period", "", "考核期", "needs a period"),
    ("period", "全年", "考核期", "does not apply"),
    ("date", "", "日期", "required"),
    ("date", "2025-02-30", "日期", "unreadable date"),
    ("date", "下周一", "日期", "unreadable date"),
    ("date", "2025", "日期", "out of range"),
    ("date", "2025-04-01", "日期", "outside Q1 (Jan–Mar) of 2025"),
    ("year", "20xx", "年度", "whole number"),
    ("year", "1999", "年度", "whole number"),
    ("year", "2024", "年度", "does not fit"),
])
def test_each_bad_cell_is_named_by_row_and_column(tmp_path, key, value, column, words):
    path = write_csv(tmp_path / "f.csv", table([finding(), {**finding(), key: value}]))  # one cell changed
    problem = only_problem(path)
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.message_en
    assert problem.message_zh and any("\u4e00" <= ch <= "\u9fff" for ch in problem.message_zh)


def test_a_bureau_finding_cannot_use_a_quarter(tmp_path):
    problem = only_problem(one_row(tmp_path, assessor="市应急管理局", period="Q2", date="2025-05-05"))
    assert (problem.row, problem.column) == (2, "考核期") and "does not apply" in problem.message_en


def test_a_year_end_finding_after_31_march_of_the_next_year_is_refused(tmp_path):
    problem = only_problem(one_row(tmp_path, period="年底", date="2026-04-01", year="2025"))
    assert (problem.row, problem.column, problem.value) == (2, "日期", "2026-04-01")
    assert "2025-11-01 to 2026-03-31" in problem.message_en


def test_a_date_outside_its_quarter_names_the_window(tmp_path):
    problem = only_problem(one_row(tmp_path, period="三季度", date="2025-10-01"))
    assert (problem.row, problem.column) == (2, "日期")
    assert "2025-07-01" in problem.message_zh and "2025-09-30" in problem.message_zh


def test_problems_name_the_header_as_written_in_the_file(tmp_path):
    path = write_csv(tmp_path / "f.csv", table([finding(clause="9.9")], HEADERS_EN, HEADERS_EN))
    assert only_problem(path).column == "clause"


def test_every_problem_of_the_file_comes_at_once_and_nothing_is_returned(tmp_path):
    rows = [finding(), finding(clause="4.1"), finding(), finding(assessor="火星"), finding(date="不知道", clause="")]
    problems = problems_of(write_csv(tmp_path / "f.csv", table(rows)))
    assert sorted((p.row, p.column) for p in problems) == [(3, "条款"), (5, "评定单位"), (6, "日期"), (6, "条款")]
    text = InputError(problems).args[0]
    assert "row 3, column 条款" in text and "第3行" in text


def test_problems_of_an_xlsx_file_are_named_by_its_excel_rows(tmp_path):
    cells = table([finding(), finding(credit_code=with_wrong_check_digit(credit_code(5)))])
    cells.insert(1, [""] * len(HEADERS_ZH))
    problem = only_problem(write_xlsx(tmp_path / "f.xlsx", cells))
    assert (problem.row, problem.column) == (4, "统一社会信用代码")


# --- files that cannot be read at all --------------------------------------------------------------------------


def test_garbage_bytes_are_one_whole_file_problem():
    problem = only_problem(bytes(range(256)) * 10, name="upload.csv")
    assert problem.row is None and problem.column is None
    assert "not a CSV or XLSX file" in problem.message_en


def test_bytes_that_are_neither_utf8_nor_gb18030_are_a_whole_file_problem():
    problem = only_problem(b"credit_code,agency_name\n\x81\x20\xff\xfe,x\n", name="f.csv")
    assert problem.row is None and "encoding" in problem.message_en


def test_a_corrupt_xlsx_file_is_a_whole_file_problem(tmp_path):
    good = write_xlsx(tmp_path / "f.xlsx", table([finding()])).read_bytes()
    problem = only_problem(good[: len(good) // 2], name="f.xlsx")
    assert problem.row is None and "damaged" in problem.message_en


def test_a_zip_that_is_no_workbook_is_a_whole_file_problem():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    problem = only_problem(buffer.getvalue(), name="f.xlsx")
    assert problem.row is None and "not an Excel workbook" in problem.message_en


def test_a_file_named_xlsx_that_is_not_one_is_a_whole_file_problem():
    problem = only_problem(b"just some text", name="f.xlsx")
    assert problem.row is None and "damaged" in problem.message_en


def test_an_old_xls_file_is_refused_with_advice():
    problem = only_problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, name="f.xls")
    assert problem.row is None and ".xlsx" in problem.message_zh


def test_a_utf16_text_file_is_refused_with_advice():
    problem = only_problem("\ufeff统一社会信用代码\t机构名称\n".encode("utf-16-le"), name="f.txt")
    assert problem.row is None and "UTF-16" in problem.message_en


@pytest.mark.parametrize("data", [b"", b"  \r\n \r\n"])
def test_an_empty_file_is_a_whole_file_problem(data):
    problem = only_problem(data, name="f.csv")
    assert problem.row is None


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path):
    problem = only_problem(tmp_path / "nowhere.csv")
    assert problem.row is None and "not found" in problem.message_en


def test_an_xlsx_workbook_reads_its_first_sheet_only(tmp_path):
    book = Workbook()
    first = book.active
    for row in table([finding()]):
        first.append(row)
    second = book.create_sheet("其他")
    second.append(["垃圾"])
    book.save(tmp_path / "f.xlsx")
    assert len(read_findings(tmp_path / "f.xlsx")) == 1


# --- roster ----------------------------------------------------------------------------------------------------


def test_a_roster_collapses_exact_duplicates(tmp_path):
    cells = [["统一社会信用代码", "机构名称"], [credit_code(1), "甲公司"], [credit_code(2).lower(), "乙公司"], [credit_code(1), "甲公司"]]
    frame = read_roster(write_csv(tmp_path / "r.csv", cells, "gbk"))
    assert list(frame.columns) == list(ROSTER_COLUMNS)
    assert frame.to_dict("records") == [{"credit_code": credit_code(1), "agency_name": "甲公司"},
                                        {"credit_code": credit_code(2), "agency_name": "乙公司"}]


def test_a_roster_with_english_headers_in_xlsx_reads(tmp_path):
    frame = read_roster(write_xlsx(tmp_path / "r.xlsx", [["agency_name", "credit_code"], ["甲公司", credit_code(9)]]))
    assert frame.to_dict("records") == [{"credit_code": credit_code(9), "agency_name": "甲公司"}]


def test_a_roster_names_every_bad_row(tmp_path):
    cells = [["统一社会信用代码", "机构名称"], [credit_code(1), "甲公司"], [with_wrong_check_digit(credit_code(2)), "乙公司"],
             [credit_code(1), "丙公司"], [credit_code(3), ""]]
    with pytest.raises(InputError) as caught:
        read_roster(write_csv(tmp_path / "r.csv", cells))
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "机构名称"), (3, "统一社会信用代码"), (4, "机构名称"), (5, "机构名称")]


def test_a_roster_without_a_name_column_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        read_roster(write_csv(tmp_path / "r.csv", [["统一社会信用代码"], [credit_code(1)]]))
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "agency_name")]


def test_a_large_file_is_checked_without_losing_rows(tmp_path):
    rows = [finding(credit_code=credit_code(i % 50), agency_name=f"机构{i % 50}", date=f"2025-0{1 + i % 3}-1{i % 10}")
            for i in range(3000)]
    rows[2500]["clause"] = "9.9"
    problem = only_problem(write_csv(tmp_path / "f.csv", table(rows)))
    assert (problem.row, problem.column) == (2502, "条款")
    del rows[2500]
    frame = read_findings(write_csv(tmp_path / "g.csv", table(rows)))
    assert len(frame) == 2999 and frame["row"].tolist() == list(range(2, 3001))
    assert np.array_equal(frame["credit_code"].to_numpy(), np.array([r["credit_code"] for r in rows], dtype=object))


def test_a_csv_with_old_mac_line_ends_reads(tmp_path):
    data = csv_bytes(table([finding(), finding(clause="2.1")])).replace(b"\r\n", b"\r")
    assert read_findings(data, name="f.csv")["row"].tolist() == [2, 3]


def test_a_csv_field_too_large_for_the_csv_module_is_a_problem_not_a_traceback():
    data = b"a,b\n1,2,3\n" + b'"' + b"x" * 200_000 + b'",1\n'
    with pytest.raises(InputError) as caught:
        read_findings(data, name="f.csv")
    assert caught.value.problems[0].row is None


def test_another_rulebook_decides_which_clauses_and_periods_a_file_may_use(tmp_path):
    from pathlib import Path

    from core.rulebook import load_rulebook

    other = load_rulebook(Path(__file__).parent / "rulebooks" / "single-bucket.toml")
    rows = [finding(clause="四（一）", period="", date="2025-05-05"),  # a bonus clause only this rulebook has
            finding(clause="4.1", period="全年", date="2026-01-15", year="2025")]
    frame = read_findings(write_csv(tmp_path / "f.csv", table(rows)), rulebook=other)
    assert frame["clause"].tolist() == ["4.1", "4.1"] and frame["period"].tolist() == ["Y", "Y"]
    problem = only_problem(one_row(tmp_path, clause="二（五）", period=""), rulebook=other)  # no 2.5 in it
    assert (problem.row, problem.column) == (2, "条款")
