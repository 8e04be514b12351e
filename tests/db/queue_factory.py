"""Stored service records that make a known set of watch suggestions, for the queue's service and page tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.findings.suggestions import dismiss_suggestion
from db.records.imports import import_records
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, credit_code, records_csv

YEAR = 2025
AS_OF = dt.date(2026, 6, 30)  # after every deadline of 2025
A, B, CLIENT, OTHER_CLIENT = credit_code(1), credit_code(2), credit_code(501), credit_code(502)
A_NAME, B_NAME = "甲安全咨询有限公司", "乙技术服务有限公司"


def _reports(code: str) -> list[dict]:
    return [{"credit_code": code, "month": f"2025-{m:02d}", "submitted_on": f"{2025 + (m == 12)}-{m % 12 + 1:02d}-03"}
            for m in range(1, 13)]


def _visit(code: str, day: str, town: str, client: str, hazards: int = 0, advice: str = "是") -> dict:
    return {"credit_code": code, "month": day[:7], "submitted_on": f"{day[:7]}-28", "client_code": client,
            "client_name": "委托企业", "town": town, "visit_date": day, "practitioner": "张三", "hazards": hazards,
            "written_advice": advice}


ROWS: dict[str, list[dict]] = {
    # A filed without a commitment letter → no_commitment (3.2, bureau, 2025-01-02).
    "registry": [{"credit_code": A, "agency_name": A_NAME, "office_address": "澄江街道", "filed_on": "2025-01-02"},
                 {"credit_code": B, "agency_name": B_NAME, "office_address": "华士镇", "filed_on": "2025-01-02",
                  "commitment_on": "2025-01-02"}],
    # Visits with no contract at all → visit_without_contract (3.3), one assessed by each town.
    "visits": [_visit(A, "2025-03-12", ACCOUNT_TOWN, CLIENT), _visit(B, "2025-05-20", OTHER_ACCOUNT_TOWN, OTHER_CLIENT)],
    "reports": _reports(A) + _reports(B),
}


def store_records(engine: Engine, rows: dict[str, list[dict]] | None = None) -> None:
    """Import each kind of `rows` (default ROWS) as a staff upload would."""
    for kind, kind_rows in (rows or ROWS).items():
        import_records(engine=engine, kind=kind, content=records_csv(kind, kind_rows), file_name=f"{kind}.csv",
                       by=Actor.operator("test"))


def store_hostile_decision(engine: Engine, user: Actor, *, agency_name: str, text: str) -> None:
    """Benign stored records, and a dismissed suggestion whose agency name, evidence and reason are `agency_name`
    and `text` (hostile texts a file could not bring in: the reader refuses bidi controls)."""
    store_records(engine, {"registry": ROWS["registry"]})
    dismiss_suggestion(engine=engine, user=user, year=YEAR, reason=text, suggestion={
        "key": "hostile00000000", "credit_code": A, "agency_name": agency_name, "clause": "3.2",
        "date": "2025-01-02", "assessor": "bureau", "rule": "no_commitment", "evidence": text})
