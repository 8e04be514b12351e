"""The one reader for input files: CSV (UTF-8, BOM, GBK, GB18030) or XLSX → checked findings and rosters.

Validation is vectorised: each column is dictionary-encoded once, its *unique* values go through the
parsers in core.values (a million findings hold ~10k codes, ~30 clause spellings, ~365 dates), and
problems are built only for the rows that fail. Every problem of a file is collected before refusing it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from core.errors import MAX_PROBLEMS, InputError, Problem, Problems
from core.limits import MB, ReadLimits, read_limits
from core.placement import PlacementError, place
from core.plain_text import BIDI_CONTROLS, BIDI_PATTERN
from core.rulebook import Rulebook, load_rulebook
from core.schema import FINDINGS_COLUMNS, FINDINGS_FILE_COLUMNS, ROSTER_COLUMNS, ROSTER_FILE_COLUMNS, Column
from core.text import fold
from core.towns import Towns, default_towns
from core.values import (
    YEAR_MAX,
    YEAR_MIN,
    credit_code_problem,
    credit_codes_as_is,
    normalize_credit_code,
    parse_clause,
    parse_date,
    parse_period,
    parse_year,
    year_problem,
)
from core.xlsx_count import check_structure

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO
EXCEL_MAX_ROWS = 1_048_576  # no spreadsheet program writes a row below this
_MAX_RAW_FIELDS = 16_384  # Excel's widest sheet (A–XFD): a CSV line with more fields came from no spreadsheet
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_REQUIRED = ("必填，不能为空", "required, must not be empty")


# --- raw cells -------------------------------------------------------------------------------------------------


@dataclass
class _Column:
    """One column of a file, dictionary-encoded: the cell of data row i is values[codes[i]]."""

    header: str  # as written (surrounding spaces stripped)
    letter: str  # Excel column letter, to name a column whose header is blank
    codes: np.ndarray  # integer index into `values`, one per data row
    values: np.ndarray  # object array of the distinct raw cell texts

    @property
    def name(self) -> str:
        """How problems name this column: its header, or its letter when the header is blank."""
        return self.header or self.letter

    def take(self, mask: np.ndarray) -> _Column:
        return _Column(self.header, self.letter, self.codes[mask], self.values)


@dataclass
class _Cells:
    """A file's header and data rows; `rows` holds each data row's number as Excel shows it."""

    columns: list[_Column]
    rows: np.ndarray
    header_row: int = 1


def _letter(index: int) -> str:
    """Excel's name of the column at 1-based `index` (A, B, …, Z, AA, …)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _file_problem(zh: str, en: str, value: str | None = None) -> InputError:
    return InputError([Problem(None, None, zh, en, value)])


def check_size(size: int, name: str | None = None, limits: ReadLimits | None = None) -> None:
    """Refuse (InputError) a file of `size` bytes larger than the limit: callers check before reading it."""
    limits = limits or read_limits()
    if size > limits.max_bytes:
        raise _file_problem(f"文件过大（{size / MB:.1f} MB，上限{limits.max_bytes / MB:g} MB）",
                            f"the file is too large ({size / MB:.1f} MB; at most {limits.max_bytes / MB:g} MB)", name)


def read_bytes(path: str | os.PathLike, limits: ReadLimits | None = None) -> bytes:
    """The bytes of a file to read; InputError when it is missing, unreadable or larger than the limit (not read)."""
    limits = limits or read_limits()
    path = Path(path)
    try:
        check_size(path.stat().st_size, path.name, limits)  # refused before a single byte of it is in memory
        return path.read_bytes()
    except FileNotFoundError:
        raise _file_problem("找不到文件", "file not found", str(path)) from None
    except OSError as exc:
        raise _file_problem("无法打开文件", "cannot open the file", f"{path}: {exc.strerror}") from None


def _load_bytes(source: Source, name: str | None, limits: ReadLimits) -> tuple[bytes, str | None]:
    if isinstance(source, (str, os.PathLike)):
        return read_bytes(source, limits), name or Path(source).name
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)  # one byte past the limit tells a file too large
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        name = name or getattr(source, "name", None)
    else:
        raise TypeError(f"cannot read a {type(source).__name__}")
    check_size(len(data), name, limits)
    return data, name


def _read_cells(source: Source, name: str | None, limits: ReadLimits) -> _Cells:
    """Header and data rows of a CSV or XLSX file; InputError (whole file) when it cannot be read or is too big."""
    data, name = _load_bytes(source, name, limits)
    suffix = Path(str(name)).suffix.lower() if name else ""
    if not data[:4096].strip() and not data.strip():  # the full strip (a copy) only when the start is blank
        raise _file_problem("文件为空", "the file is empty", name)
    if data.startswith(_ZIP_MAGIC):
        return _cells_from_rows(_xlsx_rows(data, name, limits), limits)
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise _file_problem("不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV",
                            "old Excel (.xls) files are not supported: save as .xlsx or CSV", name)
    if suffix in _XLSX_SUFFIXES:
        raise _damaged(name)
    return _csv_cells(data, name, limits)


