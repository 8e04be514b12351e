"""The blank upload template for findings (XLSX with drop-downs and notes, or a CSV header), from the rulebook."""

from __future__ import annotations

import io
from pathlib import Path

from core.rulebook import Rulebook, load_rulebook
from core.schema import FINDINGS_FILE_COLUMNS
from core.towns import BUREAU_NAME_ZH, Towns, default_towns

FINDINGS_SHEET = "扣分记录"
LISTS_SHEET = "条款与单位"
NOTES_SHEET = "填写说明"
TEMPLATE_ROWS = 2000  # rows prepared with drop-downs and text format
FORMATS = ("xlsx", "csv")

# Columns Excel must keep as text: a clause typed 1.10 would otherwise become the number 1.1 (another clause),
# and an 18-digit credit code would lose its last digits.
_TEXT_KEYS = ("credit_code", "clause", "document_no")
_WIDTHS = {"credit_code": 22, "agency_name": 32, "clause": 10, "assessor": 24, "period": 10, "date": 12,
           "year": 8, "practitioner": 12, "description": 40, "document_no": 22}
_GENERAL_NOTES = (
    ("每行一条扣分记录；第1行为列标题，请勿修改。", "One finding per row; row 1 holds the headers, keep them as they are."),
    ("条款可写作 2.5、二（五）、2-5 等；下拉列表给出规范写法，全文见“条款与单位”表。",
     "Clauses may be written 2.5, 二（五）, 2-5…; the drop-down lists the canonical codes, their text is on the "
     "second sheet."),
    ("镇街园的记录必须填写考核期；市应急管理局的记录考核期可留空（即全年）。",
     "Town findings need a period; the bureau's may leave it empty (the whole year)."),
    ("季度记录的日期须在该季度内；年底评定可在次年3月31日前记录，此时请填写年度。",
     "A quarter's finding is dated within that quarter; a year-end finding may be dated up to 31 March of the next "
     "year — then fill in the year."),
    ("整个文件中任何一处有误，文件都不会被导入；系统会逐行逐列列出所有问题。",
     "If anything is wrong the whole file is refused, with every problem listed by row and column."),
)


