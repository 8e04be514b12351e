"""Import a service-record file (registry, practitioners, changes, contracts, visits, reports) into its table.

The same rules as a findings import (db/uploads/imports.py): the whole file is checked first by
core.service_records.read_records (a bad file raises InputError and writes nothing); the upload row, the rows
and the audit entry go in one transaction; the same bytes imported again as the same kind add nothing; rows go in
through db.store.inserts.bulk_insert (COPY on PostgreSQL).

ID numbers are never stored as typed: a practitioner row keeps id_hash (HMAC-SHA256 under the database's site key)
and id_last4. The watch only needs to know that two rows are the same person, which equal hashes tell; a copy of
the table without the key tells nobody the number.

A different file (a re-saved XLSX, a re-encoded CSV) whose rows are identical to stored rows of the same kind is
named row by row and refused (RepeatedRecords) unless allow_repeats=True: a visit counted twice would hide a missing
visit, so repeating rows needs the same explicit yes as repeated findings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from core.errors import InputError, Problem
from core.isolation import read_isolated
from core.limits import ReadLimits
from core.service_records import RECORD_COLUMNS, RECORD_KINDS, read_records
from db.accounts.actor import Actor, actor_name, check_actor
from db.accounts.audit import record
from db.records.identity import id_number_hash, site_key
from db.records.reads import DAY_KEYS, RECORD_MODELS, connection_for
from db.reference.towns import towns_from_db
from db.store.engine import transaction
from db.store.inserts import bulk_insert
from db.store.ledger import existing_upload, insert_upload
from db.store.models import (
    Upload,
    utcnow,
)
from db.store.settings import get_settings

_LOOKUP_CHUNK = 1000  # credit codes per IN (…) list: well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class RecordImport:
    """What a service-record import did: the upload it made (or found) and the rows it added."""

    upload_id: int
    added: int
    kind: str
    duplicate: bool = False


class RepeatedRecords(InputError):
    """An import stopped because rows of the file are identical to stored rows of its kind; `repeats` lists them
    (row, upload_id and file_name of the earliest upload holding each)."""

    def __init__(self, kind: str, repeats: pd.DataFrame):
        self.kind = kind
        self.repeats = repeats
        super().__init__([
            Problem(int(r.row), None, "与已存的同类记录完全相同", "identical to a stored row of this kind",
                    f"{r.file_name}（上传 upload #{int(r.upload_id)}）")
            for r in repeats.itertuples(index=False)
        ])


def record_digest(kind: str, content: bytes) -> str:
    """The SHA-256 that recognises a file imported before as `kind` (the kind is part of it, like a roster's year)."""
    return hashlib.sha256(f"records:{kind}\n".encode() + content).hexdigest()


def import_records(*, engine: Engine, kind: str, content: bytes, file_name: str, by: Actor,
                   limits: ReadLimits | None = None, allow_repeats: bool = False) -> RecordImport:
    """Store every row of a service-record file of `kind` (CSV/XLSX bytes), or raise InputError with all its problems.

    Rows identical to stored rows of the kind raise RepeatedRecords (writing nothing) unless allow_repeats.
    `by` may upload (PERMISSIONS["upload"]) or is the command line's operator; checked again in the write.
    """
    if kind not in RECORD_MODELS:
        raise ValueError(f"unknown record kind {kind!r} (expected one of {RECORD_KINDS})")
    check_actor(engine, by, "upload")
    digest = record_digest(kind, content)
    found = existing_upload(engine, digest)
    if found is not None:
        return RecordImport(upload_id=found, added=0, kind=kind, duplicate=True)
    frame, columns, repeats = read_for_import(engine=engine, kind=kind, content=content, file_name=file_name,
                                              limits=limits)
    if not repeats.empty and not allow_repeats:
        raise RepeatedRecords(kind, repeats)
    now = utcnow()
    try:
        with transaction(engine) as session:
            by = actor_name(session, by, "upload")  # an account demoted since the check is refused here
            upload_id = insert_upload(session, kind=kind, digest=digest, file_name=file_name, by=by, now=now,
                                       row_count=len(frame))
            added = bulk_insert(session, RECORD_MODELS[kind], {"row": frame["row"].tolist(), **columns},
                                constants={"upload_id": upload_id})
            record(session, actor=by, action="upload", entity="upload", entity_id=upload_id, after={
                "kind": kind, "file_name": file_name, "sha256": digest, "rows": len(frame), "added": added,
                "repeats_allowed": len(repeats),
            })
    except IntegrityError:
        # Another process imported the same file a moment ago: its upload won the unique sha256.
        found = existing_upload(engine, digest)
        if found is None:
            raise
        return RecordImport(upload_id=found, added=0, kind=kind, duplicate=True)
    return RecordImport(upload_id=upload_id, added=added, kind=kind)


def read_for_import(*, engine: Engine, kind: str, content: bytes, file_name: str, limits: ReadLimits | None = None,
                    repeats: bool = True) -> tuple[pd.DataFrame, dict[str, list], pd.DataFrame]:
    """Check a file of `kind` as an import would (InputError with every problem; stores nothing) → the read
    table, its columns as they would be stored (ID numbers as hash + last 4) and its rows identical to stored
    rows (repeated_records; not looked up when `repeats` is False)."""
    if kind not in RECORD_MODELS:
        raise ValueError(f"unknown record kind {kind!r} (expected one of {RECORD_KINDS})")
    with engine.connect() as conn:
        towns = towns_from_db(conn)
        key = site_key(conn)
    frame = read_isolated(read_records, kind, content, name=file_name, towns=towns,
                          limits=limits or get_settings().read_limits)
    if frame.empty:
        raise InputError([Problem(None, None, "文件中没有数据行", "the file has no data rows")])
    _check_fits(kind, frame)
    columns = _stored_columns(kind, frame, key)
    found = repeated_records(engine, kind, columns, frame["row"].tolist()) if repeats else _no_repeats()
    return frame, columns, found


def _no_repeats() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "upload_id": pd.Series(dtype="int64"),
                         "file_name": pd.Series(dtype=object)})


