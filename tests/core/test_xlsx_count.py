"""Count, don't trust (issue 20): an XLSX is refused by what its XML holds, counted as it streams; a CSV of bad rows
lists its first 1,000 problems and counts the rest."""

from __future__ import annotations

import re
import zipfile

import pytest

from core import xlsx_count
from core.errors import MAX_PROBLEMS, InputError
from core.limits import ReadLimits
from core.reader import read_findings
from tests.core import hostile_files as hostile

SMALL = ReadLimits(max_rows=10, max_columns=12)  # 132 cells or shared strings at most


def _prefixed(path):
    """The same workbook with every element of its sheet and strings spelled with a prefix (`<x:c>`): what the
    vectorised count leaves to expat."""
    def change(xml: str) -> str:
        return re.sub(r"<(/?)([A-Za-z]\w*)([\s>/])", r"<\1x:\2\3", xml).replace("<x:worksheet ", '<x:worksheet xmlns:x="urn:x" ')

    with zipfile.ZipFile(path) as book:
        members = [(i.filename, book.read(i)) for i in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in members:
            if name in (hostile.SHEET, "xl/sharedStrings.xml"):
                data = change(data.decode("utf-8")).encode("utf-8")
            book.writestr(name, data)
    return path


CASES = {
    "one row of 16,385 cells": (lambda p: hostile.xlsx_wide_row(p, 16_385), ReadLimits(),
                                "a row of the sheet holds too many cells (at most 16384)"),
    "133 cells after the header, 132 allowed": (lambda p: hostile.xlsx_wide_row(p, 123), SMALL,
                                                "the sheet holds too many cells (at most 132)"),
    "133 shared strings, 132 allowed": (lambda p: hostile.xlsx_many_strings(p, 133), SMALL,
                                        "the workbook holds too many shared strings (at most 132)"),
    "33 nested elements": (lambda p: hostile.xlsx_nested(p, 33 - 5), ReadLimits(),
                           "the XLSX file's XML nests too deep (at most 32): damaged or forged"),
}


def _refusal(path, limits: ReadLimits) -> str:
    with pytest.raises(InputError) as caught:
        read_findings(path, limits=limits)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (None, None) and problem.message_zh
    return problem.message_en


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("spelling", ["plain", "prefixed"])
def test_each_structure_limit_refuses_the_file_whichever_parser_counts(tmp_path, case, spelling):
    build, limits, message = CASES[case]
    path = build(tmp_path / "f.xlsx")
    if spelling == "prefixed":
        path = _prefixed(path)
        with zipfile.ZipFile(path) as book:  # the vectorised count declines prefixed XML: expat counts it
            assert not xlsx_count._Vectorised(10**9, None).count(book, book.getinfo(hostile.SHEET))
    assert _refusal(path, limits) == message


BOUNDARIES = {  # one short of each limit: 16,384 cells in a row, 132 cells with the header, 132 strings, depth 32
    "16,384 cells in a row": (lambda p: hostile.xlsx_wide_row(p, 16_384), ReadLimits()),
    "132 cells with the header": (lambda p: hostile.xlsx_wide_row(p, 122), SMALL),
    "132 shared strings": (lambda p: hostile.xlsx_many_strings(p, 132), SMALL),
    "depth 32": (lambda p: hostile.xlsx_nested(p, 32 - 5), ReadLimits()),  # worksheet/sheetData/row/c/is + 27
}


@pytest.mark.parametrize("case", list(BOUNDARIES))
@pytest.mark.parametrize("spelling", ["plain", "prefixed"])
def test_a_workbook_at_each_limit_passes_the_count(tmp_path, case, spelling):
    build, limits = BOUNDARIES[case]
    path = build(tmp_path / "f.xlsx")
    if spelling == "prefixed":
        path = _prefixed(path)
    with zipfile.ZipFile(path) as book:
        xlsx_count.check_structure(book, None, limits)  # raises nothing


def test_a_sheet_stored_under_another_name_is_counted_all_the_same(tmp_path):
    # The workbook's relationships may put a sheet anywhere in the zip: every XML member is counted.
    path = hostile.xlsx_wide_row(tmp_path / "f.xlsx", 123)
    with zipfile.ZipFile(path) as book:
        members = [(i.filename, book.read(i)) for i in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in members:
            if name == hostile.SHEET:
                name = "xl/elsewhere/data.bin"
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"elsewhere/data.bin")
            book.writestr(name, data)
    assert _refusal(path, SMALL) == "the sheet holds too many cells (at most 132)"


def test_a_dtd_is_refused(tmp_path):
    path = hostile.small_xlsx(tmp_path / "f.xlsx")
    hostile._rewrite(path, {hostile.SHEET: lambda xml: '<!DOCTYPE x [<!ENTITY a "b">]>' + xml.split("?>", 1)[-1]})
    assert _refusal(path, ReadLimits()) == "the XLSX file holds a DTD: damaged or forged"


def test_a_csv_of_bad_rows_lists_the_first_1000_problems_and_counts_the_rest(tmp_path):
    path = hostile.csv_of_bad_rows(tmp_path / "f.csv", 1)
    rows = path.read_bytes().count(b"\n") - 1
    with pytest.raises(InputError) as caught:
        read_findings(path)
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    per_row = {(p.row, p.column) for p in problems[:-1] if p.row == 2}
    more = rows * len(per_row) - MAX_PROBLEMS
    assert problems[-1].message_en == f"and {more} more problems not listed (the first 1000 are)"
    assert problems[-1].message_zh == f"另有{more}个问题未列出（只列出前1000个）"
    assert [p.row for p in problems[:-1]] == sorted(p.row for p in problems[:-1])  # the file's first rows
    assert problems[0].row == 2
