"""Findings and rosters built in code for the rating tests (the shape core.reader returns)."""

from __future__ import annotations

import pandas as pd
from stdnum.cn import uscc as stdnum_uscc

from core.schema import FINDINGS_COLUMNS, ROSTER_COLUMNS
from core.towns import BUREAU

TOWN = "澄江街道"
OTHER_TOWN = "华士镇"


def uscc(i: int) -> str:
    """A valid 统一社会信用代码 for agency number `i` (Jiangyin's division code 320281)."""
    base = f"91320281{i:09d}"
    return base + stdnum_uscc.calc_check_digit(base)


def finding(
    agency: int = 1,
    clause: str = "2.5",
    *,
    assessor: str = TOWN,
    period: str | None = None,
    date: str = "2025-02-10",
    year: int | None = None,
    row: int | None = None,
    name: str | None = None,
    practitioner: str = "",
    description: str = "",
    document_no: str = "",
) -> dict:
    """One finding; the period defaults to the bureau's year or the quarter of the date."""
    day = pd.Timestamp(date)
    if period is None:
        period = "Y" if assessor == BUREAU else f"Q{(day.month - 1) // 3 + 1}"
    return {
        "row": row,
        "credit_code": uscc(agency),
        "agency_name": name or f"江阴第{agency}安全技术服务有限公司",
        "clause": clause,
        "assessor": assessor,
        "period": period,
        "date": day,
        "year": year if year is not None else day.year,
        "practitioner": practitioner,
        "description": description,
        "document_no": document_no,
    }


def findings_table(rows: list[dict]) -> pd.DataFrame:
    """A findings table with the reader's dtypes; rows without a number get their position + 2 (as in Excel)."""
    records = [{**r, "row": r["row"] if r["row"] is not None else i + 2} for i, r in enumerate(rows)]
    df = pd.DataFrame(records, columns=list(FINDINGS_COLUMNS))
    return df.astype({"row": "int64", "year": "int64", "date": "datetime64[ns]"})


def roster_table(agencies: list[int], names: dict[int, str] | None = None) -> pd.DataFrame:
    names = names or {}
    return pd.DataFrame(
        {"credit_code": [uscc(a) for a in agencies],
         "agency_name": [names.get(a, f"江阴第{a}安全技术服务有限公司") for a in agencies]},
        columns=list(ROSTER_COLUMNS),
    )