def already_imported(engine: Engine, kind: str, content: bytes) -> bool:
    """True when these very bytes were imported as `kind` before (importing them again adds nothing)."""
    return existing_upload(engine, record_digest(kind, content)) is not None


def _stored_columns(kind: str, frame: pd.DataFrame, key: str) -> dict[str, list]:
    """The frame's columns as stored (no `row`): dates as date or None, the ID number as hash + last 4."""
    out: dict[str, list] = {}
    for column in RECORD_COLUMNS[kind]:
        values = frame[column.key]
        if column.key == "id_number":
            numbers = values.tolist()
            out["id_hash"] = [id_number_hash(key, n) for n in numbers]
            out["id_last4"] = [n[-4:] for n in numbers]
        elif column.key in DAY_KEYS:
            out[column.key] = _dates(values)
        else:
            out[column.key] = values.tolist()  # numpy → Python int / bool / str
    return out


def _dates(values: pd.Series) -> list:
    """datetime64 values as date objects, None for NaT. Once per distinct day (a file of 1.2M visits has a few
    hundred): a per-row isna and .dt.date cost ~1 s a column there."""
    codes, days = pd.factorize(values)  # NaT → code -1, which picks the None at the end
    return np.array([*(d.date() for d in days), None], dtype=object)[codes].tolist()


def repeated_records(bind: Engine | Connection, kind: str, columns: dict[str, list],
                     rows: Sequence[int]) -> pd.DataFrame:
    """The file rows (`columns` as stored, `rows` their Excel rows) identical in every column to a stored row of
    `kind`: row, upload_id, file_name (the earliest upload holding it), by row. One query per 1000 credit codes."""
    model = RECORD_MODELS[kind]
    table = model.__table__
    keys = list(columns)
    codes = sorted(set(columns["credit_code"]))
    query = (select(*(table.c[k] for k in keys), table.c.upload_id, Upload.__table__.c.file_name)
             .join(Upload.__table__, Upload.__table__.c.id == table.c.upload_id))
    stored = []
    with connection_for(bind) as conn:
        for i in range(0, len(codes), _LOOKUP_CHUNK):
            stored += conn.execute(query.where(table.c.credit_code.in_(codes[i:i + _LOOKUP_CHUNK]))).all()
    empty = _no_repeats()
    if not stored:
        return empty
    mine = _comparable(pd.DataFrame(columns), keys).assign(row=list(rows))
    theirs = _comparable(pd.DataFrame(stored, columns=[*keys, "upload_id", "file_name"]), keys)
    merged = mine.merge(theirs, on=keys)
    if merged.empty:
        return empty
    merged = merged.sort_values(["row", "upload_id"]).drop_duplicates("row")
    return merged[["row", "upload_id", "file_name"]].astype({"row": "int64", "upload_id": "int64"}).reset_index(
        drop=True)


def _comparable(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # One spelling on both sides: dates as ISO text ("" for blank; SQLite gives date objects back), the rest as text.
    # Spelled once per distinct value (factorize: a hash table in C; None, NaN and NaT → -1 → ""), not per cell:
    # a per-cell isna and str over a million stored rows cost seconds a column.
    out = frame.copy()
    for k in keys:
        codes, uniques = pd.factorize(out[k])
        out[k] = np.array([*map(str, uniques), ""], dtype=object)[codes]
    return out


def _check_fits(kind: str, frame: pd.DataFrame) -> None:
    """Refuse text longer than its column (PostgreSQL refuses it; SQLite would keep it), by row and column."""
    table = RECORD_MODELS[kind].__table__
    problems = []
    for column in RECORD_COLUMNS[kind]:
        if column.key not in table.c or column.key in DAY_KEYS:
            continue
        limit = getattr(table.c[column.key].type, "length", None)
        values = frame[column.key]
        if limit is None or max(map(len, values.tolist())) <= limit:
            continue
        too_long = values.str.len() > limit
        for row, value in zip(frame.loc[too_long, "row"], values[too_long], strict=True):
            problems.append(Problem(int(row), column.label_zh, f"内容过长（最多{limit}个字符）",
                                    f"too long (at most {limit} characters)", value[:20] + "…"))
    if problems:
        raise InputError(problems)
