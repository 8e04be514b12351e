"""Rating a year from the database: its live findings and its whole population through the core; nothing written."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import String, literal, select, type_coerce
from sqlalchemy.engine import Connection, Engine

from core.rating import Rating, rate
from core.rulebook import Rulebook, load_rulebook
from core.schema import FINDINGS_COLUMNS, ROSTER_COLUMNS
from core.town_scores import towns_served
from db.findings.live import is_live
from db.publishing.population import population, roster_of
from db.records.reads import load_records
from db.store.models import (
    Agency,
    Finding,
)


def findings_frame(connection: Connection, year: int, *, staff_fields: bool = True) -> pd.DataFrame:
    """The year's findings as core.schema.FINDINGS_COLUMNS (row = the row in the uploaded file).

    `staff_fields=False` leaves description and document_no empty: publishing never needs (or reads) them.
    Two plain queries, joined and ordered here: the database's join and sort of a year's 60,000 findings cost more
    than reading them.
    """
    blank = literal("", String)
    query = (
        select(
            Finding.source_row,
            Finding.agency_id,
            Finding.clause,
            Finding.assessor,
            Finding.period,
            # As stored (text on SQLite, a date on PostgreSQL): pandas parses the column at once, not row by row.
            type_coerce(Finding.date, String),
            Finding.practitioner,
            Finding.description if staff_fields else blank,
            Finding.document_no if staff_fields else blank,
            Finding.upload_id,
            Finding.id,
        )
        .where(Finding.year == year, is_live())  # a withdrawn finding is no longer rated
    )
    read = ["row", "agency_id", "clause", "assessor", "period", "date", "practitioner", "description", "document_no",
            "upload_id", "id"]
    # Plain tuples from the driver's cursor: building SQLAlchemy Row objects for 60,000 findings costs more than reading.
    frame = pd.DataFrame.from_records(connection.execute(query).cursor.fetchall(), columns=read)
    agencies = pd.DataFrame(connection.execute(
        select(Agency.id, Agency.credit_code, Agency.name)
        .where(Agency.id.in_(select(Finding.agency_id).where(Finding.year == year).distinct()))
    ).all(), columns=["agency_id", "credit_code", "agency_name"]).set_index("agency_id")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    # A fixed order, so findings charged in (date, row) order tie-break the same way every time — on both
    # databases: a single finding (no upload) first.
    frame = frame.sort_values(["date", "upload_id", "row", "id"], na_position="first", kind="stable",
                              ignore_index=True)
    frame["credit_code"] = frame["agency_id"].map(agencies["credit_code"])
    frame["agency_name"] = frame["agency_id"].map(agencies["agency_name"])
    frame["row"] = frame["row"].astype("int64")
    frame["year"] = pd.Series(year, index=frame.index, dtype="int64")
    for column in ("credit_code", "agency_name", "clause", "assessor", "period", "practitioner", "description",
                   "document_no"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame[list(FINDINGS_COLUMNS)]


def rate_in(connection: Connection, year: int, rulebook: Rulebook | str | None, *,
          staff_fields: bool = True, extra_findings: pd.DataFrame | None = None,
          extra_roster: pd.DataFrame | None = None) -> tuple[Rating, pd.DataFrame]:
    book = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook or "jiangyin-2020")
    findings = findings_frame(connection, year, staff_fields=staff_fields)
    # The whole year: every agency that served in it is rated, 100 without findings (db/publishing/population.py).
    roster = roster_of(population(connection, year))
    if extra_findings is not None and len(extra_findings):
        extra = extra_findings[extra_findings["year"] == year]
        findings = pd.concat([findings, extra[list(FINDINGS_COLUMNS)]], ignore_index=True) if len(extra) else findings
    if extra_roster is not None and len(extra_roster):
        roster = pd.concat([roster, extra_roster[list(ROSTER_COLUMNS)]], ignore_index=True)
        roster = roster.drop_duplicates("credit_code", keep="last").sort_values("credit_code", ignore_index=True)
    # A towns' bucket read per town averages over the towns the agency served: the year's stored contracts say which.
    served = (towns_served(load_records(connection, "contracts"), year)
              if any(b.per_town for b in book.buckets) else None)
    rating = rate(findings, roster if len(roster) else None, year=year, rulebook=book, towns_served=served)
    return rating, findings


def rate_year(*, engine: Engine, year: int, rulebook: Rulebook | str | None = None,
              extra_findings: pd.DataFrame | None = None, extra_roster: pd.DataFrame | None = None) -> Rating:
    """The core's rating of `year` from the findings and roster in the database (nothing is written).

    `extra_findings` / `extra_roster` (core.schema frames: a checked upload not stored yet) are rated as if they
    were in the database already — the staff workspace's preview before an import.
    """
    with engine.connect() as connection:
        return rate_in(connection, year, rulebook, extra_findings=extra_findings, extra_roster=extra_roster)[0]
