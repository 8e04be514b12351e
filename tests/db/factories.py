"""Small findings and roster files written in code, as CSV bytes, for the DB tests and the import benchmark."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping

from stdnum.cn import uscc

from core.schema import FINDINGS_FILE_COLUMNS, ROSTER_FILE_COLUMNS

TOWNS = ("澄江街道", "南闸街道", "璜土镇", "华士镇", "周庄镇", "江阴高新技术产业开发区")
# 10-point and 5-point clauses only: the factories never blacklist unless a test asks for a 1.x clause.
CLAUSES = ("2.1", "2.3", "2.5", "3.1", "3.4", "3.6", "3.9")
QUARTER_MONTH = {"Q1": 2, "Q2": 5, "Q3": 8, "Q4": 11, "YE": 12}


def credit_code(n: int) -> str:
    """The n-th synthetic but valid USCC (Jiangyin region code 320281, GB 32100-2015 check digit)."""
    body = f"91320281{n:09d}"
    return body + uscc.calc_check_digit(body)


def agency_name(n: int) -> str:
    """A plausible Chinese agency name, distinct per n."""
    return f"江阴市第{n}安全技术服务有限公司"


def finding_rows(count: int, *, agencies: int = 10, year: int = 2025, start: int = 0) -> list[dict[str, str]]:
    """`count` valid findings spread over `agencies` agencies, towns, periods and the bureau (deterministic)."""
    rows = []
    for i in range(start, start + count):
        a = i % agencies
        if i % 7 == 6:  # every seventh finding is the bureau's, over the whole year
            assessor, period = "市应急管理局", ""
            date = dt.date(year, 1 + i % 12, 1 + i % 28)
        else:
            assessor = TOWNS[i % len(TOWNS)]
            period = ("Q1", "Q2", "Q3", "Q4", "YE")[i % 5]
            date = dt.date(year, QUARTER_MONTH[period], 1 + i % 28)
        rows.append({
            "credit_code": credit_code(a),
            "agency_name": agency_name(a),
            "clause": CLAUSES[i % len(CLAUSES)],
            "assessor": assessor,
            "period": period,
            "date": date.isoformat(),
            "year": str(year),
            "practitioner": f"张{i % 50}" if i % 3 == 0 else "",
            "description": f"第{i}条检查记录",
            "document_no": f"澄安监〔{year}〕{i}号",
        })
    return rows


def roster_rows(agencies: int, *, start: int = 0) -> list[dict[str, str]]:
    """A roster of `agencies` agencies: credit_code and agency_name."""
    return [{"credit_code": credit_code(a), "agency_name": agency_name(a)} for a in range(start, start + agencies)]


def to_csv(rows: Iterable[Mapping[str, object]], columns: Iterable[str], *, chinese_headers: bool = False,
           labels: Mapping[str, str] | None = None, encoding: str = "utf-8") -> bytes:
    """Rows as CSV bytes, with English keys or (chinese_headers) the Chinese labels as headers."""
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([(labels or {}).get(c, c) if chinese_headers else c for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue().encode(encoding)


def findings_csv(rows: Iterable[Mapping[str, object]] | int, *, chinese_headers: bool = False, **kw) -> bytes:
    """A findings file (CSV bytes) of these rows, or of `finding_rows(n, **kw)` when given a count."""
    if isinstance(rows, int):
        rows = finding_rows(rows, **kw)
    labels = {c.key: c.label_zh for c in FINDINGS_FILE_COLUMNS}
    return to_csv(rows, labels, chinese_headers=chinese_headers, labels=labels)


def roster_csv(rows: Iterable[Mapping[str, object]] | int, *, chinese_headers: bool = False, **kw) -> bytes:
    """A roster file (CSV bytes) of these rows, or of `roster_rows(n, **kw)` when given a count."""
    if isinstance(rows, int):
        rows = roster_rows(rows, **kw)
    labels = {c.key: c.label_zh for c in ROSTER_FILE_COLUMNS}
    return to_csv(rows, labels, chinese_headers=chinese_headers, labels=labels)


def naive_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as naive UTC: PostgreSQL returns it aware (in the session's zone), SQLite keeps no zone."""
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
