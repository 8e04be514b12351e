"""A year's population: every agency that served in Jiangyin that year, with where the database learnt it from.

Annex 3 rates "凡在江阴市范围内开展工业企业安全生产技术服务的机构". The records that show an agency serving in year Y
(docs/scoring.md, "Who is rated in a year"):

- registry: a 附件1 filing with `filed_on` on or before 31 Dec Y (第九条: it stands, with its monthly reports due);
- contract: a service contract in force some day of Y (`start` ≤ 31 Dec Y and `end` ≥ 1 Jan Y);
- visit: an on-site visit (附件2 row) with `visit_date` in Y;
- roster: the agency is on Y's roster (staff said so);
- finding: a finding of Y that is not withdrawn.

Every draft, notice, agency draft score and publication rates this population: an agency of it with no finding scores
100 (grade A). A published version keeps the agencies it was rated with; a correction rates the population of its day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine

from core.text import counted, plural
from db.findings.live import live_findings
from db.store.models import (
    Agency,
    ContractRecord,
    Finding,
    Publication,
    PublishedRating,
    RegistryRecord,
    RosterEntry,
    VisitRecord,
)

SOURCES: tuple[str, ...] = ("registry", "contract", "visit", "roster", "finding")
POPULATION_COLUMNS: tuple[str, ...] = ("credit_code", "agency_name", "sources")
DROPPED_COLUMNS: tuple[str, ...] = ("credit_code", "agency_name")


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _code(column: Any) -> Any:
    # `|| ''` keeps SQLite from answering DISTINCT by walking the credit_code index and fetching every row from it
    # (10× slower at a million visits than one scan); PostgreSQL hashes either way.
    return (column + "").label("credit_code")


def _codes_by_source(year: int) -> dict[str, Select]:
    """One query of the distinct credit codes per source (SOURCES), each the rule of the module docstring."""
    first, last = _bounds(year)
    return {
        # A filing stands until the agency leaves (no record of leaving exists yet): the watch holds a filed agency to
        # its monthly reports every month after filing, so the rating must count it too.
        "registry": select(_code(RegistryRecord.credit_code)).where(RegistryRecord.filed_on <= last).distinct(),
        "contract": select(_code(ContractRecord.credit_code))
        .where(ContractRecord.start <= last, ContractRecord.end >= first).distinct(),
        "visit": select(_code(VisitRecord.credit_code)).where(VisitRecord.visit_date.between(first, last)).distinct(),
        "roster": select(Agency.credit_code).join(RosterEntry, RosterEntry.agency_id == Agency.id)
        .where(RosterEntry.year == year),
        "finding": live_findings(Agency.credit_code).join(Agency, Agency.id == Finding.agency_id)
        .where(Finding.year == year).distinct(),
    }


def _names(connection: Connection, codes: Iterable[str], year: int) -> dict[str, str]:
    """An agency's name: as the agency table holds it (rosters and findings name it), else its latest 附件1 filing on
    or before 31 Dec of `year`, else its latest filing at all; "" when nothing names it (visits and contracts alone).

    Whole tables read, not an IN list of thousands of codes (SQLite caps bound parameters); both hold one or a few
    rows per agency."""
    wanted = set(codes)
    names: dict[str, str] = {}
    if not wanted:
        return names
    last = _bounds(year)[1]
    # Latest wins below: filings after the year sort first, so one on or before 31 Dec overrides them.
    filings = connection.execute(select(RegistryRecord.credit_code, RegistryRecord.agency_name)
                                 .order_by((RegistryRecord.filed_on <= last), RegistryRecord.filed_on,
                                           RegistryRecord.id))
    for code, name in [*filings, *connection.execute(select(Agency.credit_code, Agency.name))]:
        if code in wanted:
            names[code] = name
    return names


def population(connection: Connection, year: int) -> pd.DataFrame:
    """The agencies that served in Jiangyin in `year` (POPULATION_COLUMNS), by credit code.

    `sources` lists where each came from, in SOURCES order, joined by ";" (e.g. "registry;contract;visit").
    """
    found: dict[str, set[str]] = {}
    for source, query in _codes_by_source(year).items():
        for (code,) in connection.execute(query):
            found.setdefault(code, set()).add(source)
    names = _names(connection, found, year)
    records = [(code, names.get(code, ""), ";".join(s for s in SOURCES if s in found[code])) for code in sorted(found)]
    return pd.DataFrame(records, columns=list(POPULATION_COLUMNS), dtype=object)


def unnamed_refusal(codes: Iterable[str], year: int) -> tuple[str, str] | None:
    """The (zh, en) refusal when agencies of `year` have no name on file, naming the first five codes; else None.

    A contract or visit filed by staff may name an agency no filing, roster or finding names: its row would be
    published with a blank name, which no reader can use. Notice and publishing refuse until staff name it."""
    codes = sorted(set(codes))
    if not codes:
        return None
    shown = "、".join(codes[:5]) + (f"等{len(codes)}家" if len(codes) > 5 else "")
    shown_en = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
    return (f"{year}年度有{len(codes)}家参评机构没有名称（{shown}）：请上传其附件1，或在当年名录中填写其名称",
            f"{counted(len(codes), 'agency', 'agencies')} rated in {year} {plural(len(codes), 'has', 'have')} no name on "
            f"file ({shown_en}): file {plural(len(codes), 'its', 'their')} 附件1 or put {plural(len(codes), 'it', 'them')} "
            f"on the year's roster with {plural(len(codes), 'its name', 'their names')}")


def roster_of(frame: pd.DataFrame) -> pd.DataFrame:
    """A population as core.rating's roster (credit_code, agency_name): every agency rated, 100 without findings."""
    return frame[["credit_code", "agency_name"]].astype(str).reset_index(drop=True)


