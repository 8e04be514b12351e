"""评定日期 per agency: the day of the version that last changed the agency's rating, not of the latest correction.

A correction republishes the whole year, but an agency whose total, grade and findings it did not change was not
rated again: it keeps the date it was rated on. "Changed" is what the public sees per agency between versions
(db.documents.changes): total, grade, or the findings charged (clause, date, assessor, counted), or the agency
appearing. Read from the stored rows of the year's versions, so every page and file says the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.china_time import to_china
from db.store.models import Publication, PublishedCharge, PublishedRating


def rating_dates(connection: Connection, publication_id: int,
                 credit_codes: Sequence[str] | None = None) -> dict[str, dt.date]:
    """credit_code → 评定日期 (China date) of every agency of the publication (only `credit_codes` when given)."""
    versions = _versions_up_to(connection, publication_id)
    day = {int(v.id): _china_date(v.published_at) for v in versions}
    return {code: day[pid] for code, pid in rated_in(connection, publication_id, credit_codes).items()}


def _versions_up_to(connection: Connection, publication_id: int) -> list:
    this = connection.execute(select(Publication.year, Publication.version).where(
        Publication.id == publication_id)).one()
    return list(connection.execute(
        select(Publication.id, Publication.version, Publication.published_at)
        .where(Publication.year == this.year, Publication.version <= this.version)
        .order_by(Publication.version)).all())


def rated_in(connection: Connection, publication_id: int,
             credit_codes: Sequence[str] | None = None) -> dict[str, int]:
    """credit_code → the id of the version that last changed the agency (its 评定日期 is that version's day): the
    version whose file proves what the publication says of the agency, unchanged by later corrections."""
    versions = _versions_up_to(connection, publication_id)
    ids = [int(v.id) for v in versions]  # oldest first; the last is `publication_id`
    signature = _signatures(connection, ids, credit_codes)
    current = signature[signature["publication_id"] == publication_id].set_index("credit_code")["signature"]
    since = pd.Series(publication_id, index=current.index)
    same = pd.Series(True, index=current.index)
    for pid in reversed(ids[:-1]):  # walk back while the agency reads the same in the older version
        older = signature[signature["publication_id"] == pid].set_index("credit_code")["signature"]
        same &= older.reindex(current.index).eq(current)  # an agency missing there compares unequal
        since[same] = pid
        if not same.any():
            break
    return {code: int(pid) for code, pid in since.items()}


def _signatures(connection: Connection, ids: list[int], credit_codes: Sequence[str] | None) -> pd.DataFrame:
    """(publication_id, credit_code, signature): total, grade and the sorted findings of each agency, as one text."""
    ratings = select(PublishedRating.publication_id, PublishedRating.credit_code, PublishedRating.total,
                     PublishedRating.grade).where(PublishedRating.publication_id.in_(ids))
    charges = select(PublishedCharge.publication_id, PublishedCharge.credit_code, PublishedCharge.clause,
                     PublishedCharge.assessor, PublishedCharge.date).where(PublishedCharge.publication_id.in_(ids))
    if credit_codes is not None:
        ratings = ratings.where(PublishedRating.credit_code.in_(list(credit_codes)))
        charges = charges.where(PublishedCharge.credit_code.in_(list(credit_codes)))
    rated = pd.DataFrame(connection.execute(ratings).all(),
                         columns=["publication_id", "credit_code", "total", "grade"])
    found = pd.DataFrame(connection.execute(charges).all(),
                         columns=["publication_id", "credit_code", "clause", "assessor", "date"])
    if found.empty:
        rated["findings"] = ""
    else:
        keys = found["clause"].astype(str) + " " + found["date"].astype(str) + " " + found["assessor"].astype(str)
        findings = (found.assign(key=keys).sort_values("key").groupby(["publication_id", "credit_code"])["key"]
                    .agg("；".join).rename("findings").reset_index())
        rated = rated.merge(findings, on=["publication_id", "credit_code"], how="left")
    rated["signature"] = (rated["total"].astype(str) + "|" + rated["grade"].astype(str) + "|"
                          + rated["findings"].fillna(""))
    rated["publication_id"] = rated["publication_id"].astype("int64")
    return rated[["publication_id", "credit_code", "signature"]]


def _china_date(when: dt.datetime) -> dt.date:
    # SQLite hands stored times back naive (they are UTC); PostgreSQL aware.
    return to_china(when if when.tzinfo else when.replace(tzinfo=dt.UTC)).date()
