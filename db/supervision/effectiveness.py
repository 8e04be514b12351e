"""服务成效 (第十五条): per agency and year, what the towns' inspections of its clients found — checks passed and
failed by clause, and hazards a town found where the agency's own records of that client showed none in the
preceding LOOKBACK_DAYS days. Staff read it per agency and per town; the public reads the counts only (no
enterprise, no hazard description, no inspector), dated, apart from the rating."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.accounts.actor import Actor, acting_user, require_actor
from db.accounts.roles import own_town
from db.store.models import Agency, Inspection, InspectionCheck, VisitRecord
from db.supervision.inspections import LOOKBACK_DAYS

EFFECT_COLUMNS = ("credit_code", "agency_name", "inspections", "checks_passed", "checks_failed", "failed_clauses",
                  "hazards_found", "hazards_unseen")
PUBLIC_EFFECT_COLUMNS = ("credit_code", "inspections", "checks_passed", "checks_failed", "hazards_unseen", "as_of")


def _inspections(engine: Engine, year: int, town: str | None, credit_code: str | None) -> pd.DataFrame:
    table = Inspection.__table__
    query = (select(table.c.id, table.c.town, table.c.date, table.c.enterprise_code, table.c.agency_code,
                    table.c.hazards).where(table.c.year == year, table.c.agency_code != ""))
    if town:
        query = query.where(table.c.town == town)
    if credit_code:
        query = query.where(table.c.agency_code == credit_code)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["id", "town", "date", "enterprise_code", "agency_code", "hazards"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def _unseen(engine: Engine, inspections: pd.DataFrame) -> pd.Series:
    """Per inspection (by position): True when the town found hazards and the agency's visits of that client filed
    by the inspection day, in the LOOKBACK_DAYS before it, recorded none (or there were no visits)."""
    found = inspections[inspections["hazards"] > 0]
    if found.empty:
        return pd.Series(False, index=inspections.index)
    first = (found["date"].min() - pd.Timedelta(days=LOOKBACK_DAYS)).date()
    table = VisitRecord.__table__
    query = (select(table.c.credit_code, table.c.client_code, table.c.visit_date, table.c.submitted_on,
                    table.c.hazards)
             .where(table.c.credit_code.in_(sorted(set(found["agency_code"]))),
                    table.c.client_code.in_(sorted(set(found["enterprise_code"]))),
                    table.c.visit_date >= first, table.c.visit_date <= found["date"].max().date()))
    with engine.connect() as conn:
        visits = pd.DataFrame(conn.execute(query).all(),
                              columns=["agency_code", "enterprise_code", "visit_date", "submitted_on", "hazards"])
    for column in ("visit_date", "submitted_on"):
        visits[column] = pd.to_datetime(visits[column]).astype("datetime64[ns]")
    pairs = found[["id", "agency_code", "enterprise_code", "date"]].merge(
        visits, on=["agency_code", "enterprise_code"], how="inner")
    window = ((pairs["visit_date"] < pairs["date"]) & (pairs["visit_date"] >= pairs["date"] - pd.Timedelta(days=LOOKBACK_DAYS))
              & (pairs["submitted_on"] <= pairs["date"]))
    seen = set(pairs.loc[window & (pairs["hazards"] > 0), "id"])
    return (inspections["hazards"] > 0) & ~inspections["id"].isin(seen)


def _counts(engine: Engine, year: int, town: str | None, credit_code: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(inspections with `unseen`, their checks) of the year."""
    inspections = _inspections(engine, year, town, credit_code)
    inspections["unseen"] = _unseen(engine, inspections)
    table = InspectionCheck.__table__
    ids = inspections["id"].tolist()
    rows = []
    if ids:
        with engine.connect() as conn:
            rows = conn.execute(select(table.c.inspection_id, table.c.clause, table.c.result)
                                .where(table.c.inspection_id.in_(ids))).all()
    checks = pd.DataFrame(rows, columns=["id", "clause", "result"]).merge(
        inspections[["id", "agency_code"]], on="id", how="left")
    return inspections, checks


def effectiveness(*, engine: Engine, user: Actor, year: int, town: str | None = None,
                  credit_code: str | None = None) -> pd.DataFrame:
    """服务成效 per agency (EFFECT_COLUMNS, most inspected first) from the year's inspections: a town's account reads
    its own town's only (whatever `town` it asks), the bureau every town's or one town's; `credit_code` one agency."""
    require_actor(user, "read_supervision")
    with Session(engine) as session:
        own = own_town(acting_user(session, user, "read_supervision"))
        names = dict(session.execute(select(Agency.credit_code, Agency.name)).all())
    inspections, checks = _counts(engine, year, own or town, credit_code)
    if inspections.empty:
        return pd.DataFrame(columns=list(EFFECT_COLUMNS))
    per = inspections.groupby("agency_code").agg(inspections=("id", "size"), hazards_found=("hazards", "sum"),
                                                 hazards_unseen=("unseen", "sum"))
    passed = checks[checks["result"] == "pass"].groupby("agency_code").size()
    failed = checks[checks["result"] == "fail"]
    by_clause = (failed.groupby(["agency_code", "clause"]).size().reset_index(name="n")
                 .groupby("agency_code").apply(lambda g: "、".join(f"{c}×{n}" for c, n in zip(g["clause"], g["n"], strict=True)),
                                               include_groups=False))
    per["checks_passed"] = passed.reindex(per.index).fillna(0).astype("int64")
    per["checks_failed"] = failed.groupby("agency_code").size().reindex(per.index).fillna(0).astype("int64")
    per["failed_clauses"] = by_clause.reindex(per.index).fillna("") if len(by_clause) else ""
    per = per.reset_index().rename(columns={"agency_code": "credit_code"})
    per["agency_name"] = per["credit_code"].map(names).fillna(per["credit_code"])
    per[["hazards_found", "hazards_unseen"]] = per[["hazards_found", "hazards_unseen"]].astype("int64")
    return per.sort_values(["inspections", "credit_code"], ascending=[False, True])[list(EFFECT_COLUMNS)].reset_index(
        drop=True)


def public_effectiveness(*, engine: Engine, year: int, credit_codes: list[str] | None = None) -> pd.DataFrame:
    """The public counts per agency (PUBLIC_EFFECT_COLUMNS): inspections of its clients, checks passed and failed,
    hazards found that its records did not show, and `as_of` the last inspection counted. Counts only: no
    enterprise, no town, no hazard description, no inspector."""
    inspections, checks = _counts(engine, year, None, None)
    if credit_codes is not None:
        inspections = inspections[inspections["agency_code"].isin(credit_codes)]
        checks = checks[checks["agency_code"].isin(credit_codes)]
    if inspections.empty:
        return pd.DataFrame(columns=list(PUBLIC_EFFECT_COLUMNS))
    per = inspections.groupby("agency_code").agg(inspections=("id", "size"), hazards_unseen=("unseen", "sum"),
                                                 as_of=("date", "max"))
    for result, column in (("pass", "checks_passed"), ("fail", "checks_failed")):
        per[column] = (checks[checks["result"] == result].groupby("agency_code").size().reindex(per.index)
                       .fillna(0).astype("int64"))
    per["hazards_unseen"] = per["hazards_unseen"].astype("int64")
    per["as_of"] = per["as_of"].dt.date
    return per.reset_index().rename(columns={"agency_code": "credit_code"})[list(PUBLIC_EFFECT_COLUMNS)]


def effect_as_of(frame: pd.DataFrame) -> dt.date | None:
    """The last inspection day the counts include (None when there is none)."""
    return None if frame.empty else max(frame["as_of"])
