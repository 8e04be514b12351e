"""Import a findings or roster file: validate with core, then write everything in one transaction, or nothing.

- The whole file is checked first (core.reader); a bad file raises core's InputError and writes nothing.
- One transaction: the Upload row, new agencies, renamed agencies, the findings / roster entries, the audit entry.
  Any error (or a killed process) rolls all of it back.
- The same content imported twice adds nothing: Upload.sha256 is unique. For a roster the hash also covers
  the year, because the same roster file may rightly serve two years.
- An agency is its credit code. A file that gives a known code a new name renames the agency (the latest file
  is the freshest source; companies do change names and keep their USCC); each rename is audited with the old
  and new name, so nothing changes silently.
- Rows go in with one Core executemany per table (db.store.inserts), never one ORM object per row.
- A different file holding findings identical to stored ones (db.uploads.repeats) is imported only with
  allow_repeats=True; the CLI and the upload page ask for it explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import InputError, Problem
from core.isolation import read_isolated
from core.limits import ReadLimits
from core.reader import read_findings, read_roster
from core.rulebook import Rulebook
from core.schema import FINDINGS_FILE_COLUMNS
from core.values import year_problem
from db.accounts.actor import Actor, actor_name, check_actor
from db.accounts.audit import record
from db.reference.towns import towns_from_db
from db.store.engine import transaction
from db.store.inserts import bulk_insert, insert_ignoring_duplicates
from db.store.ledger import existing_upload, insert_upload
from db.store.models import Agency, Finding, RosterEntry, utcnow
from db.store.settings import get_settings
from db.uploads.repeats import RepeatedFindings, repeated_findings

_LOOKUP_CHUNK = 1000  # credit codes per IN (…) list: well under SQLite's bound-parameter limit
_LABELS = {c.key: c.label_zh for c in FINDINGS_FILE_COLUMNS}
# Text that must fit its column (PostgreSQL refuses longer text; SQLite would keep it silently).
_LIMITS = {
    "agency_name": Agency.__table__.c.name.type.length,
    **{k: Finding.__table__.c[k].type.length for k in ("practitioner", "description", "document_no")},
}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the upload it made (or found), the rows it added, and whether it was a repeat."""

    upload_id: int
    added: int
    duplicate: bool = False
    kind: str = "findings"
    agencies_added: int = 0
    agencies_renamed: int = 0


def upload_digest(content: bytes, *, roster_year: int | None = None) -> str:
    """The SHA-256 that recognises a file imported before; a roster's year is part of it (one file, two years)."""
    prefix = f"roster-year:{roster_year}\n".encode() if roster_year is not None else b""
    return hashlib.sha256(prefix + content).hexdigest()


def import_findings(*, engine: Engine, content: bytes, file_name: str, by: Actor,
                    rulebook: Rulebook | None = None, allow_repeats: bool | None = None,
                    limits: ReadLimits | None = None) -> ImportResult:
    """Store every finding of a findings file (CSV/XLSX bytes), or raise InputError with all its problems.

    Findings identical to stored ones (db.uploads.repeats): allow_repeats=False raises RepeatedFindings (an InputError
    listing them) and writes nothing; True imports them and audits how many; None (seeding) does not look.
    `by` may upload (PERMISSIONS["upload"]) or is the command line's operator; checked again in the write.
    """
    name = check_actor(engine, by, "upload")
    digest = upload_digest(content)
    found = existing_upload(engine, digest)
    if found is not None:
        return ImportResult(upload_id=found, added=0, duplicate=True)
    with engine.connect() as conn:
        towns = towns_from_db(conn)
    frame = read_isolated(read_findings, content, name=file_name, rulebook=rulebook, towns=towns,
                          limits=limits or get_settings().read_limits)
    _check_fits(frame)
    detail = {}
    if allow_repeats is not None:
        repeats = repeated_findings(engine, frame)
        if not repeats.empty and not allow_repeats:
            raise RepeatedFindings(repeats)
        detail = {"repeats_allowed": len(repeats)}
    now = utcnow()

    def write(session: Session, upload_id: int, agency_ids: dict[str, int]) -> int:
        return bulk_insert(session, Finding, {
            "agency_id": list(map(agency_ids.__getitem__, frame["credit_code"].tolist())),
            "year": frame["year"].tolist(), "clause": frame["clause"].tolist(),
            "assessor": frame["assessor"].tolist(), "period": frame["period"].tolist(),
            "date": _dates(frame["date"]), "practitioner": frame["practitioner"].tolist(),
            "description": frame["description"].tolist(), "document_no": frame["document_no"].tolist(),
            "source_row": frame["row"].tolist(),
        }, constants={"upload_id": upload_id, "recorded_by": name, "recorded_at": now})

    return _store(engine=engine, kind="findings", frame=frame, digest=digest, file_name=file_name, by=by,
                  now=now, write=write, detail=detail)


