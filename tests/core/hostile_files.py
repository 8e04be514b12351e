"""Builders of hostile upload files (the outside probe's cases), written to a folder: for tests and benchmarks."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from core.xlsx_count import EXCEL_MAX_COLUMNS
from tests.builders import HEADERS_ZH, credit_code, csv_bytes, finding, table, write_xlsx

_CHUNK = 1 << 20
SHEET = "xl/worksheets/sheet1.xml"


def small_xlsx(path: Path, rows: int = 1) -> Path:
    """A valid findings XLSX of `rows` rows, the base the XLSX cases below rewrite."""
    return write_xlsx(path, table([finding() for _ in range(rows)]))


def _rewrite(path: Path, changes: dict[str, Callable[[str], str]]) -> Path:
    """Rewrite members of an XLSX with `change(xml) -> xml`, the other members as they are."""
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in members:
            if info.filename in changes:
                data = changes[info.filename](data.decode("utf-8")).encode("utf-8")
            new.writestr(info.filename, data)
    return path


def _far_cell(xml: str, row: int, column: str) -> str:
    cell = f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace("</sheetData>", cell + "</sheetData>")


def xlsx_claiming(path: Path, ref: str = "A1:XFD1048576") -> Path:
    """A tiny XLSX whose sheet declares the used range `ref` (Excel's whole sheet), with a cell in its last corner."""
    small_xlsx(path)
    column, row = re.fullmatch(r"A1:([A-Z]+)(\d+)", ref).groups()

    def change(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', _far_cell(xml, int(row), column))

    return _rewrite(path, {SHEET: change})


def xlsx_with_far_cell(path: Path, row: int = 99_999_999, *, honest_dimension: bool = True) -> Path:
    """A tiny XLSX with one more cell at `row`, its dimension saying so (or still A1:J2, a lie)."""
    small_xlsx(path)

    def change(xml: str) -> str:
        xml = _far_cell(xml, row, "A")
        return re.sub(r'<dimension ref="A1:([A-Z]+)\d+"', rf'<dimension ref="A1:\g<1>{row}"', xml) \
            if honest_dimension else xml

    return _rewrite(path, {SHEET: change})


def xlsx_bomb(path: Path, megabytes: int) -> Path:
    """A valid XLSX whose shared strings (read whole when it is opened) inflate to `megabytes` MB of one letter."""
    small_xlsx(path)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    _rewrite(path, {"[Content_Types].xml": lambda xml: xml.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content_type}"/></Types>')})
    with (zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as book,
          book.open("xl/sharedStrings.xml", "w", force_zip64=True) as member):
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
        for _ in range(megabytes):
            member.write(b"a" * _CHUNK)
        member.write(b"</t></si></sst>")
    return path


def one_line_csv(path: Path, fields: int = 5_000_000) -> Path:
    """One line of `a,` repeated: 10 MB and five million columns by default."""
    path.write_bytes(b"a," * fields)
    return path


def csv_of_rows(path: Path, rows: int) -> Path:
    """A findings CSV of `rows` valid rows (any size: built by repeating one line)."""
    header, line = csv_bytes(table([finding()])).splitlines(keepends=True)
    with path.open("wb") as out:
        out.write(header)
        for _ in range(rows // 10_000):
            out.write(line * 10_000)
        out.write(line * (rows % 10_000))
    return path


def csv_of_short_rows(path: Path, rows: int) -> Path:
    """A CSV of `rows` two-cell rows (about 4 bytes each): many rows in a small file."""
    path.write_bytes("统一社会信用代码,机构名称\n".encode() + b"1,a\n" * rows)
    return path


def csv_of_bytes(path: Path, megabytes: int) -> Path:
    """A findings CSV of at least `megabytes` MB."""
    line = csv_bytes(table([finding()])).splitlines(keepends=True)[1]
    return csv_of_rows(path, megabytes * _CHUNK // len(line) + 1)


def csv_of_columns(path: Path, columns: int) -> Path:
    """A findings CSV whose header has `columns` columns (the known ones, then extra ones)."""
    extra = [f"备注{j}" for j in range(columns - len(HEADERS_ZH))]
    path.write_bytes(csv_bytes([HEADERS_ZH + extra, [*table([finding()])[1], *[""] * len(extra)]]))
    return path


def csv_with_cell(path: Path, rows: int, at: int, **cells: str) -> Path:
    """A findings CSV of `rows` rows where data row `at` (0-based) has the given cells."""
    path.write_bytes(csv_bytes(table([finding(**(cells if i == at else {})) for i in range(rows)])))
    return path


def _rows_csv(folder: Path, **cells: str) -> Path:
    return csv_with_cell(folder / "f.csv", 3, 1, **cells)




# --- issue 20: files inside every size limit whose structure is the bomb --------------------------------------


def _stream_member(path: Path, member: str, head: bytes, unit: bytes, count: int, tail: bytes) -> None:
    """Replace `member` of an XLSX by head + unit × count + tail, written in chunks (never whole in memory)."""
    with zipfile.ZipFile(path) as old:
        others = [(info.filename, old.read(info)) for info in old.infolist() if info.filename != member]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for filename, data in others:
            new.writestr(filename, data)
        with new.open(member, "w", force_zip64=True) as out:
            out.write(head)
            block = unit * 10_000
            for _ in range(count // 10_000):
                out.write(block)
            out.write(unit * (count % 10_000))
            out.write(tail)


def _pad(path: Path, ratio: int = 70) -> Path:
    """Add incompressible bytes (an 'image') so the file unpacks `ratio` times its size: inside the ratio limit."""
    import os

    with zipfile.ZipFile(path) as book:
        unpacked = sum(info.file_size for info in book.infolist())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as book:
        book.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + os.urandom(max(unpacked // ratio - path.stat().st_size, 0)))
    return path


def _sheet_parts(path: Path) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(path) as book:
        xml = book.read(SHEET).decode("utf-8")
    xml = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:J2"', xml)
    head, tail = xml.split("</sheetData>")
    return head.encode(), ("</sheetData>" + tail).encode()


def xlsx_wide_row(path: Path, cells: int = 8_000_000, *, bad_header: bool = False) -> Path:
    """The probe's 2.4 MB file: a header (valid, or with an unknown column), then ONE <row> of `cells` cells, all
    `<c r="A2">`; its declared range A1:J2, its sizes and ratio inside the limits."""
    headers = (["未知列", *HEADERS_ZH[1:]] if bad_header else HEADERS_ZH)
    write_xlsx(path, [headers])
    head, tail = _sheet_parts(path)
    _stream_member(path, SHEET, head + b'<row r="2">', b'<c r="A2"><v>1</v></c>', cells, b"</row>" + tail)
    return _pad(path)


def xlsx_many_strings(path: Path, strings: int = 11_000_000) -> Path:
    """A valid one-row XLSX whose shared strings table holds `strings` empty strings (none of them used)."""
    write_xlsx(path, table([finding()]))
    _stream_member(path, "xl/sharedStrings.xml",
                   b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                   b"<si><t/></si>", strings, b"</sst>")
    return _pad(path)


def xlsx_nested(path: Path, depth: int = 2_000_000) -> Path:
    """A valid one-row XLSX with `depth` elements nested one in another inside the sheet's first cell."""
    write_xlsx(path, table([finding()]))
    head, tail = _sheet_parts(path)
    head, cell = head.split(b"<c ", 1)  # nest inside the first cell of the first row
    with zipfile.ZipFile(path) as old:
        others = [(info.filename, old.read(info)) for info in old.infolist() if info.filename != SHEET]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for filename, data in others:
            new.writestr(filename, data)
        with new.open(SHEET, "w", force_zip64=True) as out:
            out.write(head + b'<c r="L1"><is>')
            out.write(b"<r>" * depth)
            out.write(b"</r>" * depth)
            out.write(b"</is></c><c " + cell + tail)
    return _pad(path)


def csv_of_bad_rows(path: Path, megabytes: int = 19) -> Path:
    """A findings CSV of `megabytes` MB whose every row has four bad cells (code, clause, assessor, date)."""
    bad = finding(credit_code="913202810000000000", clause="9.9", assessor="火星", date="2025-13-45",
                  description="未按规定报送服务记录" * 3)  # long enough rows: 19 MB stays under 200,000 of them
    header, line = csv_bytes(table([bad])).splitlines(keepends=True)
    rows = megabytes * _CHUNK // len(line)
    with path.open("wb") as out:
        out.write(header)
        for _ in range(rows // 10_000):
            out.write(line * 10_000)
        out.write(line * (rows % 10_000))
    return path


SMALL_SHEET = {"MAX_ROWS": "10", "MAX_COLUMNS": "12"}  # (10 + 1) × 12 = 132 cells or shared strings at most
# The probe's cases as (builder of the file in a folder, environment that shrinks the limits so the file stays
# small). The real-size files are in test_limits' default-limit tests and in benchmarks/bench_limits.py.
PROBE_CASES: dict[str, tuple[Callable[[Path], Path], dict[str, str]]] = {
    "xlsx claiming A1:XFD1048576": (lambda d: xlsx_claiming(d / "f.xlsx"), {}),
    "xlsx cell at row 99,999,999": (lambda d: xlsx_with_far_cell(d / "f.xlsx"), {}),
    "xlsx cell at row 99,999,999, dimension lying": (
        lambda d: xlsx_with_far_cell(d / "f.xlsx", honest_dimension=False), {}),
    "xlsx zip bomb": (lambda d: xlsx_bomb(d / "f.xlsx", 3), {"MAX_XLSX_UNCOMPRESSED_MB": "2"}),
    "csv one line of a,": (lambda d: one_line_csv(d / "f.csv", 100_000), {}),
    "file too large": (lambda d: csv_of_bytes(d / "f.csv", 2), {"MAX_UPLOAD_MB": "1"}),
    "too many rows": (lambda d: csv_of_rows(d / "f.csv", 11), {"MAX_ROWS": "10"}),
    "too many columns": (lambda d: csv_of_columns(d / "f.csv", 13), {"MAX_COLUMNS": "12"}),
    "cell too long": (lambda d: _rows_csv(d, description="说" * 101), {"MAX_CELL_CHARS": "100"}),
    "NUL in a name": (lambda d: _rows_csv(d, credit_code=credit_code(2), agency_name="江阴\x00安达"), {}),
    "bidi in a name": (lambda d: _rows_csv(d, credit_code=credit_code(2), agency_name="江阴\u202e达安"), {}),
    "year 2101": (lambda d: _rows_csv(d, assessor="市应急管理局", period="", date="2101-05-01"), {}),
    "all-zero credit code": (lambda d: _rows_csv(d, credit_code="0" * 18), {}),
    "clause 2.05": (lambda d: _rows_csv(d, clause="2.05"), {}),
    "clause 02.5": (lambda d: _rows_csv(d, clause="02.5"), {}),
    "clause 2,5": (lambda d: _rows_csv(d, clause="2,5"), {}),
    # Issue 20: counted, not trusted; and the reading child's own limits.
    "xlsx one row of 16,385 cells": (lambda d: xlsx_wide_row(d / "f.xlsx", EXCEL_MAX_COLUMNS + 1), {}),
    "xlsx one row of 16,385 cells after a bad header": (
        lambda d: xlsx_wide_row(d / "f.xlsx", EXCEL_MAX_COLUMNS + 1, bad_header=True), {}),
    "xlsx a header and 133 cells, 132 allowed": (lambda d: xlsx_wide_row(d / "f.xlsx", 133), SMALL_SHEET),
    "xlsx 133 shared strings, 132 allowed": (lambda d: xlsx_many_strings(d / "f.xlsx", 133), SMALL_SHEET),
    "xlsx 40 nested elements": (lambda d: xlsx_nested(d / "f.xlsx", 40), {}),
    "csv of bad rows (1,001 problems)": (lambda d: csv_of_bad_rows(d / "f.csv", 1), {}),
    "csv past the reading child's memory": (lambda d: csv_of_rows(d / "f.csv", 60_000), {"MAX_READ_MEMORY_MB": "1"}),
}
