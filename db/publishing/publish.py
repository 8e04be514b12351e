"""Rating a year from the database, publishing it as an immutable version, and what a new version would change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import CreditBoardError
from core.rating import Rating
from core.rulebook import Rulebook, load_rulebook
from core.towns import BUREAU
from db.accounts import audit
from db.accounts.actor import Actor, actor_name, check_actor
from db.documents.export import STORED_RATING_FIELDS, document_tables, stored_rows
from db.documents.scores import score_rows
from db.documents.signing import Signer, load_signer
from db.publishing.listings import sync_listings
from db.publishing.notice import mark_published, publish_gate
from db.publishing.population import unnamed_refusal
from db.publishing.rating import rate_in, rate_year
from db.store.engine import transaction
from db.store.inserts import bulk_insert
from db.store.models import (
    Publication,
    PublicationSeal,
    PublishedCharge,
    PublishedPractitioner,
    PublishedRating,
    PublishedScore,
    SigningKey,
)
from db.store.settings import get_settings
from db.store.text import checked_text

DIFF_COLUMNS: tuple[str, ...] = (
    "credit_code", "agency_name", "change", "change_zh",
    "old_total", "new_total", "old_grade", "new_grade", "old_blacklist_clauses", "new_blacklist_clauses",
)
CHANGES_ZH = {
    "new": "新增机构",
    "removed": "不再评定",
    "entered_blacklist": "列入黑名单",
    "left_blacklist": "移出黑名单",
    "grade": "等级变化",
    "score": "分数变化",
    "blacklist_clauses": "黑名单依据变化",
    "name": "名称变化",
}


class PublishError(CreditBoardError):
    """A publication refused for a reason people can read (Chinese and English); nothing was written."""


class ReasonRequired(PublishError):
    """A correction (version ≥ 2) was asked for without a reason."""


class PublishConflict(PublishError):
    """Someone else published the same year at the same moment, twice in a row."""





# --- publishing -----------------------------------------------------------------------------------------------

def _towns_served(findings: pd.DataFrame) -> pd.Series:
    """credit_code → ";"-joined towns that assessed the agency that year (sorted)."""
    pairs = findings.loc[findings["assessor"] != BUREAU, ["credit_code", "assessor"]].drop_duplicates()
    pairs = pairs.sort_values(["credit_code", "assessor"])
    codes, towns = pairs["credit_code"].to_numpy(), pairs["assessor"].to_numpy()
    # Each agency's towns are one run of the sorted pairs: join each run (a groupby with a Python join per group
    # costs ten times more at 10,000 agencies).
    if not len(codes):
        return pd.Series([], dtype=object)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    return pd.Series([";".join(towns[a:b]) for a, b in zip(starts, ends, strict=True)], index=codes[starts],
                     dtype=object)


def _published_rows(rating: Rating, findings: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows a publication stores, before normalising (the same rows feed the digest and the bulk inserts)."""
    towns = _towns_served(findings)
    ratings = rating.table.assign(towns=rating.table["credit_code"].map(towns).fillna(""))
    # The public explanation: no description, no practitioner, no document number (export.CHARGE_FIELDS).
    return {"ratings": ratings, "charges": rating.explanation, "practitioners": rating.practitioners}


def insert_rows(session: Session, model: type, rows: pd.DataFrame, publication_id: int,
          fields: tuple[str, ...] | None = None) -> None:
    """A publication's normalised rows (these `fields`, default all) into `model`'s table through db.store.inserts
    (COPY on PostgreSQL, one executemany on SQLite)."""
    if rows.empty:
        return
    columns = {name: rows[name].tolist() for name in (fields or rows.columns)}
    if "date" in columns:  # the document spells dates as text; the column takes dates (few distinct days a year)
        days = {d: dt.date.fromisoformat(d) for d in set(columns["date"])}
        columns["date"] = [days[d] for d in columns["date"]]
    bulk_insert(session, model, columns, constants={"publication_id": publication_id})


def _latest(session: Session, year: int) -> Publication | None:
    query = select(Publication).where(Publication.year == year).order_by(Publication.version.desc()).limit(1)
    return session.execute(query).scalars().first()


def _holds_demo_data(session: Session) -> bool:
    return session.execute(select(Publication.id).where(Publication.demo).limit(1)).first() is not None


def _next_version(session: Session, year: int) -> tuple[int, str]:
    """(version to write, digest of the version before it or "")."""
    latest = _latest(session, year)
    return (1, "") if latest is None else (latest.version + 1, latest.digest)


