"""The blank upload template: headers, the clause sheet, drop-downs, notes; and it reads back when filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from core.reader import read_findings, read_table
from core.rulebook import load_rulebook
from core.schema import FINDINGS_FILE_COLUMNS
from core.template import LISTS_SHEET, NOTES_SHEET, template_bytes, write_template
from core.towns import default_towns
from tests.builders import credit_code

HEADERS = [c.label_zh for c in FINDINGS_FILE_COLUMNS]


@pytest.fixture
def template(tmp_path):
    return write_template(tmp_path / "模板.xlsx")


def test_the_xlsx_template_has_the_chinese_headers_and_nothing_else_on_its_first_sheet(template):
    sheet = load_workbook(template).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.value is None for row in sheet.iter_rows(min_row=2) for c in row)


def test_the_second_sheet_lists_every_clause_with_its_text_and_every_town(template):
    rulebook = load_rulebook()
    sheet = load_workbook(template)[LISTS_SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    listed = {(r[0], r[2]) for r in rows if r[0]}
    assert listed == {(c.code, c.text_zh) for c in rulebook.clauses}
    assert {r[1] for r in rows if r[0] and r[0].startswith("1.")} == {"直接列入“黑名单”"}
    assert [r[5] for r in rows if r[5]] == ["市应急管理局", *default_towns().names]
    assert [r[7] for r in rows if r[7]] == ["第一季度", "第二季度", "第三季度", "第四季度", "年底", "全年"]


def test_the_template_has_drop_downs_on_clause_assessor_and_period(template):
    book = load_workbook(template)
    sheet = book.worksheets[0]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            by_column[sheet.cell(row=1, column=cell_range.min_col).value] = validation.formula1
    assert set(by_column) == {"条款", "评定单位", "考核期"}
    lists = book[LISTS_SHEET]
    for header, column in (("条款", 0), ("评定单位", 5), ("考核期", 7)):
        formula = by_column[header]
        assert formula.startswith(f"'{LISTS_SHEET}'!$")
        first, last = formula.split("!")[1].replace("$", "").split(":")
        values = [c.value for row in lists[first:last] for c in row]
        expected = [r[column] for r in lists.iter_rows(min_row=2, values_only=True) if r[column]]
        assert values == expected and values


def test_the_notes_sheet_says_for_each_column_whether_it_is_required_in_both_languages(template):
    rows = list(load_workbook(template)[NOTES_SHEET].iter_rows(min_row=2, values_only=True))
    by_label = {r[0]: r for r in rows if r[0] in HEADERS}
    assert set(by_label) == set(HEADERS)
    for column in FINDINGS_FILE_COLUMNS:
        label, key, required, note_zh, note_en = by_label[column.label_zh]
        assert key == column.key
        assert required.startswith("必填" if column.required else "选填")
        assert note_zh == column.note_zh and note_en == column.note_en


def test_a_filled_in_template_reads_back_through_read_findings(template):
    book = load_workbook(template)
    sheet = book.worksheets[0]
    filled = {
        2: [credit_code(1), "江阴安达安全技术服务有限公司", "2.5", "澄江街道", "第一季度", dt.datetime(2025, 2, 10), 2025,
            "张三", "现场检查未到岗", "澄安〔2025〕1号"],
        3: [credit_code(2), "无锡锡安检测有限公司", "1.10", "市应急管理局", None, dt.datetime(2025, 6, 1)],
    }
    for row, values in filled.items():  # typed into the prepared rows, as a person would
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    book.save(template)
    frame = read_findings(template)
    assert frame["row"].tolist() == [2, 3]
    assert frame["clause"].tolist() == ["2.5", "1.10"]
    assert frame["assessor"].tolist() == ["澄江街道", "bureau"]
    assert frame["period"].tolist() == ["Q1", "Y"]
    assert frame["year"].tolist() == [2025, 2025]
    assert frame["document_no"].tolist() == ["澄安〔2025〕1号", ""]


def test_an_empty_template_reads_as_no_findings(template):
    assert len(read_findings(template)) == 0


def test_text_columns_are_formatted_as_text_so_excel_keeps_1_10(template):
    sheet = load_workbook(template).worksheets[0]
    formats = {sheet.cell(row=1, column=j).value: sheet.cell(row=2, column=j).number_format
               for j in range(1, len(HEADERS) + 1)}
    assert formats["条款"] == "@" and formats["统一社会信用代码"] == "@" and formats["日期"] == "yyyy-mm-dd"


def test_the_csv_template_is_the_header_row_in_utf8_with_bom(tmp_path):
    path = write_template(tmp_path / "t.csv", fmt="csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [",".join(HEADERS)]
    assert list(read_table(path).columns) == HEADERS


def test_an_unknown_template_format_is_refused():
    with pytest.raises(ValueError):
        template_bytes("pdf")


def test_the_template_command_writes_both_formats(tmp_path):
    from core.cli import main

    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert main(["template", "--format", "csv", str(tmp_path / "t.csv")]) == 0
    assert [c.value for c in load_workbook(tmp_path / "t.xlsx").worksheets[0][1]] == HEADERS
    assert list(read_table(tmp_path / "t.csv").columns) == HEADERS