def _too_many_rows(limits: ReadLimits) -> InputError:
    return _file_problem(f"数据行过多（上限{limits.max_rows}行）", f"too many rows (at most {limits.max_rows})")


def _too_many_columns(width: int, limits: ReadLimits) -> InputError:
    shown = f"{width}" if width < _MAX_RAW_FIELDS else f"{_MAX_RAW_FIELDS}+"
    return _file_problem(f"列数过多（{shown}列，上限{limits.max_columns}列）",
                         f"too many columns ({shown}; at most {limits.max_columns})")


def _filled_width(cells: Sequence[str]) -> int:
    """How many cells a row has up to its last non-blank one (spreadsheets pad rows with empty cells)."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


def _kept_rows(rows: Iterable[tuple[int, Sequence[str]]], limits: ReadLimits) -> Iterator[tuple[int, Sequence[str]]]:
    """The non-blank rows, trailing blank cells cut off; refused as soon as one is too wide or there are too many."""
    kept = 0
    for number, cells in rows:
        width = _filled_width(cells)
        if not width:
            continue  # blank rows are never kept: a sheet may leave thousands between its rows
        if width > limits.max_columns:
            raise _too_many_columns(width, limits)
        kept += 1
        if kept > limits.max_rows + 1:  # + the header
            raise _too_many_rows(limits)
        yield number, cells[:width]


def _cells_from_rows(rows: Iterable[tuple[int, Sequence[str]]], limits: ReadLimits) -> _Cells:
    """Build cells from (Excel row number, texts) rows; blank rows are dropped, the first other row is the header."""
    rows = list(_kept_rows(rows, limits))
    if not rows:
        raise _file_problem("文件没有内容", "the file holds no rows")
    header_row, header = rows[0]
    body = rows[1:]
    width = max(len(header), *(len(c) for _, c in body)) if body else len(header)
    columns = []
    for j in range(width):
        texts = [cells[j] if j < len(cells) else "" for _, cells in body]
        codes, values = pd.factorize(np.array(texts, dtype=object))
        values = np.asarray(values, dtype=object) if len(values) else np.array([""], dtype=object)
        title = header[j].strip() if j < len(header) else ""
        columns.append(_Column(title, _letter(j + 1), codes.astype(np.int64), values))
    numbers = np.array([n for n, _ in body], dtype=np.int64)
    return _drop_blank(_Cells([c for c in columns if c.header or not _all_blank(c)], numbers, header_row))


def _all_blank(col: _Column) -> bool:
    return not any(str(v).strip() for v in col.values[np.unique(col.codes)]) if len(col.codes) else True


def _drop_blank(cells: _Cells) -> _Cells:
    """Drop data rows whose every cell is blank (Excel leaves them at the end, people leave them in between)."""
    blank = np.ones(len(cells.rows), dtype=bool)
    for col in cells.columns:
        blank_value = np.array([not str(v).strip() for v in col.values], dtype=bool)
        blank &= blank_value[col.codes]
    if not blank.any():
        return cells
    keep = ~blank
    return _Cells([c.take(keep) for c in cells.columns], cells.rows[keep], cells.header_row)


def _xlsx_text(value: object) -> str:
    """A cell of openpyxl as text that core.values parses back (dates as ISO, whole numbers without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _damaged(name: str | None) -> InputError:
    return _file_problem("XLSX文件已损坏，无法读取", "the XLSX file is damaged and cannot be read", name)


def _not_a_workbook(name: str | None) -> InputError:
    return _file_problem("XLSX文件已损坏或不是Excel工作簿，无法读取", "the file is damaged or not an Excel workbook", name)


def _check_zip(data: bytes, name: str | None, limits: ReadLimits) -> None:
    """Refuse a workbook that would unpack to too much (a zip bomb) before any of it is unpacked.

    The sizes come from the zip's directory; Python's zipfile never unpacks a member past its stated size
    (it fails the CRC check instead), so a directory that lies cannot unpack more than it states either.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_sizes(archive, len(data), name, limits)
            check_structure(archive, name, limits)  # then counted as it unpacks, whatever the sizes claim
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError, zlib.error):
        raise _not_a_workbook(name) from None


def _check_sizes(archive: zipfile.ZipFile, size: int, name: str | None, limits: ReadLimits) -> None:
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > limits.max_xlsx_uncompressed:
        raise _file_problem(
            f"XLSX文件解压后过大（{unpacked / MB:.0f} MB，上限{limits.max_xlsx_uncompressed / MB:g} MB）",
            f"the XLSX file unpacks to too much ({unpacked / MB:.0f} MB; at most "
            f"{limits.max_xlsx_uncompressed / MB:g} MB)", name)
    if unpacked > limits.max_xlsx_ratio * size:
        ratio = unpacked // size
        raise _file_problem(f"XLSX文件压缩比异常（{ratio}倍，上限{limits.max_xlsx_ratio}倍），可能是压缩炸弹",
                            f"the XLSX file unpacks {ratio} times its size (at most {limits.max_xlsx_ratio}): "
                            "a zip bomb?", name)


def _check_dimension(sheet, name: str | None, limits: ReadLimits) -> None:
    """Refuse a sheet whose declared used range (<dimension ref>) holds more cells than the limits allow.

    Cells, not rows and columns apart: the range also spans blank rows and empty formatted cells, which are
    never read; a range past Excel's last row is a damaged or forged file.
    """
    rows, columns = sheet.max_row or 0, sheet.max_column or 0  # 0 when the sheet declares no range
    most = (limits.max_rows + 1) * limits.max_columns
    if rows > EXCEL_MAX_ROWS or rows * columns > most:
        ref = f"A1:{_letter(max(columns, 1))}{max(rows, 1)}"
        raise _file_problem(f"工作表声明的范围{ref}过大（上限{most}个单元格）",
                            f"the sheet declares the range {ref}, too large (at most {most} cells)", name)


def _stored_rows(sheet) -> Iterator[tuple[int, list[dict]]]:
    """(Excel row number, cells) of each row the sheet's XML holds, streamed.

    Not sheet.iter_rows: it makes up every row missing between two stored ones (one cell at row 99,999,999 is
    a hundred million empty rows) and pads each row to the declared dimension. This is its loop, without that.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for count, (number, cells) in enumerate(parser.parse(), start=1):
            if number > EXCEL_MAX_ROWS or count > EXCEL_MAX_ROWS:
                raise _file_problem(f"工作表超出Excel的最大行数（{EXCEL_MAX_ROWS}行）",
                                    f"the sheet goes past Excel's last row ({EXCEL_MAX_ROWS})")
            yield number, cells


def _row_texts(cells: list[dict], limits: ReadLimits) -> list[str]:
    """The texts of one stored row, by column, up to its last cell holding a value."""
    filled = [(cell["column"], cell["value"]) for cell in cells if cell["value"] is not None]
    width = max((column for column, _ in filled), default=0)
    if width > limits.max_columns:  # refused before a list as wide as the row is made
        raise _too_many_columns(width, limits)
    texts = [""] * width
    for column, value in filled:
        texts[column - 1] = _xlsx_text(value)
    return texts


def _xlsx_rows(data: bytes, name: str | None, limits: ReadLimits) -> Iterator[tuple[int, list[str]]]:
    """Rows of the first sheet, numbered as in Excel, streamed (read-only); never more than the limits allow."""
    from openpyxl import load_workbook

    _check_zip(data, name, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure to open the zip/XML is the same problem to the user
        raise _not_a_workbook(name) from None
    try:
        if not book.worksheets:
            raise _file_problem("XLSX文件没有工作表", "the workbook has no sheet", name)
        sheet = book.worksheets[0]
        _check_dimension(sheet, name, limits)
        for number, cells in _stored_rows(sheet):
            yield number, _row_texts(cells, limits)
    except InputError:
        raise
    except Exception:
        raise _damaged(name) from None
    finally:
        book.close()


def _refuse_non_text(data: bytes, name: str | None) -> None:
    """Whole-file problems for what is plainly not a CSV file (binary data, UTF-16 text)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_problem("文件是UTF-16编码，请在Excel中另存为“CSV UTF-8”或.xlsx",
                            "the file is UTF-16 text: save it from Excel as 'CSV UTF-8' or .xlsx", name)
    if b"\x00" in data[:65536]:  # text never holds NUL bytes; images, PDFs and archives do
        raise _file_problem("不是CSV或XLSX文件", "not a CSV or XLSX file", name)


def _decode(data: bytes | memoryview, name: str | None) -> str:
    """Text of a CSV file: UTF-8 first, then GB18030 (a superset of GBK, what Excel in China writes)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return bytes(data).decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_problem("无法识别文件编码（应为UTF-8或GBK/GB18030），或不是CSV文件",
                        "unknown text encoding (expected UTF-8 or GBK/GB18030), or not a CSV file", name)


def _delimiter(first_line: bytes) -> str:
    # Excel's "text (tab delimited)" export has tabs and no commas in its header.
    return "\t" if b"\t" in first_line and b"," not in first_line else ","


def _csv_cells(data: bytes, name: str | None, limits: ReadLimits) -> _Cells:
    """CSV through Arrow's multi-threaded parser; files it refuses (ragged rows) go through the csv module."""
    _refuse_non_text(data, name)
    # A view, not a copy: the file may be 100 MB. BOM and trailing newlines off (Arrow reads "" lines as rows).
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    view = memoryview(data)[start:end]
    first_line = re.split(rb"\r\n|\r|\n", bytes(view[:65536]), maxsplit=1)[0]
    delimiter = _delimiter(first_line)
    try:
        return _arrow_cells(view, first_line, delimiter, limits)
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc):  # ragged rows or no header in the first line: the slow, forgiving path
            return _python_csv_cells(_decode(view, name), delimiter, limits)
    text = _decode(view, name)  # not UTF-8: GBK/GB18030
    encoded = text.encode("utf-8")
    try:
        return _arrow_cells(encoded, re.split(rb"\r\n|\r|\n", encoded[:65536], maxsplit=1)[0], delimiter, limits)
    except pa.ArrowInvalid:
        return _python_csv_cells(text, delimiter, limits)


def _arrow_cells(data: bytes | memoryview, first_line: bytes, delimiter: str, limits: ReadLimits) -> _Cells:
    # GBK/GB18030 trail bytes are never "," or '"', so counting fields on a lossy decode is exact.
    try:
        header = next(csv.reader([first_line.decode("utf-8", "replace")], delimiter=delimiter), [])
    except csv.Error as exc:
        raise pa.ArrowInvalid(str(exc)) from None
    width = len(header)
    # Before Arrow makes a column of each: one line of `a,` × 5,000,000 is refused here, from its first 64 KiB.
    if width > _MAX_RAW_FIELDS or _filled_width(header) > limits.max_columns:
        raise _too_many_columns(width, limits)
    if width == 0:
        raise pa.ArrowInvalid("empty header")
    names = [f"c{j}" for j in range(width)]
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(column_names=names),
        # Blank lines are kept so that row numbers stay those Excel shows; they are dropped afterwards.
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        # Dictionary-encoded while parsing: each column arrives as distinct values + one index per row.
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    ).unify_dictionaries()
    columns = []
    for j in range(width):
        chunks = table.column(j).chunks
        values = np.array(chunks[0].dictionary.to_pylist(), dtype=object)
        indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
        header = str(values[indices[0]])
        columns.append(_Column(header.strip(), _letter(j + 1), indices[1:], values))
    if not any(c.header for c in columns):
        raise pa.ArrowInvalid("blank header")  # leading blank rows: the csv module path finds the header
    del table
    rows = np.arange(2, len(columns[0].codes) + 2, dtype=np.int64)
    filled = [j for j, c in enumerate(columns) if c.header or not _all_blank(c)]
    if filled and filled[-1] + 1 > limits.max_columns:  # a cell far right of the header's last title
        raise _too_many_columns(filled[-1] + 1, limits)
    columns = [columns[j] for j in filled]
    cells = _drop_blank(_Cells(columns, rows))
    if len(cells.rows) > limits.max_rows:
        raise _too_many_rows(limits)
    return cells


