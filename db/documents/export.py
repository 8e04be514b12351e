"""Exports of a published version (CSV, XLSX, JSON) and its canonical JSON and digest (checking a file: verify)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.china_time import to_china
from core.errors import CreditBoardError
from core.rulebook import split_reference
from core.schema import rating_columns
from db.documents import editions
from db.documents.canonical import (
    SAFE_INT,
    PlainDocument,
    canonical_bytes,
    canonical_table_bytes,
    digest_hex,
)
from db.documents.cells import escape_cell
from db.documents.changes import changes_between
from db.documents.editions import TOWN_READING_KEY
from db.documents.rating_dates import rating_dates
from db.documents.scores import SUFFIX, with_scores
from db.documents.signing import ALGORITHM
from db.store.models import FILES_EDITION, Publication, PublishedCharge, PublishedPractitioner, PublishedRating

# Format 1: digest only (versions published before signatures); format 2: digest and an Ed25519 signature.
# Both digest the same canonical form (db.documents.canonical). A format-1 file is genuine only by the site's
# SHA256SUMS list or stored digests, never on its own say-so (db.documents.verify).
FORMAT_UNSIGNED = "jiangyin-credit-board/publication/1"
FORMAT_SIGNED = "jiangyin-credit-board/publication/2"
# Who publishes, as the public sees it: the office, never the staff account that clicked.
PUBLISHER = "市应急管理局"



def rating_fields(buckets: Iterable[str]) -> tuple[str, ...]:
    """The fields of a published rating: the core's rating columns (a `<bucket>_score` per bucket) and the towns."""
    return (*rating_columns(tuple(buckets)), "towns")


# The fields of each kind of published row, as they appear in the canonical document and the exports.
# A rating's bucket scores are stored apart (db.documents.scores); these are the fields of its publishedrating row.
STORED_RATING_FIELDS: tuple[str, ...] = rating_fields(())
CHARGE_FIELDS: tuple[str, ...] = (
    "credit_code", "clause", "assessor", "period", "date", "points_nominal", "points_charged", "blacklist",
)
PRACTITIONER_FIELDS: tuple[str, ...] = ("credit_code", "agency_name", "practitioner", "clause", "assessor", "date")
# CSV / XLSX rating sheet: the rating fields, when/which version rated them, and a mark on every row of demo
# data (a downloaded file travels without the page that said so).
TABLE_EXTRA_FIELDS: tuple[str, ...] = ("rating_date", "version", "demo")
DEMO_MARK = "演示数据 demo"  # keys.csv's demo of edition 1, and the listings export's 列入原因

class ExportError(CreditBoardError):
    """A publication that cannot be exported (none for that year/version, unknown format); readable text."""


# --- the canonical document and its digest ---------------------------------------------------------------------

