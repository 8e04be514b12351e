"""Service records built in code for the service-facts tests: agencies with contracts in given towns, practitioners
of given specialties, visits and monthly reports, plus the personal details that must never reach a public page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.records.imports import import_records
from tests.builders import credit_code, id_number, records_csv

FACTS_YEAR = 2026  # contracts run 2025-01-01 … 2026-12-31: a town served in the 2025 ratings and in this year's facts


@dataclass
class Filer:
    """One agency's filings: towns of its contracts, specialties of its current practitioners."""

    code: str
    name: str
    towns: list[str]
    specialties: list[str]
    left: list[str] = field(default_factory=list)  # specialties of practitioners who have left


def _person(n: int) -> tuple[str, str]:
    return f"练{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}", id_number(100 + n, born="19790423")


def service_rows(filers: list[Filer]) -> dict[str, list[dict[str, object]]]:
    """Rows of every kind for `filers`; each contract's client, each person and each phone is distinct."""
    rows: dict[str, list[dict[str, object]]] = {k: [] for k in ("registry", "practitioners", "contracts", "visits",
                                                                 "reports")}
    person = client = 0
    for i, f in enumerate(filers):
        rows["registry"].append({"credit_code": f.code, "agency_name": f.name, "office_address": "澄江街道人民路1号",
                                 "legal_rep": f"法人代表{i}", "phone": f"1391111{i:04d}", "filed_on": "2025-01-03",
                                 "commitment_on": "2025-01-03"})
        for specialty, left in [*((s, None) for s in f.specialties), *((s, "2025-06-30") for s in f.left)]:
            person += 1
            name, number = _person(person)
            rows["practitioners"].append({"credit_code": f.code, "name": name, "id_number": number,
                                          "specialty": specialty, "certificate": f"ZS-{person:05d}",
                                          "joined_on": "2024-05-01", "left_on": left})
        for town in f.towns:
            client += 1
            rows["contracts"].append({"credit_code": f.code, "client_code": credit_code(700 + client),
                                      "client_name": f"客户企业{client}号有限公司", "town": town,
                                      "contract_no": f"HT-{client:04d}", "signed_on": "2024-12-20",
                                      "start": "2025-01-01", "end": "2026-12-31", "visits_per_year": "6"})
            # Two visits in January 2026, one reported on time (by 5 Feb), the other month (Feb) late.
            for month, day, submitted in (("2026-01", "2026-01-12", "2026-02-04"), ("2026-02", "2026-02-10",
                                                                                  "2026-03-09")):
                rows["visits"].append({"credit_code": f.code, "month": month, "submitted_on": submitted,
                                       "client_code": credit_code(700 + client), "client_name": f"客户企业{client}号有限公司",
                                       "town": town, "contract_no": f"HT-{client:04d}", "visit_date": day,
                                       "practitioner": _person(person)[0], "hazards": "1", "written_advice": "是"})
        rows["reports"].append({"credit_code": f.code, "month": "2026-03", "submitted_on": "2026-04-03"})
    return rows


def import_filings(engine: Engine, filers: list[Filer]) -> dict[str, list[dict[str, object]]]:
    """Import every kind of `filers`' rows as staff would (one file per kind); returns the rows."""
    rows = service_rows(filers)
    for kind, kind_rows in rows.items():
        if kind_rows:
            import_records(engine=engine, kind=kind, content=records_csv(kind, kind_rows), file_name=f"{kind}.csv",
                           by=Actor.operator("test"), allow_repeats=True)
    return rows


def personal_values(rows: dict[str, list[dict[str, object]]]) -> list[str]:
    """What no public page may show: ID numbers, phones, legal representatives, practitioners' names, certificates,
    client names and codes, contract numbers."""
    found = []
    for row in rows["registry"]:
        found += [row["phone"], row["legal_rep"]]
    for row in rows["practitioners"]:
        found += [row["id_number"], row["name"], row["certificate"]]
    for row in rows["contracts"]:
        found += [row["client_name"], row["client_code"], row["contract_no"]]
    return [str(v) for v in found]