def _python_csv_cells(text: str, delimiter: str, limits: ReadLimits) -> _Cells:
    fields = 0  # delimiters in the lines of the record being read: a bound of its fields, known before it is made

    def lines() -> Iterator[str]:
        nonlocal fields
        for line in io.StringIO(text, newline=""):
            fields += line.count(delimiter)
            if fields >= _MAX_RAW_FIELDS:
                raise _too_many_columns(fields + 1, limits)
            yield line

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal fields
        for number, record in enumerate(csv.reader(lines(), delimiter=delimiter), start=1):
            fields = 0
            yield number, record

    try:
        return _cells_from_rows(records(), limits)
    except csv.Error as exc:
        raise _file_problem("无法按CSV格式读取此文件", "the file cannot be read as CSV", str(exc)) from None


def read_table(source: Source, name: str | None = None, limits: ReadLimits | None = None) -> pd.DataFrame:
    """The raw cells (str, "" when empty) of a CSV or XLSX file, indexed by Excel row number (header = row 1).

    Blank rows are left out; a column whose header is blank is named by its Excel letter.
    Raises InputError (a whole-file problem) when the file cannot be read or is over the limits.
    """
    cells = _read_cells(source, name, limits or read_limits())
    frame = pd.DataFrame({j: col.values[col.codes] for j, col in enumerate(cells.columns)},
                         index=pd.Index(cells.rows, name="row"))
    frame.columns = [col.name for col in cells.columns]
    return frame