def has_population(connection: Connection, year: int) -> bool:
    """True when any agency served in `year` (a draft exists to put under notice or publish)."""
    return any(connection.execute(q.limit(1)).first() is not None for q in _codes_by_source(year).values())


def previous_published(connection: Connection, year: int) -> tuple[int, pd.DataFrame] | None:
    """(version, its agencies as DROPPED_COLUMNS) of the latest published version of `year` − 1, or None."""
    latest = connection.execute(select(Publication.id, Publication.version).where(Publication.year == year - 1)
                                .order_by(Publication.version.desc()).limit(1)).first()
    if latest is None:
        return None
    rows = connection.execute(select(PublishedRating.credit_code, PublishedRating.agency_name)
                              .where(PublishedRating.publication_id == latest.id)
                              .order_by(PublishedRating.credit_code)).all()
    return int(latest.version), pd.DataFrame(rows, columns=list(DROPPED_COLUMNS), dtype=object)


def record_years(connection: Connection, *, through: int) -> set[int]:
    """Every year from the earliest filing, contract start or visit to `through` (this year): years the service
    records may put agencies in, offered for publishing beside the years of findings, rosters and publications."""
    firsts = connection.execute(select(func.min(RegistryRecord.filed_on))).scalar(), \
        connection.execute(select(func.min(ContractRecord.start))).scalar(), \
        connection.execute(select(func.min(VisitRecord.visit_date))).scalar()
    days = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in firsts if d is not None]
    return set(range(min(days).year, through + 1)) if days else set()


@dataclass(frozen=True)
class YearPopulation:
    """A year's population beside the previous year's latest publication: what the publish page shows and warns of."""

    year: int
    agencies: pd.DataFrame  # POPULATION_COLUMNS
    previous_version: int | None  # the latest published version of year − 1, None if that year is not published
    previous_count: int
    dropped: pd.DataFrame  # DROPPED_COLUMNS: published for year − 1, not in this year's population

    @property
    def shrank(self) -> bool:
        """True when fewer agencies are in the year than the previous year's publication rated."""
        return self.previous_version is not None and len(self.agencies) < self.previous_count


def year_population(*, engine: Engine, year: int) -> YearPopulation:
    """`year`'s population and how it compares with the latest published version of the year before."""
    with engine.connect() as connection:
        agencies = population(connection, year)
        previous = previous_published(connection, year)
    if previous is None:
        return YearPopulation(year, agencies, None, 0, pd.DataFrame(columns=list(DROPPED_COLUMNS), dtype=object))
    version, before = previous
    dropped = before[~before["credit_code"].isin(agencies["credit_code"])].reset_index(drop=True)
    return YearPopulation(year, agencies, version, len(before), dropped)