def import_roster(*, engine: Engine, content: bytes, file_name: str, by: Actor, year: int,
                  limits: ReadLimits | None = None) -> ImportResult:
    """Put every agency of a roster file (CSV/XLSX bytes) on the roster of `year`; InputError on a bad file."""
    check_actor(engine, by, "upload")
    year = int(year)
    failure = year_problem(year)
    if failure:
        raise InputError([Problem(None, "--year", *failure, str(year))])
    digest = upload_digest(content, roster_year=year)
    found = existing_upload(engine, digest)
    if found is not None:
        return ImportResult(upload_id=found, added=0, duplicate=True, kind="roster")
    frame = read_isolated(read_roster, content, name=file_name, limits=limits or get_settings().read_limits)
    _check_fits(frame)
    now = utcnow()

    def write(session: Session, upload_id: int, agency_ids: dict[str, int]) -> int:
        rows = [{"year": year, "agency_id": agency_ids[c], "upload_id": upload_id} for c in frame["credit_code"]]
        # An agency already on that year's roster (from another file) stays as it is.
        return insert_ignoring_duplicates(session, RosterEntry, rows, ["year", "agency_id"])

    return _store(engine=engine, kind="roster", frame=frame, digest=digest, file_name=file_name, by=by,
                  now=now, write=write, detail={"year": year})


def _store(*, engine, kind, frame, digest, file_name, by: Actor, now, write, detail) -> ImportResult:
    """The one transaction of an import: who acts (re-checked here), upload row, agencies, the kind's rows, audit."""
    if frame.empty:
        raise InputError([Problem(None, None, "文件中没有数据行", "the file has no data rows")])
    try:
        with transaction(engine) as session:
            by = actor_name(session, by, "upload")  # an account demoted since the page loaded is refused here
            upload_id = insert_upload(session, kind=kind, digest=digest, file_name=file_name, by=by,
                                       now=now, row_count=len(frame))
            agency_ids, added_agencies, renamed = _upsert_agencies(session, frame, by=by, upload_id=upload_id)
            added = write(session, upload_id, agency_ids)
            record(session, actor=by, action="upload", entity="upload", entity_id=upload_id, after={
                "kind": kind, "file_name": file_name, "sha256": digest, "rows": len(frame), "added": added,
                "agencies_added": added_agencies, "agencies_renamed": renamed, **detail,
            })
    except IntegrityError:
        # Another process imported the same file a moment ago: its upload won the unique sha256.
        found = existing_upload(engine, digest)
        if found is None:
            raise
        return ImportResult(upload_id=found, added=0, duplicate=True, kind=kind)
    return ImportResult(upload_id=upload_id, added=added, kind=kind,
                        agencies_added=added_agencies, agencies_renamed=renamed)


def _upsert_agencies(session: Session, frame: pd.DataFrame, *, by: str, upload_id: int
                     ) -> tuple[dict[str, int], int, int]:
    """credit_code → agency id for every code in the file, inserting new agencies and renaming changed ones."""
    # The reader guarantees one name per code within a file; keep the last spelling anyway.
    names = dict(zip(frame["credit_code"].tolist(), frame["agency_name"].tolist(), strict=True))
    conn = session.connection()
    known = _agencies(conn, names)
    new = [{"credit_code": c, "name": n} for c, n in names.items() if c not in known]
    added = insert_ignoring_duplicates(session, Agency, new, ["credit_code"]) if new else 0
    renames = [(c, known[c][1], n) for c, n in names.items() if c in known and known[c][1] != n]
    if renames:
        table = Agency.__table__
        conn.execute(
            update(table).where(table.c.id == bindparam("agency_id")).values(name=bindparam("new_name")),
            [{"agency_id": known[c][0], "new_name": n} for c, _, n in renames],
        )
        for code, old, new_name in renames:
            record(session, actor=by, action="agency_renamed", entity="agency", entity_id=code,
                   before={"name": old}, after={"name": new_name}, detail=f"upload {upload_id}")
    if new:
        known.update(_agencies(conn, [row["credit_code"] for row in new]))
    return {c: known[c][0] for c in names}, added, len(renames)


def _agencies(conn, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """credit_code → (id, name) of the agencies among `codes` that exist."""
    codes = list(codes)
    table = Agency.__table__
    found: dict[str, tuple[int, str]] = {}
    for i in range(0, len(codes), _LOOKUP_CHUNK):
        chunk = codes[i:i + _LOOKUP_CHUNK]
        for agency_id, code, name in conn.execute(
            select(table.c.id, table.c.credit_code, table.c.name).where(table.c.credit_code.in_(chunk))
        ):
            found[code] = (agency_id, name)
    return found


def _check_fits(frame: pd.DataFrame) -> None:
    """Refuse text longer than its column, named by row and column like every other problem."""
    problems = []
    for key, limit in _LIMITS.items():
        if key not in frame.columns or frame.empty or max(map(len, frame[key].tolist())) <= limit:
            continue  # the common case, checked at C speed
        too_long = frame[key].str.len() > limit
        # A roster frame has no `row` column: core.reader indexes it by Excel row (header = row 1).
        rows = frame.loc[too_long, "row"] if "row" in frame.columns else frame.index[too_long.to_numpy()]
        for row, value in zip(rows, frame.loc[too_long, key], strict=True):
            problems.append(Problem(
                int(row), _LABELS.get(key, key), f"内容过长（最多{limit}个字符）",
                f"too long (at most {limit} characters)", value[:20] + "…",
            ))
    if problems:
        raise InputError(problems)


def _dates(column: pd.Series) -> list[dt.date]:
    # datetime64 → datetime.date, vectorised (the reader keeps dates as datetime64[ns]).
    return list(column.dt.date)