# --- headers ---------------------------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[_\-*]", "", fold(text))


def _match_headers(cells: _Cells, spec: tuple[Column, ...]) -> tuple[dict[str, _Column], list[Problem]]:
    """Which file column holds which key; unknown, duplicated and missing required columns are problems."""
    lookup = {}
    for column in spec:
        lookup[_header_key(column.key)] = column
        lookup[_header_key(column.label_zh)] = column
    expected_zh = "、".join(c.label_zh for c in spec)
    expected_en = ", ".join(c.key for c in spec)
    found: dict[str, _Column] = {}
    problems = Problems()
    top = cells.header_row
    for col in cells.columns:
        column = lookup.get(_header_key(col.header)) if col.header else None
        if not col.header:
            blank_value = np.array([not str(v).strip() for v in col.values], dtype=bool)
            for i in _first(np.flatnonzero(~blank_value[col.codes]), problems):
                problems.append(Problem(int(cells.rows[i]), col.name, "此单元格所在的列没有列标题",
                                        "this cell is in a column without a header", _shown(col.values[col.codes[i]])))
        elif column is None:
            problems.append(Problem(top, col.name, f"未知列（可用的列：{expected_zh}）",
                                    f"unknown column (expected: {expected_en})", _shown(col.header)))
        elif column.key in found:
            problems.append(Problem(top, col.name, f"重复的列（与“{found[column.key].header}”相同）",
                                    f"duplicated column (same as {found[column.key].header!r})", _shown(col.header)))
        else:
            found[column.key] = col
    for column in spec:
        if column.required and column.key not in found:
            problems.append(Problem(top, column.key, f"缺少必填列“{column.label_zh}”",
                                    f"missing required column {column.key!r} ({column.label_zh})"))
    return found, problems