def iso_utc(when: dt.datetime) -> str:
    """`2025-01-17T01:00:00Z`: UTC, whole seconds (a naive time from SQLite is UTC already)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# How each field is spelled in the document: whole numbers (and every `<bucket>_score`), booleans, dates as
# YYYY-MM-DD, everything else text.
INT_FIELDS = frozenset({"year", "total", "points_nominal", "points_charged"})
BOOL_FIELDS = frozenset({"blacklist"})
DATE_FIELDS = frozenset({"date"})


def normal_rows(rows: pd.DataFrame | Iterable[Mapping[str, Any]], fields: tuple[str, ...]) -> pd.DataFrame:
    """`rows` as a frame of exactly `fields`, each with its one spelling, in the canonical order.

    The order is a total order on every field (credit_code first), so it never depends on the database or on the
    order rows were inserted in. Vectorised: a year of 10,000 agencies is normalised in milliseconds.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=list(fields))
    out = pd.DataFrame(index=frame.index)
    for field in fields:
        column = frame[field]
        if field in INT_FIELDS or field.endswith(SUFFIX):
            numbers = pd.to_numeric(column)
            if len(numbers) and bool((numbers != numbers.round()).any()):
                raise ValueError(f"published {field} must be whole points")
            if len(numbers) and bool((numbers.abs() >= SAFE_INT).any()):  # beyond it JSON numbers lose digits
                raise ValueError(f"published {field} is out of range")
            out[field] = numbers.astype("int64")
        elif field in BOOL_FIELDS:
            out[field] = column.astype(bool)
        elif field in DATE_FIELDS:
            # Parsed once per distinct day (a year has at most 366), not once per row.
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
            days = pd.to_datetime(pd.Series(uniques)).to_numpy().astype("datetime64[D]").astype(str)
            out[field] = pd.Series(days[codes], index=frame.index, dtype=object)
        else:
            out[field] = column.fillna("").astype(str).astype(object)
    return out.sort_values(list(fields), kind="stable", ignore_index=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain dicts of Python values (int, bool, str), column by column for speed."""
    names = list(frame.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*(frame[c].tolist() for c in names), strict=True)]


@dataclass(frozen=True)
class DocumentTables:
    """One published version as its header values and its three typed, normalised row frames (canonical order):
    what the digest covers, before it becomes dicts. Publishing stores and digests these frames directly."""

    header: dict[str, Any]
    ratings: pd.DataFrame
    charges: pd.DataFrame
    practitioners: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        return {"ratings": self.ratings, "charges": self.charges, "blacklisted_practitioners": self.practitioners}

    def canonical(self) -> bytes:
        """The canonical bytes (RFC 8785), written column by column; through the dicts when that path declines."""
        return canonical_table_bytes(self.header, self.frames()) or canonical_bytes(self.document())

    def digest_and_bytes(self) -> tuple[str, bytes]:
        """The digest and the canonical bytes at once, as db.documents.canonical.digest_and_bytes gives them."""
        canonical = self.canonical()
        return hashlib.sha256(canonical).hexdigest(), canonical

    def document(self) -> dict[str, Any]:
        """The document as plain dicts (exports, JSON downloads)."""
        document = {**self.header, **{key: records(frame) for key, frame in self.frames().items()}}
        # normal_rows spelled every row value as a range-checked whole number, a boolean or text: with ASCII field
        # names and whole year/version the document is plain, and canonicalising it may skip the walk over values.
        plain = all(str(name).isascii() for name in self.ratings.columns) and all(
            abs(document[k]) < SAFE_INT for k in ("year", "version"))
        return PlainDocument(document) if plain else document


def document_tables(
    *,
    year: int,
    version: int,
    rulebook: str,
    published_at: dt.datetime,
    reason: str,
    previous_digest: str,
    demo: bool,
    buckets: Iterable[str],
    ratings: pd.DataFrame | Iterable[Mapping[str, Any]],
    charges: pd.DataFrame | Iterable[Mapping[str, Any]],
    practitioners: pd.DataFrame | Iterable[Mapping[str, Any]],
    signed: bool = True,
) -> DocumentTables:
    """The public content of one published version (everything the digest covers), as header and typed frames.

    Each rating holds a `<bucket>_score` for every bucket of the rulebook it was rated under, in that order.
    `signed` False rebuilds a version published before signatures (format 1).
    """
    rating_frame = normal_rows(ratings, rating_fields(buckets))
    header = {
        "format": FORMAT_SIGNED if signed else FORMAT_UNSIGNED,
        "year": int(year),
        "version": int(version),
        "rulebook": rulebook,
        "published_at": iso_utc(published_at),
        "publisher": PUBLISHER,
        "reason": reason or "",
        "previous_digest": previous_digest or "",
        "demo": bool(demo),
        "agency_count": len(rating_frame),
    }
    # A version rated with its towns read otherwise than pooled (the default) names that reading, so that a reader
    # recomputes the scores; a pooled version has no such key, and its bytes are those it always had.
    name, reading = split_reference(rulebook)
    if reading is not None:
        header["rulebook"] = name
        header[TOWN_READING_KEY] = "/".join(reading)
    return DocumentTables(header, rating_frame, normal_rows(charges, CHARGE_FIELDS),
                          normal_rows(practitioners, PRACTITIONER_FIELDS))


def build_document(**parts: Any) -> dict[str, Any]:
    """The public content of one published version as a plain dict (`document_tables`' arguments)."""
    return document_tables(**parts).document()


def digest_of(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical bytes of `document` (RFC 8785; see db.documents.canonical)."""
    return digest_hex(document)


def signature_block(publication: Publication) -> dict[str, str]:
    """The document's "signature" object: which key signed the canonical bytes, and the signature (base64)."""
    return {"algorithm": ALGORITHM, "key_id": publication.key_id, "value": publication.signature}


# --- reading a published version back -------------------------------------------------------------------------

def find_publication(session: Session, *, year: int, version: int | None = None) -> Publication:
    """The given version of `year`, or its latest; ExportError if there is none."""
    query = select(Publication).where(Publication.year == year)
    if version is None:
        query = query.order_by(Publication.version.desc())
    else:
        query = query.where(Publication.version == version)
    publication = session.execute(query.limit(1)).scalars().first()
    if publication is None:
        which = "" if version is None else f" version {version}"
        which_zh = "" if version is None else f"第{version}版"
        raise ExportError(f"{year}年度{which_zh}尚未发布", f"no published{which} rating for {year}")
    return publication


def stored_rows(session: Session, model: type, publication_id: int, fields: tuple[str, ...]) -> pd.DataFrame:
    """These fields of one publication's rows of `model` (PublishedRating, PublishedCharge, PublishedPractitioner)."""
    columns = [getattr(model, f) for f in fields]
    query = select(*columns).where(model.publication_id == publication_id).order_by(model.id)
    return pd.DataFrame(session.execute(query).all(), columns=list(fields))


def stored_ratings(session: Session, publication_id: int) -> tuple[pd.DataFrame, list[str]]:
    """A publication's ratings with their bucket scores (rating_fields of the buckets), and the buckets."""
    fields = ("publication_id", *STORED_RATING_FIELDS)
    frame, buckets = with_scores(session.connection(), stored_rows(session, PublishedRating, publication_id, fields))
    return frame[list(rating_fields(buckets))], buckets


def stored_content(session: Session, publication_id: int) -> tuple[pd.DataFrame, list[str], dict[str, pd.DataFrame]]:
    """A publication's stored rows as read: ratings with scores, their buckets, and {"charges", "practitioners"}."""
    ratings, buckets = stored_ratings(session, publication_id)
    return ratings, buckets, {"charges": stored_rows(session, PublishedCharge, publication_id, CHARGE_FIELDS),
                              "practitioners": stored_rows(session, PublishedPractitioner, publication_id,
                                                           PRACTITIONER_FIELDS)}


def publication_tables(session: Session, publication: Publication,
                       content: tuple[pd.DataFrame, list[str], dict[str, pd.DataFrame]] | None = None) -> DocumentTables:
    """A stored publication's content rebuilt from its stored rows (`content`: those rows, already read by
    `stored_content`): what `db check` digests again. ExportError when the rows cannot be (changed behind a dropped
    trigger: a rating without its scores, a value no published row holds); `db check` names them."""
    try:
        ratings, buckets, others = content or stored_content(session, publication.id)
        return document_tables(
            year=publication.year,
            version=publication.version,
            rulebook=publication.rulebook,
            published_at=publication.published_at,
            reason=publication.reason,
            previous_digest=publication.previous_digest,
            demo=publication.demo,
            buckets=buckets,
            ratings=ratings,
            charges=others["charges"],
            practitioners=others["practitioners"],
            signed=bool(publication.signature),
        )
    except (ValueError, TypeError) as exc:
        raise ExportError(f"{publication.year}年度第{publication.version}版的存储行无法还原为发布的文件（数据被改动过？），"
                          "请运行 python -m db check 查看", f"the stored rows of {publication.year} version "
                          f"{publication.version} cannot be rebuilt into the published document (changed?): run "
                          "python -m db check to see which") from exc


def publication_document(session: Session, publication: Publication) -> dict[str, Any]:
    """The canonical document of a stored publication, rebuilt from its stored rows (digest added)."""
    document = publication_tables(session, publication).document()
    document["digest"] = publication.digest
    if publication.signature:
        document["signature"] = signature_block(publication)
    return document


def load_document(*, engine: Engine, year: int, version: int | None = None) -> dict[str, Any]:
    """The document (with its stored digest) of a published version; the latest when `version` is None."""
    with Session(engine) as session:
        return publication_document(session, find_publication(session, year=year, version=version))


# --- files ----------------------------------------------------------------------------------------------------

def table_fields(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The CSV / XLSX columns of a document: its rating fields (scores in the rulebook's order), then the extras."""
    ratings = document["ratings"]
    # Every rating row holds the same fields, built in rating_fields order (dicts keep it).
    return (*(list(ratings[0]) if ratings else STORED_RATING_FIELDS), *TABLE_EXTRA_FIELDS)


def _table_rows(document: Mapping[str, Any], rated_on: Mapping[str, str] | None = None,
                edition: int = FILES_EDITION) -> list[list[Any]]:
    fields = table_fields(document)[:-len(TABLE_EXTRA_FIELDS)]
    published = dt.datetime.strptime(document["published_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    rating_date = to_china(published).date().isoformat()
    rated_on = rated_on or {}  # 评定日期 per agency (db.documents.rating_dates); else the version's own date
    # demo as the JSON spells it (true/false); edition 1 wrote a mark or nothing, and keeps doing so for its versions.
    demo = ("true" if document["demo"] else "false") if edition >= 2 else (DEMO_MARK if document["demo"] else "")
    return [
        [escape_cell(r[f]) for f in fields] + [rated_on.get(r["credit_code"], rating_date), document["version"], demo]
        for r in document["ratings"]
    ]


def to_keys_csv(document: Mapping[str, Any], rated_on: Mapping[str, str] | None = None,
                edition: int = FILES_EDITION) -> bytes:
    """The machines' edition: the document's own field names as headers, one row per agency, UTF-8 with BOM,
    formula-looking text escaped. People get Chinese headers (db.documents.editions)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table_fields(document))
    writer.writerows(_table_rows(document, rated_on, edition))
    return buffer.getvalue().encode("utf-8-sig")


def to_json(document: Mapping[str, Any]) -> bytes:
    """The whole document with its digest, indented for people (the digest does not depend on layout)."""
    return (json.dumps(dict(document), sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Every file of a version, by the suffix of its name: people's CSV/XLSX (Chinese headers), the charges, what a
# correction changed, the machines' CSV (field names) and the signed JSON. The open-data page and the SHA-256 list
# offer each of them. Each writer gets the version's document, the one before it (None for version 1): what a
# correction changed is computed from the two (db.documents.changes); each agency's 评定日期
# (db.documents.rating_dates); and the edition of the readers' files the version is offered in (its
# `files_edition`: the JSON has none, its bytes are fixed by the digest).
Document = Mapping[str, Any]
RatedOn = Mapping[str, str]
WRITERS: dict[str, Callable[[Document, Document | None, RatedOn | None, int], bytes]] = {
    "csv": lambda d, _, r, e: editions.to_ratings_csv(d, r, e), "xlsx": editions.to_xlsx,
    "charges.csv": lambda d, _, __, e: editions.to_charges_csv(d, e),
    "changes.csv": lambda d, p, _, e: editions.to_changes_csv(d, p, e),
    "keys.csv": lambda d, _, r, e: to_keys_csv(d, r, e), "json": lambda d, _, __, ___: to_json(d),
}


def load_with_previous(session: Session, publication: Publication) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A version's document and the previous version's (None for version 1)."""
    previous = None
    if publication.version > 1:
        previous = publication_document(session, find_publication(session, year=publication.year,
                                                                  version=publication.version - 1))
    return publication_document(session, publication), previous


def load_for_files(session: Session, publication: Publication
                   ) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, str], int]:
    """What WRITERS need: the version's document, the previous one, credit_code → 评定日期 (ISO), and the edition
    of its readers' files."""
    dates = rating_dates(session.connection(), int(publication.id))
    return (*load_with_previous(session, publication), {code: day.isoformat() for code, day in dates.items()},
            int(publication.files_edition))


def export_publication(*, engine: Engine, year: int, version: int | None = None, fmt: str = "csv") -> bytes:
    """A published version (default: the latest of `year`) as CSV, XLSX or JSON bytes. No personal data."""
    if fmt not in WRITERS:
        names = "、".join(WRITERS)
        raise ExportError(f"未知格式“{fmt}”（可选 {names}）", f"unknown format {fmt!r} ({', '.join(WRITERS)})")
    with Session(engine) as session:
        return WRITERS[fmt](*load_for_files(session, find_publication(session, year=year, version=version)))
def published_changes(engine: Engine, year: int, version: int) -> pd.DataFrame:
    """What version `version` of `year` changed against the version before it (empty for version 1)."""
    with Session(engine) as session:
        document, previous = load_with_previous(session, find_publication(session, year=year, version=version))
    return changes_between(previous, document)