def _register_key(session: Session, signer: Signer) -> None:
    """Add the signing key's public half to the public key list the first time it signs."""
    if session.get(SigningKey, signer.key_id) is None:
        session.add(SigningKey(key_id=signer.key_id, public_key=signer.public_pem, demo=signer.demo))
        session.flush()


def _publish_once(
    *, engine: Engine, year: int, by: Actor, reason: str, rulebook: Rulebook | str | None, demo: bool,
    published_at: dt.datetime, signer: Signer,
) -> Publication:
    with transaction(engine) as session:
        # Who publishes is checked here, in the writing transaction: an admin demoted since the page loaded is refused.
        by = actor_name(session, by, "publish")
        rating, findings = rate_in(session.connection(), year, rulebook, staff_fields=False)
        if rating.table.empty:
            raise PublishError(f"{year}年度没有可评定的机构（无备案、合同、服务记录、名录或扣分记录）",
                               f"nothing to publish for {year}: no agency served in it (no filing, contract, visit, "
                               "roster or finding)")
        table = rating.table
        unnamed = unnamed_refusal(table.loc[table["agency_name"].astype(str).str.strip() == "", "credit_code"], year)
        if unnamed is not None:
            raise PublishError(*unnamed)
        rows = _published_rows(rating, findings)
        version, previous_digest = _next_version(session, year)
        # A database that holds demo data publishes demo data (a correction, or a new year, rates demo findings):
        # keep the public notice, so nothing from a demo database ever looks like a real rating.
        demo = demo or _holds_demo_data(session)
        if version >= 2 and not reason:
            raise ReasonRequired(
                f"{year}年度已发布第{version - 1}版；发布更正版本（第{version}版）必须填写更正原因",
                f"{year} is already published (version {version - 1}); a correction (version {version}) "
                "requires a reason",
            )
        # The year's 公示 must have ended with every objection resolved: a first version and a correction alike.
        notice = publish_gate(session, year, version=version)
        buckets = [b.key for b in rating.rulebook.buckets]
        tables = document_tables(
            year=year, version=version, rulebook=rating.rulebook.reference, published_at=published_at, reason=reason,
            previous_digest=previous_digest, demo=demo, buckets=buckets, **rows,
        )
        digest, canonical = tables.digest_and_bytes()
        _register_key(session, signer)
        publication = Publication(
            year=year, version=version, rulebook=rating.rulebook.reference, published_at=published_at, published_by=by,
            reason=reason, digest=digest, previous_digest=previous_digest, agency_count=tables.header["agency_count"],
            demo=demo, signature=signer.sign(canonical), key_id=signer.key_id,
        )
        session.add(publication)
        session.flush()  # the unique (year, version) guard fires here if someone else got this version first
        pid = publication.id
        # Bulk inserts of the document's rows: what is stored is exactly what was digested.
        insert_rows(session, PublishedRating, tables.ratings, pid, STORED_RATING_FIELDS)
        bulk_insert(session, PublishedScore, score_rows(tables.ratings, buckets), constants={"publication_id": pid})
        insert_rows(session, PublishedCharge, tables.charges, pid)
        insert_rows(session, PublishedPractitioner, tables.practitioners, pid)
        # The version's blacklist listings, in this same write: a publication and its listings never disagree.
        sync_listings(session, publication, actor=by, rulebook=rating.rulebook)
        mark_published(session, notice, publication, by)
        session.add(PublicationSeal(publication_id=pid))  # from here on its rows refuse INSERT (migration 0007)
        audit.record(
            session, actor=by, action="publish", entity="publication", entity_id=pid,
            after={"year": year, "version": version, "digest": digest, "previous_digest": previous_digest,
                   "agency_count": tables.header["agency_count"]},
            detail=reason,
        )
        return publication


