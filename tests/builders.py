"""Test data built in code, the one place for it: credit codes, ID numbers, agencies, findings, files, users."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from stdnum.cn import ric, uscc

from core.schema import FINDINGS_COLUMNS, FINDINGS_FILE_COLUMNS, ROSTER_COLUMNS, ROSTER_FILE_COLUMNS
from core.service_records import RECORD_COLUMNS
from db.accounts import security
from db.accounts.actor import Actor
from db.accounts.users import create_user
from db.store.engine import transaction
from db.store.models import Agency

# --- codes ------------------------------------------------------------------------------------------------------


def with_check_digit(body: str) -> str:
    """A 17-character USCC body with its GB 32100-2015 check digit appended (python-stdnum's cn.uscc)."""
    return body + uscc.calc_check_digit(body)


def credit_code(n: int) -> str:
    """The n-th synthetic but valid 统一社会信用代码 (Jiangyin's division code 320281), different for every n."""
    return with_check_digit(f"91320281{n:09d}")


def with_wrong_check_digit(code: str) -> str:
    """The same code with another check digit: well formed, but invalid."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def with_id_check_digit(body: str) -> str:
    """A 17-digit 身份证号 body with its GB 11643 check digit appended (python-stdnum's cn.ric)."""
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def id_number(i: int, born: str = "19850312") -> str:
    """A valid 身份证号 for person `i` (Jiangyin's region code 320281)."""
    return with_id_check_digit(f"320281{born}{i % 1000:03d}")


# --- agencies ---------------------------------------------------------------------------------------------------


def agency_name(n: int) -> str:
    """A plausible Chinese agency name, distinct per n."""
    return f"江阴市第{n}安全技术服务有限公司"


MINE, THEIRS = credit_code(11), credit_code(12)  # the agency portal's two agencies
NAMES = {MINE: "甲安全技术服务有限公司", THEIRS: "乙安全咨询有限公司"}


def make_agencies(engine: Engine, codes: tuple[str, ...] = (MINE, THEIRS)) -> None:
    """The agencies on record (an agency account can only be made for one of them)."""
    with transaction(engine) as session:
        for code in codes:
            session.add(Agency(credit_code=code, name=NAMES.get(code, f"机构{code[-4:]}")))


# --- findings and rosters ---------------------------------------------------------------------------------------

YEAR = 2025
TOWN, OTHER_TOWN = "澄江街道", "华士镇"
BUREAUS = ("bureau", "市应急管理局")  # the reader's name for the bureau, and the name people type in a file
# The day a finding of each period falls on when a test gives none ("" and "Y": the bureau's whole year).
QUARTER_DAY = {"Q1": "02-10", "Q2": "05-10", "Q3": "08-10", "Q4": "11-10", "YE": "12-20", "": "06-15", "Y": "06-15"}


def finding(agency: int = 1, clause: str = "2.5", *, assessor: str = TOWN, period: str | None = None,
            date: object = None, year: int | None = None, name: str | None = None, practitioner: str = "",
            description: str = "", document_no: str = "", row: int | None = None, **cells: object) -> dict[str, Any]:
    """One findings-file row against the n-th synthetic agency; `cells` override single cells as typed.

    A town's period defaults to the quarter of an ISO date (else Q1), the bureau's to "" (its whole year); the date
    defaults to the period's usual day in `year` (2025); the year cell is blank unless given, as people leave it
    (the reader takes it from the date). `row` is the spreadsheet row findings_table gives the finding.
    """
    if unknown := set(cells) - {c.key for c in FINDINGS_FILE_COLUMNS}:  # a typo must not vanish into an unread cell
        raise TypeError(f"finding() got cells no findings file has: {sorted(unknown)}")
    if period is None:
        month = re.match(r"\d{4}-(\d{2})-", date) if isinstance(date, str) else None
        quarter = (int(month[1]) - 1) // 3 + 1 if month and 1 <= int(month[1]) <= 12 else 1
        period = "" if assessor in BUREAUS else f"Q{quarter}"
    if date is None:
        date = f"{year or YEAR}-{QUARTER_DAY.get(period, '02-10')}"
    out: dict[str, Any] = {
        "credit_code": credit_code(agency),
        "agency_name": name or agency_name(agency),
        "clause": clause,
        "assessor": assessor,
        "period": period,
        "date": date,
        "year": "" if year is None else str(year),
        "practitioner": practitioner,
        "description": description,
        "document_no": document_no,
    }
    if row is not None:
        out["row"] = row
    out.update(cells)
    return out


def finding_rows(count: int, *, agencies: int = 10, year: int = YEAR, start: int = 0) -> list[dict[str, str]]:
    """`count` valid findings spread over `agencies` agencies, towns, periods and the bureau (deterministic).

    10-point and 5-point clauses only: they never blacklist unless a test asks for a 1.x clause.
    """
    towns = ("澄江街道", "南闸街道", "璜土镇", "华士镇", "周庄镇", "江阴高新技术产业开发区")
    clauses = ("2.1", "2.3", "2.5", "3.1", "3.4", "3.6", "3.9")
    rows = []
    for i in range(start, start + count):
        if i % 7 == 6:  # every seventh finding is the bureau's, over the whole year
            assessor, period, date = "市应急管理局", "", dt.date(year, 1 + i % 12, 1 + i % 28)
        else:
            assessor, period = towns[i % len(towns)], ("Q1", "Q2", "Q3", "Q4", "YE")[i % 5]
            date = dt.date(year, {"Q1": 2, "Q2": 5, "Q3": 8, "Q4": 11, "YE": 12}[period], 1 + i % 28)
        rows.append(finding(i % agencies, clauses[i % len(clauses)], assessor=assessor, period=period,
                            date=date.isoformat(), year=year, practitioner=f"张{i % 50}" if i % 3 == 0 else "",
                            description=f"第{i}条检查记录", document_no=f"澄安监〔{year}〕{i}号"))
    return rows


def findings_table(rows: list[dict]) -> pd.DataFrame:
    """Findings rows as core.reader returns them: typed, the bureau's period "Y", rows without a number given
    their position + 2 (as in Excel)."""
    records = [{**r, "row": r.get("row", i + 2), "period": r["period"] or "Y", "date": pd.Timestamp(r["date"]),
                "year": int(r["year"] or pd.Timestamp(r["date"]).year)} for i, r in enumerate(rows)]
    df = pd.DataFrame(records, columns=list(FINDINGS_COLUMNS))
    return df.astype({"row": "int64", "year": "int64", "date": "datetime64[ns]"})


def roster_rows(agencies: int, *, start: int = 0) -> list[dict[str, str]]:
    """A roster of `agencies` agencies: credit_code and agency_name."""
    return [{"credit_code": credit_code(a), "agency_name": agency_name(a)} for a in range(start, start + agencies)]


def roster_table(agencies: list[int], names: dict[int, str] | None = None) -> pd.DataFrame:
    """A roster as core.reader returns it, of these agency numbers (names by number where given)."""
    names = names or {}
    return pd.DataFrame({"credit_code": [credit_code(a) for a in agencies],
                         "agency_name": [names.get(a, agency_name(a)) for a in agencies]}, columns=list(ROSTER_COLUMNS))


# --- files ------------------------------------------------------------------------------------------------------

HEADERS_ZH = [c.label_zh for c in FINDINGS_FILE_COLUMNS]
HEADERS_EN = [c.key for c in FINDINGS_FILE_COLUMNS]


def table(rows: Sequence[Mapping[str, object]], headers: Sequence[str] = HEADERS_ZH,
          keys: Sequence[str] = HEADERS_EN) -> list[list[object]]:
    """Header row + data rows, the cells in the order of `keys`."""
    return [list(headers), *([r.get(k, "") for k in keys] for r in rows)]


def csv_bytes(cells: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(cells)
    return out.getvalue().encode(encoding)


def xlsx_bytes(cells: Sequence[Sequence[object]]) -> bytes:
    """One sheet of these rows ("" cells left empty, dates as real dates)."""
    book = Workbook()
    sheet = book.active
    for row in cells:
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(path: Path, cells: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(cells, encoding))
    return path


def write_xlsx(path: Path, cells: Sequence[Sequence[object]]) -> Path:
    path.write_bytes(xlsx_bytes(cells))
    return path


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


def records_csv(kind: str, rows: list[dict[str, object]], *, chinese: bool = False) -> bytes:
    """A service-record CSV of `kind` with every column of its spec (English keys, or the Chinese labels), blank
    where not given."""
    labels = {c.key: c.label_zh for c in RECORD_COLUMNS[kind]}
    return to_csv(rows, labels, chinese_headers=chinese, labels=labels)


def records_xlsx(kind: str, rows: list[dict[str, object]]) -> bytes:
    """A service-record XLSX of `kind` as people fill the template: the Chinese labels, every column of its spec."""
    columns = RECORD_COLUMNS[kind]
    return xlsx_bytes([[c.label_zh for c in columns],
                       *(["" if row.get(c.key) is None else row.get(c.key) for c in columns] for row in rows)])


# --- users ------------------------------------------------------------------------------------------------------

PASSWORD = "correct horse battery"  # 21 characters, passes the policy
ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN = "璜土镇", "月城镇"  # the town account's town, and a town it may not see


OPERATOR = Actor.operator("test")  # the command line's side: who creates the test accounts


def actor_for(user: Mapping[str, Any]) -> Actor:
    """The Actor a page would pass for this signed-in account (its session dict, db/accounts/account_view.py)."""
    return Actor.of(user)


def make_user(engine: Engine, username: str, role: str, town: str | None = None, password: str = PASSWORD) -> Actor:
    """Create an account from the command line's side (OPERATOR) and return the Actor a page would act as."""
    return actor_for(create_user(engine=engine, username=username, password=password, role=role, town=town,
                                 by=OPERATOR))


def make_staff(engine: Engine) -> dict[str, Actor]:
    """One account of each role: admin, staff, town (璜土镇)."""
    return {
        "admin": make_user(engine, "admin", "bureau_admin"),
        "staff": make_user(engine, "staff", "bureau_staff"),
        "town": make_user(engine, "town", "town_staff", ACCOUNT_TOWN),
    }


def make_agency_user(engine: Engine, username: str, credit_code: str) -> Actor:
    """An agency account bound to `credit_code` (created from the command line's side), as a page would act."""
    return actor_for(create_user(engine=engine, username=username, password=PASSWORD, role="agency", by=OPERATOR,
                                 credit_code=credit_code))


@pytest.fixture
def fast_argon2(monkeypatch):
    """Real argon2id with small cost parameters, so tests that hash dozens of times stay fast.

    Production parameters are checked by test_user_cli's real command-line run.
    """
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
