"""Service records for the supervision tests: one agency serving one enterprise of 璜土镇 under contract AN-2025-01
(six visits a year), with three visits recorded before the inspection day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.records.imports import import_records
from db.store.engine import transaction
from db.store.models import Agency
from tests.builders import ACCOUNT_TOWN, credit_code, records_csv

AGENCY, ENTERPRISE, OTHER_AGENCY = credit_code(501), credit_code(801), credit_code(502)
AGENCY_NAME = "江阴市示例安全技术服务有限公司"
ENTERPRISE_NAME = "江阴市被检查机械制造有限公司"
DAY, TODAY = dt.date(2025, 5, 20), dt.date(2025, 5, 21)
CONTRACT = "AN-2025-01"


def store_supervision_records(engine: Engine, *, town: str = ACCOUNT_TOWN, hazards: str = "0", year: int = 2025) -> None:
    """The agencies on file, the contract of `year` and three visits (February–April) of the enterprise."""
    with transaction(engine) as session:
        session.add(Agency(credit_code=AGENCY, name=AGENCY_NAME))
        session.add(Agency(credit_code=OTHER_AGENCY, name="江阴市另一安全咨询有限公司"))
    contract = {"credit_code": AGENCY, "client_code": ENTERPRISE, "client_name": ENTERPRISE_NAME, "town": town,
                "contract_no": CONTRACT, "signed_on": f"{year - 1}-12-20", "start": f"{year}-01-01", "end": f"{year}-12-31",
                "visits_per_year": "6"}
    visits = [{"credit_code": AGENCY, "month": f"{year}-{m:02d}", "submitted_on": f"{year}-{m + 1:02d}-03",
               "client_code": ENTERPRISE, "client_name": ENTERPRISE_NAME, "town": town, "contract_no": CONTRACT,
               "visit_date": f"{year}-{m:02d}-15", "practitioner": "王工", "hazards": hazards, "written_advice": "是"}
              for m in (2, 3, 4)]
    for kind, rows in (("contracts", [contract]), ("visits", visits)):
        import_records(engine=engine, kind=kind, content=records_csv(kind, rows), file_name=f"{kind}.csv",
                       by=Actor.operator("test"))