# --- column checks ---------------------------------------------------------------------------------------------

Failure = tuple[str, str] | None  # (中文, English) when a value is wrong
Check = Callable[[str], tuple[object, Failure]]


@dataclass
class _Checked:
    """A column after its check: the parsed value of each distinct cell, and which rows passed."""

    column: _Column
    parsed: np.ndarray  # one parsed value per distinct cell (object)
    ok: np.ndarray  # per row

    def per_row(self) -> np.ndarray:
        return self.parsed[self.column.codes]


# Characters no cell may hold: C0 controls (tab, line feed and carriage return only in free text), DEL and C1;
# and the bidirectional overrides/isolates that make a name or code display as something else than it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\t\n\r]")
_BIDI = BIDI_PATTERN  # the same set the pages and terminals show as markers (core.plain_text)
# The three as one character class each, for a single fast pass over every value of a column.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_UNSAFE_IN_FREE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_SHOWN_CHARS = 40  # of a refused value, in its problem


def _shown(value: object) -> str:
    """A cell as a problem shows it: stripped, controls written as escapes, cut short."""
    text = str(value).strip()
    cut = text[:_SHOWN_CHARS] + ("…" if len(text) > _SHOWN_CHARS else "")
    return _BIDI.sub(_escape, _CONTROL.sub(_escape, _LINE_BREAK.sub(_escape, cut)))


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _text_failure(value: str, limits: ReadLimits, free_text: bool) -> Failure:
    """Why a cell's text can never be stored (too long, control or bidi characters); None when it can."""
    text = value.strip()  # what is stored: spaces and line breaks around a cell are dropped, never refused
    if len(text) > limits.max_cell_chars:
        return (f"内容过长（{len(text)}个字符，上限{limits.max_cell_chars}个）",
                f"too long ({len(text)} characters; at most {limits.max_cell_chars})")
    if _CONTROL.search(text) or (not free_text and _LINE_BREAK.search(text)):
        allowed = ("（情况说明中可换行）", " (line breaks only in a description)") if not free_text else ("", "")
        return (f"含有不可见的控制字符{allowed[0]}", f"holds invisible control characters{allowed[1]}")
    if _BIDI.search(text):
        return ("含有改变文字显示方向的控制字符", "holds bidirectional control characters that disguise the text")
    return None


def _all_clean(values: np.ndarray, limits: ReadLimits, free_text: bool) -> bool:
    """True when no value can fail _text_failure: one search over all of them (100,000 descriptions: ~5 ms)."""
    texts = values.tolist()
    if max(map(len, texts), default=0) > limits.max_cell_chars:
        return False
    return not (_UNSAFE_IN_FREE_TEXT if free_text else _UNSAFE).search("".join(texts))


def _check_column(col: _Column, rows: np.ndarray, check: Check, problems: list[Problem], limits: ReadLimits,
                  *, free_text: bool = False) -> _Checked:
    """Parse each distinct value once; a problem for each row whose value fails (its text first, then `check`)."""
    parsed = np.empty(len(col.values), dtype=object)
    failures: list[Failure] = []
    clean = _all_clean(col.values, limits, free_text)
    as_is = AS_IS_CHECKS.get(check)
    passes = as_is([str(v) for v in col.values]) if as_is else np.zeros(len(col.values), dtype=bool)
    for i, value in enumerate(col.values):
        text = str(value)
        failure = None if clean else _text_failure(text, limits, free_text)
        if failure is None and passes[i]:
            parsed[i], own = text, None
        else:
            parsed[i], own = check(text) if failure is None else ("", None)
        failures.append(failure or own)
    bad_value = np.array([f is not None for f in failures], dtype=bool)
    bad_rows = np.flatnonzero(bad_value[col.codes])
    for i in _first(bad_rows, problems):
        code = col.codes[i]
        zh, en = failures[code]
        problems.append(Problem(int(rows[i]), col.name, zh, en, _shown(col.values[code])))
    ok = np.ones(len(col.codes), dtype=bool)
    ok[bad_rows] = False
    return _Checked(col, parsed, ok)


def _first(bad_rows: np.ndarray, problems: list[Problem]) -> np.ndarray:
    """The first MAX_PROBLEMS of a column's bad rows, to be listed; the rest are only counted (Problems.more)."""
    if len(bad_rows) > MAX_PROBLEMS and isinstance(problems, Problems):
        problems.more += len(bad_rows) - MAX_PROBLEMS
    return bad_rows[:MAX_PROBLEMS]


def _text(value: str) -> tuple[str, Failure]:
    return value.strip(), None


def _required_text(value: str) -> tuple[str, Failure]:
    text = value.strip()
    return text, (None if text else _REQUIRED)


def _credit_code(value: str) -> tuple[str, Failure]:
    failure = credit_code_problem(value)
    return (normalize_credit_code(value) if failure is None else ""), failure


