"""Blank templates for the six service-record files: XLSX with drop-downs and an explanation sheet, or a CSV header."""

from __future__ import annotations

import io

from core.schema import Column
from core.service_records import DATE_KEYS, KIND_LABELS, RECORD_COLUMNS, SPECIALTIES, YES_NO
from core.towns import Towns

LISTS_SHEET = "选项"
NOTES_SHEET = "填写说明"
TEMPLATE_ROWS = 2000
# Kept as text: an 18-digit code or ID number would lose its last digits as a number, a month would become a date.
_TEXT_KEYS = ("credit_code", "client_code", "id_number", "contract_no", "certificate", "phone", "month")
_GENERAL_NOTES = (
    ("第1行为列标题，请勿修改；列的顺序可以调整。", "Row 1 holds the headers: keep them; the order may change."),
    ("日期写作 2025-03-01、2025/3/1 或 2025年3月1日；月份写作 2025-03 或 2025年3月。",
     "Dates as 2025-03-01, 2025/3/1 or 2025年3月1日; months as 2025-03 or 2025年3月."),
    ("整个文件中任何一处有误，文件都不会被读入；系统会逐行逐列列出所有问题。",
     "If anything is wrong the whole file is refused, with every problem listed by row and column."),
)


def _choices(towns: Towns) -> dict[str, tuple[str, ...]]:
    """The drop-down lists by column key: towns, specialties, 是/否."""
    return {"town": towns.names, "specialty": SPECIALTIES, "written_advice": YES_NO}


def record_template_bytes(kind: str, fmt: str, towns: Towns) -> bytes:
    """The blank template of a service-record file `kind` (core.service_records.RECORD_KINDS)."""
    if kind not in RECORD_COLUMNS:
        raise ValueError(f"unknown template kind {kind!r} (expected findings or one of {tuple(RECORD_COLUMNS)})")
    columns = RECORD_COLUMNS[kind]
    if fmt == "csv":
        # UTF-8 with BOM so that Excel opens the Chinese headers correctly.
        return (",".join(c.label_zh for c in columns) + "\r\n").encode("utf-8-sig")
    return _xlsx(kind, columns, _choices(towns))


def _xlsx(kind: str, columns: tuple[Column, ...], choices: dict[str, tuple[str, ...]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = KIND_LABELS[kind].split("（")[0]
    lists = book.create_sheet(LISTS_SHEET)
    used = [key for key in choices if any(c.key == key for c in columns)]
    for j, key in enumerate(used, start=1):
        lists.cell(row=1, column=j, value=next(c.label_zh for c in columns if c.key == key)).font = Font(bold=True)
        for i, value in enumerate(choices[key], start=2):
            lists.cell(row=i, column=j, value=value)
    sheet.append([c.label_zh for c in columns])
    sheet.freeze_panes = "A2"
    last = TEMPLATE_ROWS + 1
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        head = sheet.cell(row=1, column=j)
        head.font = Font(bold=True)
        head.comment = Comment(f"{'必填' if column.required else '选填'}：{column.note_zh}\n"
                               f"{'required' if column.required else 'optional'}: {column.note_en}", "模板 template")
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.label_zh) + 4)
        number_format = "@" if column.key in _TEXT_KEYS else "yyyy-mm-dd" if column.key in DATE_KEYS else None
        if number_format:
            for row in sheet.iter_rows(min_row=2, max_row=last, min_col=j, max_col=j):
                row[0].number_format = number_format
        if column.key in used:
            source = get_column_letter(used.index(column.key) + 1)
            ref = f"'{LISTS_SHEET}'!${source}$2:${source}${len(choices[column.key]) + 1}"
            # A warning, not a stop: the reader takes more spellings than the list shows (高新区, Y/N, ✓).
            validation = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning",
                                        showErrorMessage=True, error="不在列表中，请确认写法。\nNot in the list: check it.")
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)

    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["列名 column", "英文列名 key", "是否必填 required", "填写要求", "Format"])
    for column in columns:
        notes.append([column.label_zh, column.key, "必填 required" if column.required else "选填 optional",
                      column.note_zh, column.note_en])
    notes.append([])
    for zh, en in _GENERAL_NOTES:
        notes.append([zh, "", "", "", en])
    for letter, width in zip("ABCDE", (22, 16, 16, 40, 50), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
