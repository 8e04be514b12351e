"""The published versions of each year: every version newest first, the current one, and the subquery that finds it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from db.store.models import Publication

# What a publication looks like to the public (never `published_by`: staff accounts stay private).
PUBLICATION_COLUMNS: tuple[str, ...] = (
    "id", "year", "version", "rulebook", "published_at", "reason", "digest", "previous_digest",
    "agency_count", "demo", "key_id",
)


def frame_of(engine: Engine, stmt, columns: Sequence[str]) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame with exactly `columns`."""
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame.from_records(rows, columns=list(columns))


def as_utc(series: pd.Series) -> pd.Series:
    """Stored times as timezone-aware UTC (SQLite hands them back naive)."""
    out = pd.to_datetime(series)
    return out.dt.tz_localize("UTC") if out.dt.tz is None else out.dt.tz_convert("UTC")


def current_versions():
    """A subquery of (year, version) of every year's latest version."""
    return (
        select(Publication.year.label("year"), func.max(Publication.version).label("version"))
        .group_by(Publication.year)
        .subquery("current_versions")
    )


def current_publications_stmt():
    latest = current_versions()
    return select(Publication.id).join(
        latest, and_(Publication.year == latest.c.year, Publication.version == latest.c.version)
    )


def publications(engine: Engine) -> pd.DataFrame:
    """Every published version of every year (newest year first, then version), without staff names."""
    cols = [getattr(Publication, c) for c in PUBLICATION_COLUMNS]
    stmt = select(*cols).order_by(Publication.year.desc(), Publication.version.desc())
    out = frame_of(engine, stmt, PUBLICATION_COLUMNS)
    out["published_at"] = as_utc(out["published_at"])
    out["demo"] = out["demo"].astype(bool)
    return out


def current_publication(engine: Engine, year: int) -> dict[str, Any] | None:
    """The latest version of `year` as a dict (PUBLICATION_COLUMNS), or None if the year is unpublished."""
    history = publication_history(engine, year)
    return None if history.empty else history.iloc[0].to_dict()


def publication_history(engine: Engine, year: int) -> pd.DataFrame:
    """All versions of `year`, newest first; each correction's `reason` says why it was made."""
    cols = [getattr(Publication, c) for c in PUBLICATION_COLUMNS]
    stmt = select(*cols).where(Publication.year == year).order_by(Publication.version.desc())
    out = frame_of(engine, stmt, PUBLICATION_COLUMNS)
    out["published_at"] = as_utc(out["published_at"])
    out["demo"] = out["demo"].astype(bool)
    return out