def publish_year(
    *,
    engine: Engine,
    year: int,
    by: Actor,
    reason: str | None = None,
    rulebook: Rulebook | str | None = None,
    demo: bool = False,
    published_at: dt.datetime | None = None,
    signer: Signer | None = None,
) -> Publication:
    """Rate `year` from the database and store it as version n+1, in one transaction; returns the Publication.

    The version is signed by `signer`, by default the key in the file the settings name (SIGNING_KEY_FILE):
    with no key nothing is published, and the message says how to make one.

    Each version needs a 公示 of its own that has ended with no objection open (db.publishing.notice); the
    notice is marked published in the same transaction. Version 1 needs no reason; a correction (version ≥ 2)
    requires one. Two publishes racing for the same year
    end as versions n+1 and n+2 or one refusal: unique (year, version) refuses the second insert, which is
    retried once against the new latest version. `published_at` (default now) is for demo data with fixed dates.
    `by` is an account that may publish (re-read in the write) or the command line's operator (db/accounts/actor.py).
    """
    check_actor(engine, by, "publish")  # refused before the signing key is loaded; the write checks again
    # Required of a correction only, which the stored versions decide (ReasonRequired, below).
    reason = checked_text(reason, field=("更正原因", "reason for the correction"), required=False, error=PublishError)
    when = (published_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    signer = signer or load_signer(get_settings().signing_key)
    for attempt in (1, 2):
        try:
            return _publish_once(engine=engine, year=year, by=by, reason=reason, rulebook=rulebook, demo=demo,
                                 published_at=when, signer=signer)
        except IntegrityError as exc:
            if "unique" not in str(exc.orig).lower():
                raise  # not the (year, version) guard: a real fault, shown as it is
            if attempt == 2:
                break
    raise PublishConflict(
        f"有人同时发布了{year}年度的评定结果，本次发布未保存；请刷新后查看最新版本再决定是否更正",
        f"someone published {year} at the same time; this publication was not saved — reload, look at the latest "
        "version and publish a correction if still needed",
    )


# --- what a new publication would change ----------------------------------------------------------------------

def diff_year(*, engine: Engine, year: int, rulebook: Rulebook | str | None = None,
              rating: Rating | None = None) -> pd.DataFrame:
    """One row per agency whose published rating a new publication of `year` would change (DIFF_COLUMNS).

    Against the latest version; with nothing published yet every agency is "new". Empty when nothing changes.
    `rating` (default: `rate_year` now) lets the upload preview diff a rating that includes a file not yet stored.
    """
    new = (rating if rating is not None else rate_year(engine=engine, year=year, rulebook=rulebook)).table
    new = new[["credit_code", "agency_name", "total", "grade", "blacklist_clauses"]]
    fields = ("credit_code", "agency_name", "total", "grade", "blacklist_clauses")
    with Session(engine) as session:
        latest = _latest(session, year)
        old = pd.DataFrame(columns=list(fields)) if latest is None else stored_rows(
            session, PublishedRating, latest.id, fields)
    both = old.merge(new, on="credit_code", how="outer", suffixes=("_old", "_new"), indicator=True)
    book = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook or "jiangyin-2020")
    black = book.blacklist_grade.key
    out: list[dict[str, Any]] = []
    for r in both.to_dict("records"):
        change = _change(r, black)
        if change is None:
            continue
        name = r["agency_name_new"] if isinstance(r["agency_name_new"], str) else r["agency_name_old"]
        out.append({
            "credit_code": r["credit_code"], "agency_name": name, "change": change, "change_zh": CHANGES_ZH[change],
            "old_total": r["total_old"], "new_total": r["total_new"],
            "old_grade": _text(r["grade_old"]), "new_grade": _text(r["grade_new"]),
            "old_blacklist_clauses": _text(r["blacklist_clauses_old"]),
            "new_blacklist_clauses": _text(r["blacklist_clauses_new"]),
        })
    frame = pd.DataFrame(out, columns=list(DIFF_COLUMNS))
    for column in ("old_total", "new_total"):
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    return frame.sort_values("credit_code", ignore_index=True)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _change(r: dict[str, Any], black: str) -> str | None:
    """The most important change of one agency between the old and the new rating, or None."""
    if r["_merge"] == "right_only":
        return "new"
    if r["_merge"] == "left_only":
        return "removed"
    if r["grade_old"] != black and r["grade_new"] == black:
        return "entered_blacklist"
    if r["grade_old"] == black and r["grade_new"] != black:
        return "left_blacklist"
    if r["grade_old"] != r["grade_new"]:
        return "grade"
    if r["total_old"] != r["total_new"]:
        return "score"
    if _text(r["blacklist_clauses_old"]) != _text(r["blacklist_clauses_new"]):
        return "blacklist_clauses"
    if r["agency_name_old"] != r["agency_name_new"]:
        return "name"
    return None


__all__ = ["DIFF_COLUMNS", "PublishConflict", "PublishError", "ReasonRequired", "diff_year", "publish_year"]