def _blank_column(n: int, fill: object = "") -> np.ndarray:
    return np.full(n, fill, dtype=object)


def _codes_and_names(found: dict[str, _Column], rows: np.ndarray, problems: list[Problem], limits: ReadLimits
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Canonical code and name per row; a problem for each bad one and for every row of a code with two names."""
    n = len(rows)
    code = (_check_column(found["credit_code"], rows, _credit_code, problems, limits)
            if "credit_code" in found else None)
    name = (_check_column(found["agency_name"], rows, _required_text, problems, limits)
            if "agency_name" in found else None)
    if code is not None and name is not None:
        _two_names(code, name, rows, problems)
    return (code.per_row() if code else _blank_column(n)), (name.per_row() if name else _blank_column(n))


def _two_names(code: _Checked, name: _Checked, rows: np.ndarray, problems: list[Problem]) -> None:
    """Every row whose code carries more than one name in the file (names compared folded: ( ) = （ ）)."""
    ok = code.ok & name.ok
    if not ok.any():
        return
    # Ids of the canonical code and folded name of each distinct cell, then per row: integer work only.
    code_id_of, code_values = pd.factorize(code.parsed)
    name_id_of, name_values = pd.factorize(np.array([fold(v) for v in name.parsed], dtype=object))
    code_id = code_id_of[code.column.codes]
    name_id = name_id_of[name.column.codes]
    radix = len(name_values) + 1
    pairs = pd.unique(code_id[ok].astype(np.int64) * radix + name_id[ok])
    conflicting = np.bincount(pairs // radix, minlength=len(code_values)) > 1
    bad_rows = np.flatnonzero(ok & conflicting[code_id])
    names = name.per_row()
    spellings: dict[int, dict[int, str]] = {}
    for i in bad_rows:
        spellings.setdefault(int(code_id[i]), {}).setdefault(int(name_id[i]), names[i])
    for i in _first(bad_rows, problems):
        listed = list(spellings[int(code_id[i])].values())
        canonical = code_values[code_id[i]]
        problems.append(Problem(
            int(rows[i]), name.column.name,
            f"同一统一社会信用代码{canonical}在本文件中对应多个机构名称：{'、'.join(listed)}",
            f"the code {canonical} carries more than one name in this file: {', '.join(listed)}",
            names[i],
        ))


# --- findings --------------------------------------------------------------------------------------------------


def _empty_findings() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in FINDINGS_COLUMNS})
    return frame.astype({"row": np.int64, "year": np.int64, "date": "datetime64[ns]"})


def _representatives(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by their combination of small integer codes: (one row index per group, each row's group)."""
    sizes = [int(p.max()) + 1 if len(p) else 1 for p in parts]
    if np.prod([float(s) for s in sizes]) < 2**62:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, size in zip(parts, sizes, strict=True):
            key = key * size + part
        group, uniques = pd.factorize(key)
        count = len(uniques)
    else:  # too many distinct values to pack into one integer: let numpy compare whole rows
        _, group = np.unique(np.stack(parts, axis=1), axis=0, return_inverse=True)
        group = group.reshape(-1)
        count = int(group.max()) + 1
    representative = np.empty(count, dtype=np.int64)
    representative[group] = np.arange(len(group))  # any row of a group stands for the whole group
    return representative, group


class _FindingChecks:
    """The per-value checks of a findings file for one rulebook and list of towns."""

    def __init__(self, rulebook: Rulebook, towns: Towns):
        self.rulebook = rulebook
        self.assessors = towns.lookup()
        self.aliases = rulebook.period_aliases()
        periods = [p for b in rulebook.buckets for p in b.periods]
        self.period_labels = ("、".join(p.label_zh for p in periods), ", ".join(p.key for p in periods))
        # The clauses a file may name, per group (1.1–1.10 …): people read these, never the rulebook's internal id.
        spans = []
        for group in rulebook.groups:
            codes = [c.code for c in rulebook.clauses if c.group == group.key]
            if codes:
                spans.append(codes[0] if len(codes) == 1 else f"{codes[0]}–{codes[-1]}")
        self.clause_spans = ("、".join(spans), ", ".join(spans))

    def clause(self, value: str) -> tuple[str, Failure]:
        if not value.strip():
            return "", _REQUIRED
        code = parse_clause(value, self.rulebook)
        return (code, None) if code else ("", (f"未知条款（评分规则中的条款为 {self.clause_spans[0]}）",
                                                f"unknown clause (the scoring rules have {self.clause_spans[1]})"))

    def assessor(self, value: str) -> tuple[str, Failure]:
        if not value.strip():
            return "", _REQUIRED
        resolved = self.assessors.get(fold(value))
        return (resolved, None) if resolved else ("", ("未知的评定单位（应为市应急管理局或镇街园名称）",
                                                       "unknown assessor (expected the city bureau or a town)"))

    def period(self, value: str) -> tuple[str, Failure]:
        if not value.strip():
            return "", None
        key = parse_period(value, self.rulebook, self.aliases)
        zh, en = self.period_labels
        return (key, None) if key else ("", (f"未知的考核期（可用：{zh}）", f"unknown period (expected {en})"))

    def date(self, value: str) -> tuple[dt.date | None, Failure]:
        return date_check(value, required=True)

    @staticmethod
    def year(value: str) -> tuple[int, Failure]:
        if not value.strip():
            return 0, None  # 0: not given, the date's year applies
        year = parse_year(value)
        failure = year_problem(year)
        return (0, failure) if failure else (year, None)

    def when(self, assessor: str, period: str, day: dt.date, year: int
             ) -> tuple[str, int, tuple[str, str, str, str] | None]:
        """Period key and rating year of a finding, or (column key, 中文, English, value) of what is wrong."""
        try:
            placed = place(self.rulebook, assessor=assessor, day=day, year=year or None, period=period or None)
        except PlacementError as exc:
            return "", 0, (exc.column, exc.message_zh, exc.message_en, exc.value)
        return placed.period, placed.year, None


def read_findings(source: Source, *, name: str | None = None, rulebook: Rulebook | None = None,
                  towns: Towns | None = None, limits: ReadLimits | None = None) -> pd.DataFrame:
    """A checked findings file as core.schema.FINDINGS_COLUMNS; InputError with every problem if anything is wrong.

    `limits` default to read_limits(): a file past them is refused before it is read whole.
    """
    rulebook = rulebook or load_rulebook()
    checks = _FindingChecks(rulebook, towns or default_towns())
    limits = limits or read_limits()
    cells = _read_cells(source, name, limits)
    found, problems = _match_headers(cells, FINDINGS_FILE_COLUMNS)
    rows = cells.rows
    n = len(rows)
    if n == 0:
        if problems:
            raise InputError(problems)
        return _empty_findings()

    codes, names = _codes_and_names(found, rows, problems, limits)
    checked: dict[str, _Checked] = {}
    for key, check in (("clause", checks.clause), ("assessor", checks.assessor), ("period", checks.period),
                       ("date", checks.date), ("year", checks.year)):
        if key in found:
            checked[key] = _check_column(found[key], rows, check, problems, limits)
    free = {key: (_check_column(found[key], rows, _text, problems, limits, free_text=key == "description").per_row()
                  if key in found else _blank_column(n)) for key in ("practitioner", "description", "document_no")}

    # Assessor, period, date and year together: checked once per distinct combination (a few thousand at most).
    period_keys = _blank_column(n)
    rating_years = np.zeros(n, dtype=np.int64)
    if "assessor" in checked and "date" in checked:
        when_ok = checked["assessor"].ok & checked["date"].ok
        for key in ("period", "year"):
            if key in checked:
                when_ok &= checked[key].ok
        idx = np.flatnonzero(when_ok)
        zeros = np.zeros(len(idx), dtype=np.int64)
        parts = [checked[k].column.codes[idx] if k in checked else zeros for k in ("assessor", "period", "date", "year")]
        representative, group = _representatives(parts)

        def cell(key: str, i: int, default: object) -> object:
            return checked[key].parsed[checked[key].column.codes[i]] if key in checked else default

        outcomes = [checks.when(cell("assessor", idx[r], ""), cell("period", idx[r], ""), cell("date", idx[r], None),
                                cell("year", idx[r], 0)) for r in representative]
        period_keys[idx] = np.array([o[0] for o in outcomes], dtype=object)[group]
        rating_years[idx] = np.array([o[1] for o in outcomes], dtype=np.int64)[group]
        bad = np.array([o[2] is not None for o in outcomes], dtype=bool)
        labels = {k: next(c.label_zh for c in FINDINGS_FILE_COLUMNS if c.key == k) for k in ("period", "date", "year")}
        for i in _first(np.flatnonzero(bad[group]), problems):
            column, zh, en, value = outcomes[group[i]][2]
            where = found[column].name if column in found else labels[column]
            problems.append(Problem(int(rows[idx[i]]), where, zh, en, value))

    if problems:
        raise InputError(problems)

    date = checked["date"]
    day_of_value = np.array([np.datetime64(d, "D") for d in date.parsed], dtype="datetime64[D]")
    text = {
        "credit_code": codes,
        "agency_name": names,
        "clause": checked["clause"].per_row(),
        "assessor": checked["assessor"].per_row(),
        "period": period_keys,
        **free,
    }
    return _frame(text, {
        "row": rows.astype(np.int64),
        "date": day_of_value[date.column.codes].astype("datetime64[ns]"),
        "year": rating_years,
    }, FINDINGS_COLUMNS)


def _frame(text: dict[str, np.ndarray], other: dict[str, np.ndarray], order: Sequence[str]) -> pd.DataFrame:
    """A DataFrame whose str columns share one block from the start: pandas would otherwise copy a million-row
    object block together later (consolidation), costing half a second and the memory of a second copy."""
    block = np.empty((len(text), len(next(iter(text.values())))), dtype=object)
    for k, values in enumerate(text.values()):
        block[k] = values
    frame = pd.DataFrame(block.T, columns=list(text), copy=False)
    for key in order:  # `insert` adds a block in place; reordering afterwards would copy every cell
        if key in other:
            frame.insert(list(order).index(key), key, other[key])
    return frame


# --- roster ----------------------------------------------------------------------------------------------------


def read_roster(source: Source, *, name: str | None = None, limits: ReadLimits | None = None) -> pd.DataFrame:
    """The agencies to rate (credit_code, agency_name), one row per code, indexed by Excel row; InputError if bad."""
    limits = limits or read_limits()
    cells = _read_cells(source, name, limits)
    found, problems = _match_headers(cells, ROSTER_FILE_COLUMNS)
    codes, names = _codes_and_names(found, cells.rows, problems, limits)
    if problems:
        raise InputError(problems)
    # Indexed by the Excel row number (as read_table), so later checks can still name a row.
    frame = pd.DataFrame({"credit_code": codes, "agency_name": names}, columns=list(ROSTER_COLUMNS),
                         index=pd.Index(cells.rows, name="row"))
    # The same agency listed twice with the same name is one agency.
    return frame.drop_duplicates("credit_code", keep="first")


# --- any other file: a generic hook for readers built on this one (core.service_records) ----------------------


@dataclass
class CheckedFile:
    """A file read against a column spec: each column checked once per distinct value, problems not yet raised.

    Columns the file does not hold read as blank. Callers add their checks across columns, then raise.
    """

    rows: np.ndarray  # Excel row number of each data row
    columns: dict[str, _Checked]  # the columns the file holds, by key
    names: dict[str, str]  # key → how problems name the column (the header as written, else the Chinese label)
    problems: list[Problem]

    def values(self, key: str, fill: object = "") -> np.ndarray:
        """The parsed value of each row (object array); `fill` where the file has no such column."""
        checked = self.columns.get(key)
        return checked.per_row() if checked else _blank_column(len(self.rows), fill)

    def converted(self, key: str, convert: Callable[[np.ndarray], np.ndarray], fill: object) -> np.ndarray:
        """Each row's parsed value through a vectorised `convert` of the distinct values (one call, not one per row)."""
        checked = self.columns.get(key)
        if checked is None:
            return np.asarray(convert(np.array([fill], dtype=object)))[np.zeros(len(self.rows), dtype=np.int64)]
        return np.asarray(convert(checked.parsed))[checked.column.codes]

    def ok(self, key: str) -> np.ndarray:
        """Which rows passed the column's own check (all of them when the file has no such column)."""
        checked = self.columns.get(key)
        return checked.ok if checked else np.ones(len(self.rows), dtype=bool)

    def problem(self, i: int, key: str, zh: str, en: str, value: object = None) -> None:
        """Add a problem at data row index `i`, column `key`."""
        shown = None if value is None else _shown(value)
        self.problems.append(Problem(int(self.rows[i]), self.names[key], zh, en, shown))


def read_checked(source: Source, spec: tuple[Column, ...], checks: dict[str, Check], *, name: str | None = None,
                 limits: ReadLimits | None = None) -> CheckedFile:
    """Read a CSV/XLSX file through this reader's machinery (encodings, limits, headers, unsafe characters) and
    check each column of `spec` with `checks[key]` (plain text when it has none); InputError for whole-file problems.
    """
    limits = limits or read_limits()
    cells = _read_cells(source, name, limits)
    found, problems = _match_headers(cells, spec)
    checked = {key: _check_column(col, cells.rows, checks.get(key, _text), problems, limits)
               for key, col in found.items()}
    names = {c.key: (found[c.key].name if c.key in found else c.label_zh) for c in spec}
    return CheckedFile(cells.rows, checked, names, problems)


def credit_code_check(value: str) -> tuple[str, Failure]:
    """A required USCC, canonical (the findings file's check, for other files)."""
    return _credit_code(value)


def required_text_check(value: str) -> tuple[str, Failure]:
    """Non-blank text, stripped."""
    return _required_text(value)


# Checks with a vectorised pass over a column's distinct values: True where `check(value)` is `(value, None)` for
# sure, so only the rest go through `check` one by one. A USCC by stdnum costs ~13 µs; a province's files hold
# ~100,000 distinct client codes each, nearly all valid as written.
AS_IS_CHECKS: dict[Callable, Callable[[list[str]], np.ndarray]] = {
    _credit_code: credit_codes_as_is, credit_code_check: credit_codes_as_is,
}


def date_check(value: str, *, required: bool) -> tuple[dt.date | None, Failure]:
    """A date in any accepted spelling, within the rating years (+1 for a year-end dated next spring); every file's check."""
    if not value.strip():
        return None, (_REQUIRED if required else None)
    day = parse_date(value)
    if day is None:
        return None, ("无法识别的日期（应为YYYY-MM-DD）", "unreadable date (expected YYYY-MM-DD)")
    if not YEAR_MIN <= day.year <= YEAR_MAX + 1:
        return None, (f"日期超出合理范围（{YEAR_MIN}—{YEAR_MAX}年）", f"date out of range ({YEAR_MIN}–{YEAR_MAX})")
    return day, None
