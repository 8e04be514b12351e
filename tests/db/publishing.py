"""Helpers for the publishing tests: findings written in code and loaded through the real import path."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.accounts.actor import Actor
from db.uploads.imports import import_findings, import_roster
from tests.builders import agency_name, credit_code, findings_csv, roster_csv

YEAR = 2025
QUARTER_DAY = {"Q1": "02-10", "Q2": "05-10", "Q3": "08-10", "Q4": "11-10", "YE": "12-20", "": "06-15"}


def finding(agency: int, clause: str, *, assessor: str = "澄江街道", period: str = "Q1", year: int = YEAR,
            practitioner: str = "", description: str = "", name: str | None = None, day: str | None = None) -> dict:
    """One findings-file row against the n-th synthetic agency."""
    bureau = assessor == "市应急管理局"
    period = "" if bureau else period
    return {
        "credit_code": credit_code(agency),
        "agency_name": name or agency_name(agency),
        "clause": clause,
        "assessor": assessor,
        "period": period,
        "date": f"{year}-{day or QUARTER_DAY[period]}",
        "year": str(year),
        "practitioner": practitioner,
        "description": description,
        "document_no": "",
    }


_uploads = iter(range(1, 10**9))


CLERK = Actor.operator("staff.li")  # who imports the test files (the command line's side)


def load(engine: Engine, rows: list[dict], *, by: Actor = CLERK) -> None:
    """Import these findings as one file (a unique file name each time)."""
    result = import_findings(engine=engine, content=findings_csv(rows), file_name=f"findings-{next(_uploads)}.csv",
                             by=by)
    assert not result.duplicate


def load_roster(engine: Engine, agencies: range | list[int], *, year: int = YEAR) -> None:
    rows = [{"credit_code": credit_code(a), "agency_name": agency_name(a)} for a in agencies]
    import_roster(engine=engine, content=roster_csv(rows), file_name=f"roster-{next(_uploads)}.csv", by=CLERK,
                  year=year)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def a_year(engine: Engine) -> None:
    """A small year: agency 0 on the roster only (100 A), 1 loses 15 (85 B), 2 listed by clause 1.3 with its
    practitioner, 3 loses 30 (70 C, one finding floored), 4 loses 10 (90 A) on a finding naming a practitioner."""
    load_roster(engine, range(5))
    load(engine, [
        finding(1, "2.1", period="Q1"), finding(1, "3.4", period="Q2"),
        finding(2, "1.3", assessor="市应急管理局", practitioner="王建国", description="代写规章制度（内部）"),
        finding(3, "2.5", period="Q1"), finding(3, "2.5", period="Q2"), finding(3, "2.5", assessor="市应急管理局"),
        finding(3, "2.1", period="Q1", assessor="华士镇"),  # a full quarter: charged 0
        finding(4, "2.5", period="Q3", practitioner="李秀英", description="现场未见执业人员，联系电话13912345678"),
    ])
