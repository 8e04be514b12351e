"""The public service facts (agencies' own filings, counted by core.service_facts) and the enterprise finder's list.

Facts are not published ratings: they change whenever an agency files, so readers key their caches by
`records_version` (the newest service-record upload). Only counts and town names leave here: the practitioner and
client rows are loaded to be counted and never returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from core.china_time import today as china_today
from core.errors import RulebookError
from core.rulebook import load_rulebook
from core.service_facts import SPECIALTY_COLUMNS, contract_facts, facts_as_of, facts_year, reports_as_of, serving
from core.service_facts import service_facts as count_facts
from core.service_records import RECORD_KINDS, ServiceRecords
from db.documents.versions import current_versions
from db.records.reads import load_records
from db.reference.towns import load_towns
from db.store.models import ContractRecord, Publication, PublishedRating, Upload

LATEST_COLUMNS = ("credit_code", "agency_name", "year", "grade", "total", "grade_rank", "blacklisted")
FINDER_COLUMNS = ("credit_code", "agency_name", "year", "grade", "total", "blacklisted", "towns", "clients",
                  "people_of_specialty", "on_time_share", "visits_per_contract", "visits_delivered",
                  "visits_contracted", "last_filed")


def records_version(engine: Engine) -> int:
    """The id of the newest service-record upload (0 with none): the facts change exactly when it does."""
    with engine.connect() as conn:
        found = conn.execute(select(func.max(Upload.id)).where(Upload.kind.in_(RECORD_KINDS))).scalar_one()
    return int(found or 0)


def current_facts_year(engine: Engine, today: dt.date | None = None) -> int:
    """The year the public facts describe (core.service_facts.facts_year over the stored contracts)."""
    today = today or china_today()
    with engine.connect() as conn:
        spans = conn.execute(select(ContractRecord.start, ContractRecord.end)
                             .where(ContractRecord.start <= today)).all()
    return facts_year(pd.DataFrame(spans, columns=["start", "end"]), today)


def service_facts(engine: Engine, year: int | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """{"year", "as_of" (a date), "facts": core.service_facts.FACT_COLUMNS, one row per agency that filed,
    "contracts": core.service_facts.CONTRACT_FACT_COLUMNS, visits delivered and contracted per contract}.

    `year` defaults to current_facts_year; the facts are counted to today, or to 31 December of a past year.
    """
    today = today or china_today()
    year = year or current_facts_year(engine, today)
    as_of = facts_as_of(year, today)
    with engine.connect() as conn:
        records = ServiceRecords({kind: load_records(conn, kind) for kind in RECORD_KINDS})
    rulebook = load_rulebook()
    if rulebook.watch is None:  # the due day is rulebook data: never a number typed here
        raise RulebookError(f"rulebook {rulebook.name} has no [watch] table: the monthly reports' due day is in it")
    # A past year's December report falls due in January: counted in its own year once due (reports_as_of).
    facts = count_facts(records, year=year, as_of=as_of, rules=rulebook.watch,
                        town_order=load_towns(engine=engine).names, reports_to=reports_as_of(year, today, rulebook.watch))
    return {"year": year, "as_of": as_of, "facts": facts,
            "contracts": contract_facts(records, year=year, as_of=as_of)}


def latest_ratings(engine: Engine) -> pd.DataFrame:
    """Each published agency's rating of its latest published year (current version): LATEST_COLUMNS, where
    grade_rank is the grade's place in its rulebook (0 = best) and blacklisted says it is the blacklist grade."""
    latest = current_versions()
    stmt = (
        select(PublishedRating.credit_code, PublishedRating.agency_name, PublishedRating.year, PublishedRating.grade,
               PublishedRating.total, Publication.rulebook)
        .join(Publication, Publication.id == PublishedRating.publication_id)
        .join(latest, and_(Publication.year == latest.c.year, Publication.version == latest.c.version))
        .order_by(PublishedRating.credit_code, PublishedRating.year.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["credit_code", "agency_name", "year", "grade", "total", "rulebook"])
    frame = frame.drop_duplicates("credit_code", keep="first")
    ranks: dict[tuple[str, str], int] = {}
    listed: set[tuple[str, str]] = set()
    for name in frame["rulebook"].unique():
        rulebook = load_rulebook(name)
        ranks |= {(name, g.key): i for i, g in enumerate(rulebook.grades)}
        listed.add((name, rulebook.blacklist_grade.key))
    keys = list(zip(frame["rulebook"], frame["grade"], strict=True))
    frame["grade_rank"] = [ranks.get(k, len(ranks)) for k in keys]
    frame["blacklisted"] = [k in listed for k in keys]
    return frame[list(LATEST_COLUMNS)].reset_index(drop=True)


def find_agencies(facts: pd.DataFrame, latest: pd.DataFrame, *, town: str, specialty: str) -> pd.DataFrame:
    """Published agencies with a contract in `town` and a current practitioner of `specialty` (FINDER_COLUMNS),
    best grade of their latest published year first, then highest total, then name. Blacklisted ones are kept
    (blacklisted=True) for the page to count and send to the blacklist, never to offer."""
    found = serving(facts, town=town, specialty=specialty)
    found = found.assign(people_of_specialty=found[SPECIALTY_COLUMNS[specialty]])
    rated = latest.merge(found, on="credit_code")
    rated = rated.sort_values(["grade_rank", "total", "agency_name", "credit_code"],
                              ascending=[True, False, True, True], kind="stable")
    return rated[list(FINDER_COLUMNS)].reset_index(drop=True)


def unrated_serving(facts: pd.DataFrame, latest: pd.DataFrame, *, town: str, specialty: str) -> int:
    """How many agencies that filed a contract in `town` with that specialty have no published rating."""
    found = serving(facts, town=town, specialty=specialty)
    return int((~found["credit_code"].isin(latest["credit_code"])).sum())