def template_bytes(fmt: str = "xlsx", rulebook: Rulebook | None = None, towns: Towns | None = None,
                   kind: str = "findings") -> bytes:
    """The template as file content (for a download button); `fmt` is "xlsx" or "csv"; `kind` "findings" or a
    service-record file (core.record_template)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r} (expected one of {FORMATS})")
    if kind != "findings":
        from core.record_template import record_template_bytes

        return record_template_bytes(kind, fmt, towns or default_towns())
    headers = [c.label_zh for c in FINDINGS_FILE_COLUMNS]
    if fmt == "csv":
        # UTF-8 with BOM so that Excel opens the Chinese headers correctly.
        return (",".join(headers) + "\r\n").encode("utf-8-sig")
    return _xlsx(rulebook or load_rulebook(), towns or default_towns())


def write_template(out_path: str | Path, fmt: str = "xlsx", rulebook: Rulebook | None = None,
                   towns: Towns | None = None, kind: str = "findings") -> Path:
    """Write the blank upload template of `kind` to `out_path` and return the path."""
    path = Path(out_path)
    path.write_bytes(template_bytes(fmt, rulebook, towns, kind))
    return path


def _xlsx(rulebook: Rulebook, towns: Towns) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    # Sheet 2 first (the drop-downs refer to it): clauses, assessors and periods.
    lists = book.create_sheet(LISTS_SHEET)
    groups = {g.key: g.label_zh for g in rulebook.groups}
    lists.append(["条款代码 code", "分组 group", "条款全文 text", "English gloss", "", "评定单位 assessor", "",
                  "考核期 period", "说明 note"])
    assessors = [BUREAU_NAME_ZH, *towns.names]
    periods = [(p.label_zh, f"{b.label_zh}：{p.key}") for b in rulebook.buckets for p in b.periods]
    for i in range(max(len(rulebook.clauses), len(assessors), len(periods))):
        row = [""] * 9
        if i < len(rulebook.clauses):
            clause = rulebook.clauses[i]
            row[0:4] = [clause.code, groups.get(clause.group, clause.group), clause.text_zh, clause.gloss_en]
        if i < len(assessors):
            row[5] = assessors[i]
        if i < len(periods):
            row[7:9] = periods[i]
        lists.append(row)
    for cell in lists[1]:
        cell.font = bold
        cell.fill = fill
    for letter, width in zip("ABCDEFGHI", (10, 18, 60, 50, 2, 26, 2, 12, 24), strict=True):
        lists.column_dimensions[letter].width = width
    for row in lists.iter_rows(min_row=2, min_col=1, max_col=1):
        row[0].number_format = "@"
    lists.freeze_panes = "A2"

    # Sheet 1: the headers staff fill in under, with drop-downs on 条款, 评定单位 and 考核期.
    sheet = book.worksheets[0]
    sheet.title = FINDINGS_SHEET
    sheet.append([c.label_zh for c in FINDINGS_FILE_COLUMNS])
    sheet.freeze_panes = "A2"
    last = TEMPLATE_ROWS + 1
    sources = {
        "clause": (f"A2:A{len(rulebook.clauses) + 1}", "请从列表选择条款，或写作 2.5、二（五）",
                   "Pick a clause, or write it 2.5 / 二（五）"),
        "assessor": (f"F2:F{len(assessors) + 1}", "请选择市应急管理局或镇街园", "Pick the bureau or a town"),
        "period": (f"H2:H{len(periods) + 1}", "请选择考核期（市应急管理局可留空）", "Pick a period (the bureau may leave it empty)"),
    }
    for j, column in enumerate(FINDINGS_FILE_COLUMNS, start=1):
        letter = get_column_letter(j)
        head = sheet.cell(row=1, column=j)
        head.font = bold
        head.fill = fill
        head.comment = Comment(
            f"{'必填' if column.required else '选填'}：{column.note_zh}\n"
            f"{'required' if column.required else 'optional'}: {column.note_en}", "模板 template")
        sheet.column_dimensions[letter].width = _WIDTHS.get(column.key, 14)
        if column.key in _TEXT_KEYS:
            for row in sheet.iter_rows(min_row=2, max_row=last, min_col=j, max_col=j):
                row[0].number_format = "@"
        elif column.key == "date":
            for row in sheet.iter_rows(min_row=2, max_row=last, min_col=j, max_col=j):
                row[0].number_format = "yyyy-mm-dd"
        if column.key in sources:
            cells, prompt_zh, prompt_en = sources[column.key]
            first, second = cells.split(":")
            ref = f"'{LISTS_SHEET}'!${first[0]}${first[1:]}:${second[0]}${second[1:]}"
            # A warning, not a stop: the reader accepts more spellings than the list shows (二（五）, 高新区…).
            validation = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning",
                                        showErrorMessage=True, showInputMessage=True,
                                        promptTitle=column.label_zh, prompt=f"{prompt_zh}\n{prompt_en}",
                                        errorTitle=column.label_zh,
                                        error="不在列表中，请确认写法。\nNot in the list: check the spelling.")
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)

    # Sheet 3: what goes in each column, in Chinese and English.
    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["列名 column", "英文列名 key", "是否必填 required", "填写要求", "Format"])
    for column in FINDINGS_FILE_COLUMNS:
        notes.append([column.label_zh, column.key, "必填 required" if column.required else "选填 optional",
                      column.note_zh, column.note_en])
    notes.append([])
    for zh, en in _GENERAL_NOTES:
        notes.append([zh, "", "", "", en])
    for cell in notes[1]:
        cell.font = bold
        cell.fill = fill
    for letter, width in zip("ABCDE", (18, 16, 16, 40, 50), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap

    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
