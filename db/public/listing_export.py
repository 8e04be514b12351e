"""The listings export for credit platforms (the city credit department, the safety committee): CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from sqlalchemy.engine import Engine

from core import china_time
from db.documents.cells import escape_cell
from db.documents.editions import LIST_SEPARATOR, reproducible_zip
from db.documents.export import DEMO_MARK, PUBLISHER, ExportError
from db.public.listings import listings
from db.publishing.listings import LISTED, PRACTITIONER, REMOVED_AT_TERM, REPAIRED, WITHDRAWN

# Exactly the fields credit platforms take, in their order.
EXPORT_COLUMNS: tuple[str, ...] = ("主体名称", "统一社会信用代码", "列入原因", "认定部门", "列入日期", "移出日期", "状态")
STATUS_ZH = {
    LISTED: "列入中",
    REMOVED_AT_TERM: "期满移出",
    REPAIRED: "信用修复移出",
    WITHDRAWN: "更正撤销",
}
WIDTHS = (36, 22, 80, 30, 12, 12, 14)
FORMATS = ("csv", "xlsx")


def reason(row: pd.Series) -> str:
    """列入原因: the year, the 认定依据, and for a practitioner the agency it worked for; demo data says so first."""
    demo = f"【{DEMO_MARK}】" if row["demo"] else ""
    who = f"{row['agency_name']}从业人员；" if row["subject_kind"] == PRACTITIONER else ""
    return f"{demo}{who}{row['year']}年度信用评定：{row['basis_text']}"


def export_rows(engine: Engine, today: dt.date | None = None) -> list[list[str]]:
    """Every listing, oldest first, as EXPORT_COLUMNS (a practitioner's 统一社会信用代码 is its agency's)."""
    frame = listings(engine, today).sort_values(
        ["listed_on", "year", "subject_kind", "credit_code", "practitioner"], kind="stable")
    return [
        [
            r["practitioner"] if r["subject_kind"] == PRACTITIONER else r["agency_name"],
            r["credit_code"],
            reason(r),
            r["department"].replace("、", LIST_SEPARATOR),  # several departments: one list separator in every file
            r["listed_on"].isoformat(),  # 列入日期: the listing version's publication date, never the act's
            (r["removed_on"] or r["planned_removal_on"]).isoformat(),
            STATUS_ZH[r["status"]],
        ]
        for _, r in frame.iterrows()
    ]


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with BOM (Excel shows Chinese), formula-looking cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([[escape_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list[str]], day: dt.date) -> bytes:
    """One sheet of EXPORT_COLUMNS, formula-looking cells escaped; the same listings on the same day give the same
    bytes (dated `day`, nothing from the clock: editions.reproducible_zip)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "黑名单 listings"
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for number, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    book.properties.creator = book.properties.lastModifiedBy = PUBLISHER
    book.properties.created = book.properties.modified = dt.datetime.combine(day, dt.time())
    book.properties.title = f"江阴市安全生产技术服务机构黑名单列入记录（{day.isoformat()}）"
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue())


def export_listings(*, engine: Engine, fmt: str = "csv", today: dt.date | None = None) -> bytes:
    """Every listing ever made, with its status on `today`, as CSV or XLSX bytes. No personal data beyond a
    listed practitioner's published name."""
    if fmt not in FORMATS:
        raise ExportError(f"未知格式：{fmt}（可选 csv、xlsx）", f"unknown format: {fmt} (csv or xlsx)")
    day = today or china_time.today()
    rows = export_rows(engine, day)
    return to_csv(rows) if fmt == "csv" else to_xlsx(rows, day)
