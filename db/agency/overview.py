"""What an agency sees of itself: due dates and on-time record, draft score and grade, confirmed suggestions,
its findings (with descriptions: they concern it), practitioners (ID numbers masked), contracts and 附件1."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import china_time
from core.rulebook import DEFAULT_RULEBOOK, Rulebook, load_rulebook
from core.service_records import ServiceRecords
from core.watch import report_months
from db.accounts.actor import Actor
from db.accounts.agency_access import acting_agency
from db.agency.filings import latest_registry
from db.findings.live import is_live, live_findings
from db.publishing.notice import public_notices
from db.publishing.rating import rate_year
from db.records.reads import load_records
from db.store.models import ContractRecord, Finding, PractitionerRecord, Suggestion

MASK = "****"  # an ID number is shown as ****1234: the last four characters only
FINDING_COLUMNS = ("year", "date", "clause", "assessor", "period", "practitioner", "description", "document_no")
SUGGESTION_COLUMNS = ("year", "date", "clause", "rule", "evidence", "decided_at")
PRACTITIONER_COLUMNS = ("id", "name", "id_number", "specialty", "certificate", "joined_on", "left_on")
CONTRACT_COLUMNS = ("contract_no", "client_code", "client_name", "town", "signed_on", "start", "end", "visits_per_year")


@dataclass(frozen=True)
class DraftRating:
    """The agency's rating of a year as the findings stand now (not published): total, grade, bucket scores."""

    year: int
    total: int | None
    grade: str | None
    scores: dict[str, int]


def _book(rulebook: Rulebook | None) -> Rulebook:
    return rulebook if isinstance(rulebook, Rulebook) else load_rulebook(DEFAULT_RULEBOOK)


def report_record(*, engine: Engine, user: Actor, year: int, as_of: dt.date | None = None,
                  rulebook: Rulebook | None = None) -> pd.DataFrame:
    """The agency's twelve monthly reports of `year`: due day, first filing, status (core.watch.report_months)."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        tables = {kind: load_records(session.connection(), kind, agency.credit_code)
                  for kind in ("registry", "visits", "reports")}
    return report_months(ServiceRecords(tables), credit_code=agency.credit_code, year=year,
                         as_of=as_of or china_time.today(), rulebook=_book(rulebook))


def draft_years(*, engine: Engine, today: dt.date | None = None) -> list[int]:
    """The years whose draft the workbench shows, newest first: this year, and every year under notice or waiting to
    be published after it (in January a notice is of last year's draft, the one the agency may object to)."""
    today = today or china_time.today()
    return sorted({today.year, *(int(y) for y in public_notices(engine=engine, today=today)["year"])}, reverse=True)


def draft_rating(*, engine: Engine, user: Actor, year: int, rulebook: Rulebook | None = None) -> DraftRating:
    """The agency's draft score and grade of `year`: the publisher's own rating (rate_year), not yet published."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
    table = rate_year(engine=engine, year=year, rulebook=rulebook).table
    mine = table[table["credit_code"] == agency.credit_code]
    if mine.empty:  # not in the year's population (db/publishing/population.py): it did not serve that year
        return DraftRating(year, None, None, {})
    row = mine.iloc[0]
    scores = {c[: -len("_score")]: int(row[c]) for c in table.columns if c.endswith("_score")}
    return DraftRating(year, int(row["total"]), str(row["grade"]), scores)


def confirmed_suggestions(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The watch's suggestions about this agency that staff confirmed (SUGGESTION_COLUMNS), newest first."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        # Only those whose finding is still in force: a withdrawn finding is no confirmed issue any more.
        rows = session.exec(live_findings(*(getattr(Suggestion, c) for c in SUGGESTION_COLUMNS))
                            .join(Suggestion, Suggestion.finding_id == Finding.id)
                            .where(Suggestion.credit_code == agency.credit_code, Suggestion.status == "confirmed")
                            .order_by(Suggestion.date.desc(), Suggestion.id.desc())).all()
    return pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))


def own_findings(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """Every finding recorded against the agency and not withdrawn, newest first, with its description
    (FINDING_COLUMNS)."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        rows = session.exec(select(*(getattr(Finding, c) for c in FINDING_COLUMNS))
                            .where(Finding.agency_id == agency.agency_id, is_live())
                            .order_by(Finding.date.desc(), Finding.id.desc())).all()
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def own_practitioners(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The agency's practitioner rows (PRACTITIONER_COLUMNS): the ID number only as ****1234."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        rows = session.exec(select(PractitionerRecord).where(PractitionerRecord.credit_code == agency.credit_code)
                            .order_by(PractitionerRecord.left_on.is_not(None), PractitionerRecord.name,
                                      PractitionerRecord.id)).all()
    return pd.DataFrame([(r.id, r.name, MASK + r.id_last4, r.specialty, r.certificate, r.joined_on, r.left_on)
                         for r in rows], columns=list(PRACTITIONER_COLUMNS))


def own_contracts(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The agency's contract rows (CONTRACT_COLUMNS), newest start first."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        rows = session.exec(select(*(getattr(ContractRecord, c) for c in CONTRACT_COLUMNS))
                            .where(ContractRecord.credit_code == agency.credit_code)
                            .order_by(ContractRecord.start.desc(), ContractRecord.id.desc())).all()
    return pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS))


def own_registry(*, engine: Engine, user: Actor) -> dict[str, Any]:
    """The agency's identity and its latest 附件1 row (empty values until it files one)."""
    with Session(engine) as session:
        agency = acting_agency(session, user)
        row = latest_registry(session, agency.credit_code)
    filed = {} if row is None else row.model_dump(exclude={"id", "upload_id", "row"})
    return {"credit_code": agency.credit_code, "agency_name": agency.agency_name, "registry": filed}
