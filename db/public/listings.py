"""Reading blacklist listings: the public list and history (no accounts, no reasons) and the staff view of applications."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core import china_time
from core.terms import add_months
from db.publishing.listing_removal import effective_status
from db.publishing.listings import LISTED, REMOVED_AT_TERM
from db.store.models import Listing, ListingEvent, Publication, RepairApplication
from db.store.settings import get_settings

# A listing as the public reads it (removed_on: when it ended, or ends as planned; status: effective on `today`).
LISTING_COLUMNS: tuple[str, ...] = (
    "id", "year", "subject_kind", "agency_name", "credit_code", "practitioner", "basis_kind", "basis_clauses",
    "basis_total", "basis_text", "department", "listed_on", "planned_removal_on", "status", "removed_on", "demo",
)
# The history the public sees: what happened to which listing, when, by which office. Applications and refusals
# stay with staff (an application is the agency's letter, not a public act); reasons and accounts never leave.
PUBLIC_ACTIONS: tuple[str, ...] = ("listed", "amended", "withdrawn", "removed_at_term", "repair_granted",
                                   "repair_revoked")
HISTORY_COLUMNS: tuple[str, ...] = (
    "on", "action", "year", "subject_kind", "agency_name", "credit_code", "practitioner", "office", "version",
)
APPLICATION_COLUMNS: tuple[str, ...] = (
    "id", "listing_id", "year", "subject_kind", "agency_name", "credit_code", "practitioner", "listed_on",
    "repair_from", "received_on", "summary", "status", "recorded_by", "decided_by", "decided_on", "decision_reason",
    "revoked_by", "revoked_on", "revoke_reason",
)


def _frame(engine: Engine, stmt, columns: tuple[str, ...]) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.DataFrame.from_records(connection.execute(stmt).all(), columns=list(columns))


def _day(value) -> dt.date | None:
    """A stored date as a date (SQLite may hand back text)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def listings(engine: Engine, today: dt.date | None = None) -> pd.DataFrame:
    """Every listing (LISTING_COLUMNS), status as of `today` (default: today in China); newest listing first."""
    day = today or china_time.today()
    stored = ("id", "year", "subject_kind", "agency_name", "credit_code", "practitioner", "basis_kind",
              "basis_clauses", "basis_total", "basis_text", "department", "listed_on", "planned_removal_on", "status",
              "ended_on")
    stored = (*stored, "demo")  # the listing version's demo mark: a downloaded file must say so on every row
    stmt = select(*[getattr(Listing, c) for c in stored[:-1]], Publication.demo).join(
        Publication, Publication.id == Listing.publication_id).order_by(
        Listing.listed_on.desc(), Listing.year.desc(), Listing.subject_kind, Listing.credit_code, Listing.practitioner)
    out = _frame(engine, stmt, stored)
    for column in ("listed_on", "planned_removal_on", "ended_on"):
        out[column] = out[column].map(_day).astype(object)
    out["basis_total"] = out["basis_total"].astype("Int64")
    out["demo"] = out["demo"].astype(bool)
    out["status"] = [effective_status(s, p, day) for s, p in zip(out["status"], out["planned_removal_on"], strict=True)]
    # An ended listing ended on its recorded day; one ended at term but not recorded yet, on its planned day.
    out["removed_on"] = [
        e if e is not None else (p if s == REMOVED_AT_TERM else None)
        for s, p, e in zip(out["status"], out["planned_removal_on"], out["ended_on"], strict=True)
    ]
    return out[list(LISTING_COLUMNS)]


def current(frame: pd.DataFrame) -> pd.DataFrame:
    """The listings in force (of a `listings` frame)."""
    return frame[frame["status"] == LISTED].reset_index(drop=True)


def history(engine: Engine) -> pd.DataFrame:
    """The public history of listings and removals (HISTORY_COLUMNS), newest first."""
    stmt = (
        select(ListingEvent.on, ListingEvent.action, Listing.year, Listing.subject_kind, Listing.agency_name,
               Listing.credit_code, Listing.practitioner, ListingEvent.office, Publication.version)
        .join(Listing, Listing.id == ListingEvent.listing_id)
        .outerjoin(Publication, Publication.id == ListingEvent.publication_id)
        .where(ListingEvent.action.in_(PUBLIC_ACTIONS))
        .order_by(ListingEvent.on.desc(), ListingEvent.id.desc())
    )
    out = _frame(engine, stmt, HISTORY_COLUMNS)
    out["on"] = out["on"].map(_day).astype(object)
    out["version"] = out["version"].astype("Int64")
    return out


def applications(engine: Engine) -> pd.DataFrame:
    """Every repair application with its listing (staff only: summaries, reasons and accounts), newest first."""
    listing_cols = ("year", "subject_kind", "agency_name", "credit_code", "practitioner", "listed_on")
    own = ("id", "listing_id", "received_on", "summary", "status", "recorded_by", "decided_by", "decided_on",
           "decision_reason", "revoked_by", "revoked_on", "revoke_reason")
    stmt = (
        select(*[getattr(RepairApplication, c) for c in own], *[getattr(Listing, c) for c in listing_cols])
        .join(Listing, Listing.id == RepairApplication.listing_id)
        .order_by(RepairApplication.id.desc())
    )
    out = _frame(engine, stmt, (*own, *listing_cols))
    for column in ("received_on", "decided_on", "revoked_on", "listed_on"):
        out[column] = out[column].map(_day).astype(object)
    months = get_settings().repair_minimum_months
    out["repair_from"] = out["listed_on"].map(lambda d: add_months(d, months)).astype(object)
    return out[list(APPLICATION_COLUMNS)]


def repairable(frame: pd.DataFrame) -> pd.DataFrame:
    """The listings (of a `listings` frame) an application may be recorded for: those in force."""
    return frame[(frame["status"] == LISTED)].reset_index(drop=True)
