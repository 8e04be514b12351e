"""Findings of a file that are already stored, or that repeat an earlier row of the same file.

A re-saved XLSX or re-encoded CSV has new bytes (so the upload's SHA-256 does not catch it) but the same
findings, and a row pasted twice is the same finding twice: importing either would deduct the points again.
Such rows are reported (one query and one pandas merge), and importing them needs an explicit yes; they are never
refused or dropped on their own, because two separate acts can look alike.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from core.errors import InputError, Problem
from core.text import counted, plural
from db.findings.live import is_live
from db.store.models import Agency, Finding, Upload

# Two findings are the same when all of these agree (description is free text and may be re-worded).
MATCH_KEYS = ("credit_code", "year", "clause", "assessor", "period", "date", "practitioner", "document_no")
# One row per repeated file row: its Excel row, agency, clause, date (ISO), and what it repeats: a stored finding
# (upload_id / file_name of the earlier upload, NA / "" for one recorded by hand, and who recorded it) or an
# earlier row of the same file (same_as_row; NA for a stored match).
REPEAT_COLUMNS = ("row", "credit_code", "agency_name", "clause", "date", "upload_id", "file_name", "recorded_by",
                  "same_as_row")
_TEXT_KEYS = ("credit_code", "clause", "assessor", "period", "practitioner", "document_no")
_SHOWN = 20  # rows named in the one-line warning; the table lists them all


def repeated_findings(bind: Engine | Connection, findings: pd.DataFrame) -> pd.DataFrame:
    """The rows of `findings` (core.schema.FINDINGS_COLUMNS) identical to a stored finding or to an earlier row of
    the same file: REPEAT_COLUMNS, by row.

    One query (every stored finding of the file's years that is not withdrawn, with its agency and upload), then a
    merge on MATCH_KEYS.
    A file row matching several stored findings is listed once, with the earliest upload; a row that matches a
    stored finding is named by that match rather than by an earlier row.
    """
    if findings.empty:
        return no_repeats()
    keyed = _keys(findings[["row", "agency_name", *MATCH_KEYS]])
    found = [_stored_matches(bind, keyed), _earlier_rows(keyed)]
    found = [f for f in found if not f.empty]
    if not found:
        return no_repeats()
    out = pd.concat(found, ignore_index=True).sort_values(["row", "same_as_row"], na_position="first")
    return out.drop_duplicates("row").reset_index(drop=True).astype({"upload_id": "Int64", "same_as_row": "Int64"})


def _stored_matches(bind: Engine | Connection, keyed: pd.DataFrame) -> pd.DataFrame:
    years = sorted({int(y) for y in keyed["year"]})
    query = (
        select(Agency.credit_code, Finding.year, Finding.clause, Finding.assessor, Finding.period, Finding.date,
               Finding.practitioner, Finding.document_no, Finding.upload_id, Upload.file_name, Finding.recorded_by)
        .join(Agency, Agency.id == Finding.agency_id)
        .outerjoin(Upload, Upload.id == Finding.upload_id)
        # A withdrawn finding no longer deducts anything, so recording the act again is not a second deduction.
        .where(Finding.year.in_(years), is_live())
    )
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            rows = conn.execute(query).all()
    else:
        rows = bind.execute(query).all()
    stored = pd.DataFrame(rows, columns=[*MATCH_KEYS, "upload_id", "file_name", "recorded_by"])
    if stored.empty:
        return no_repeats()
    merged = keyed.merge(_keys(stored), on=list(MATCH_KEYS))
    if merged.empty:
        return no_repeats()
    merged = merged.sort_values(["row", "upload_id"], na_position="last").drop_duplicates("row")
    return pd.DataFrame({
        "row": merged["row"].astype("int64"), "credit_code": merged["credit_code"],
        "agency_name": merged["agency_name"], "clause": merged["clause"],
        "date": merged["date"].dt.strftime("%Y-%m-%d"), "upload_id": merged["upload_id"].astype("Int64"),
        "file_name": merged["file_name"].fillna(""), "recorded_by": merged["recorded_by"].fillna(""),
        "same_as_row": pd.array([pd.NA] * len(merged), dtype="Int64"),
    })


def _earlier_rows(keyed: pd.DataFrame) -> pd.DataFrame:
    # The first row of each group of identical rows is the original; every later one repeats it.
    ordered = keyed.sort_values("row")
    first = ordered.groupby(list(MATCH_KEYS), sort=False)["row"].transform("first")
    later = ordered[ordered["row"] != first]
    if later.empty:
        return no_repeats()
    return pd.DataFrame({
        "row": later["row"].astype("int64"), "credit_code": later["credit_code"],
        "agency_name": later["agency_name"], "clause": later["clause"],
        "date": later["date"].dt.strftime("%Y-%m-%d"), "upload_id": pd.array([pd.NA] * len(later), dtype="Int64"),
        "file_name": "", "recorded_by": "", "same_as_row": first[later.index].astype("Int64"),
    })


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
    return frame.astype({"row": "int64", "upload_id": "Int64", "same_as_row": "Int64"})


def warning_text(repeats: pd.DataFrame) -> tuple[str, str]:
    """The warning about `repeats` in Chinese and in English: how many, and which Excel rows."""
    rows = "、".join(str(r) for r in repeats["row"].head(_SHOWN)) + ("…" if len(repeats) > _SHOWN else "")
    rows_en = ", ".join(str(r) for r in repeats["row"].head(_SHOWN)) + ("…" if len(repeats) > _SHOWN else "")
    n = len(repeats)
    return (
        f"此文件有{len(repeats)}条扣分记录与已存记录或本文件前面的行完全相同（机构、年度、条款、评定单位、考核期、"
        f"日期、执业人员、文书编号均相同），见第{rows}行。再次导入将重复扣分；确属另外的违规行为时才应导入。",
        f"{counted(n, 'finding', 'findings')} in this file {plural(n, 'is', 'are')} identical to findings already stored"
        f" or to an earlier row of this file (same agency, year, clause, assessor, period, date, practitioner and document"
        f" number): {plural(n, 'row', 'rows')} {rows_en}. Importing {plural(n, 'it', 'them')} deducts the points again;"
        f" import only if {plural(n, 'it is a separate act', 'they are separate acts')}.",
    )


def source_text(upload_id: object, file_name: str, recorded_by: str, same_as_row: object = pd.NA) -> str:
    """What a row repeats: `本文件第2行`, `file.csv（上传 #3）` or `手工录入（by）`, bilingual."""
    if not pd.isna(same_as_row):
        return f"本文件第{int(same_as_row)}行 row {int(same_as_row)} of this file"
    if pd.isna(upload_id):
        return f"手工录入 recorded by hand（{recorded_by}）"
    return f"{file_name}（上传 upload #{int(upload_id)}）"


class RepeatedFindings(InputError):
    """An import stopped because findings of the file repeat stored ones or each other; `repeats` lists them."""

    def __init__(self, repeats: pd.DataFrame):
        self.repeats = repeats
        super().__init__([
            Problem(int(r.row), None, "与已存记录或本文件前面的行相同", "identical to a stored finding or an earlier row",
                    f"{r.agency_name} · {r.clause} · {r.date} · {source_text(r.upload_id, r.file_name, r.recorded_by, r.same_as_row)}")
            for r in repeats.itertuples(index=False)
        ])
