"""Builders of upload files for tests: valid credit codes, findings rows, CSV in any encoding, XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn.uscc import calc_check_digit

from core.schema import FINDINGS_FILE_COLUMNS

HEADERS_ZH = [c.label_zh for c in FINDINGS_FILE_COLUMNS]
HEADERS_EN = [c.key for c in FINDINGS_FILE_COLUMNS]


def uscc(n: int) -> str:
    """A valid credit code, different for every n (a Jiangyin-like prefix)."""
    body = f"91320281MA{n:07d}"
    return body + calc_check_digit(body)


def with_wrong_check_digit(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def finding(**overrides: object) -> dict[str, object]:
    """A valid town finding of 2025 Q1 by keys; overrides change single cells."""
    row: dict[str, object] = {
        "credit_code": uscc(1), "agency_name": "江阴安达安全技术服务有限公司", "clause": "二（五）",
        "assessor": "澄江街道", "period": "一季度", "date": "2025-02-10", "year": "",
        "practitioner": "", "description": "", "document_no": "",
    }
    row.update(overrides)
    return row


def table(rows: Sequence[dict[str, object]], headers: Sequence[str] = HEADERS_ZH,
          keys: Sequence[str] = HEADERS_EN) -> list[list[object]]:
    """Header row + data rows, the cells in the order of `keys`."""
    return [list(headers), *([r.get(k, "") for k in keys] for r in rows)]


def csv_bytes(cells: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(cells)
    return out.getvalue().encode(encoding)


def write_csv(path: Path, cells: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(cells, encoding))
    return path


def write_xlsx(path: Path, cells: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in cells:
        sheet.append([None if v == "" else v for v in row])
    book.save(path)
    return path
