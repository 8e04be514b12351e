"""Findings of a file that are already stored, found with one query and one pandas merge.

A re-saved XLSX or re-encoded CSV has new bytes (so the upload's SHA-256 does not catch it) but the same
findings: importing it would deduct every one of them again. Such rows are reported, and importing them needs an
explicit yes; they are never refused or dropped on their own, because two separate acts can look alike.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from core.errors import InputError, Problem
from db.models import Agency, Finding, Upload

# Two findings are the same when all of these agree (description is free text and may be re-worded).
MATCH_KEYS = ("credit_code", "year", "clause", "assessor", "period", "date", "practitioner", "document_no")
# One row per repeated file row: its Excel row, agency, clause, date (ISO), and where the match is stored:
# upload_id / file_name of the earlier upload (NA / "" for a finding recorded by hand), and who recorded it.
REPEAT_COLUMNS = ("row", "credit_code", "agency_name", "clause", "date", "upload_id", "file_name", "recorded_by")
_TEXT_KEYS = ("credit_code", "clause", "assessor", "period", "practitioner", "document_no")
_SHOWN = 20  # rows named in the one-line warning; the table lists them all


def repeated_findings(bind: Engine | Connection, findings: pd.DataFrame) -> pd.DataFrame:
    """The rows of `findings` (core.schema.FINDINGS_COLUMNS) identical to a stored finding: REPEAT_COLUMNS.

    One query (every stored finding of the file's years, with its agency and upload), then a merge on MATCH_KEYS.
    A file row matching several stored findings is listed once, with the earliest upload.
    """
    if findings.empty:
        return no_repeats()
    years = sorted({int(y) for y in findings["year"]})
    query = (
        select(Agency.credit_code, Finding.year, Finding.clause, Finding.assessor, Finding.period, Finding.date,
               Finding.practitioner, Finding.document_no, Finding.upload_id, Upload.file_name, Finding.recorded_by)
        .join(Agency, Agency.id == Finding.agency_id)
        .outerjoin(Upload, Upload.id == Finding.upload_id)
        .where(Finding.year.in_(years))
    )
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            rows = conn.execute(query).all()
    else:
        rows = bind.execute(query).all()
    stored = pd.DataFrame(rows, columns=[*MATCH_KEYS, "upload_id", "file_name", "recorded_by"])
    if stored.empty:
        return no_repeats()
    merged = _keys(findings[["row", "agency_name", *MATCH_KEYS]]).merge(_keys(stored), on=list(MATCH_KEYS))
    if merged.empty:
        return no_repeats()
    merged = merged.sort_values(["row", "upload_id"], na_position="last").drop_duplicates("row")
    return pd.DataFrame({
        "row": merged["row"].astype("int64"), "credit_code": merged["credit_code"],
        "agency_name": merged["agency_name"], "clause": merged["clause"],
        "date": merged["date"].dt.strftime("%Y-%m-%d"), "upload_id": merged["upload_id"].astype("Int64"),
        "file_name": merged["file_name"].fillna(""), "recorded_by": merged["recorded_by"].fillna(""),
    }).reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    # One spelling of each key on both sides: dates as datetime64 (SQLite gives date objects), text stripped.
    out = frame.copy()
    out["year"] = out["year"].astype("int64")
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    for key in _TEXT_KEYS:
        out[key] = out[key].fillna("").astype(str).str.strip()
    return out


def no_repeats() -> pd.DataFrame:
    """An empty REPEAT_COLUMNS frame."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in REPEAT_COLUMNS})
    return frame.astype({"row": "int64", "upload_id": "Int64"})


def warning_text(repeats: pd.DataFrame) -> tuple[str, str]:
    """The warning about `repeats` in Chinese and in English: how many, and which Excel rows."""
    rows = "、".join(str(r) for r in repeats["row"].head(_SHOWN)) + ("…" if len(repeats) > _SHOWN else "")
    rows_en = ", ".join(str(r) for r in repeats["row"].head(_SHOWN)) + ("…" if len(repeats) > _SHOWN else "")
    return (
        f"此文件有{len(repeats)}条扣分记录与已存记录完全相同（机构、年度、条款、评定单位、考核期、日期、执业人员、"
        f"文书编号均相同），见第{rows}行。再次导入将重复扣分；确属另外的违规行为时才应导入。",
        f"{len(repeats)} finding(s) in this file are identical to findings already stored (same agency, year, clause,"
        f" assessor, period, date, practitioner and document number): row(s) {rows_en}. Importing them deducts the"
        f" points again; import only if they are separate acts.",
    )


def source_text(upload_id: object, file_name: str, recorded_by: str) -> str:
    """Where a stored match came from: `file.csv（上传 #3）` or `手工录入（by）`, bilingual."""
    if pd.isna(upload_id):
        return f"手工录入 recorded by hand（{recorded_by}）"
    return f"{file_name}（上传 upload #{int(upload_id)}）"


class RepeatedFindings(InputError):
    """An import stopped because findings of the file are already stored; `repeats` lists them (REPEAT_COLUMNS)."""

    def __init__(self, repeats: pd.DataFrame):
        self.repeats = repeats
        super().__init__([
            Problem(int(r.row), None, "与已存记录相同", "identical to a stored finding",
                    f"{r.agency_name} · {r.clause} · {r.date} · {source_text(r.upload_id, r.file_name, r.recorded_by)}")
            for r in repeats.itertuples(index=False)
        ])
