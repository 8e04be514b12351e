"""The staff workspace's upload → check → preview → import, and publish: role checked, then the data layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select, union
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import china_time
from core.charge_effects import AT_FLOOR_COLUMNS, PUSHED_COLUMNS, at_floor, pushed
from core.errors import InputError, Problem
from core.isolation import read_isolated
from core.limits import ReadLimits
from core.reader import check_size, read_findings, read_roster
from core.record_template import record_template_bytes
from core.rulebook import Rulebook
from core.service_records import RECORD_COLUMNS, RECORD_KINDS
from core.template import template_bytes
from db.accounts.actor import Actor, acting_user, require_actor
from db.findings.live import live_findings
from db.findings.towns import load_towns
from db.publishing import public
from db.publishing.population import YearPopulation, record_years, year_population
from db.publishing.publish import diff_year, publish_year, rate_year
from db.store.models import Finding, Publication, RosterEntry, Upload
from db.store.settings import get_settings
from db.uploads.imports import ImportResult, import_findings, import_roster, upload_digest
from db.uploads.records import RecordImport, already_imported, import_records, read_for_import, record_digest
from db.uploads.repeats import no_repeats, repeated_findings

KINDS = ("findings", "roster")
# Every file the upload page takes: the findings and roster, then the six service-record files an agency reports.
UPLOAD_KINDS = (*KINDS, *RECORD_KINDS)
PREVIEW_ROWS = 5  # rows of a checked service-record file shown before its import
ID_LAST4 = "id_last4"  # what a preview shows of an ID number: its last 4 characters, never the whole number
PROBLEM_COLUMNS = ("row", "column", "message_zh", "message_en", "value")
# The diff's changes that staff most need to see before importing or publishing.
GRADE_CHANGES = ("entered_blacklist", "left_blacklist", "grade", "new", "removed")


@dataclass(frozen=True)
class YearPreview:
    """What a year would look like: its ratings and the difference against its current publication."""

    year: int
    ratings: pd.DataFrame
    diff: pd.DataFrame
    current: dict[str, Any] | None  # the current publication of the year (version, published_at…) or None
    # The file's rows that cost less (often nothing) because their period was at its floor (core.charge_effects).
    at_floor: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(AT_FLOOR_COLUMNS)))
    # Stored findings the file's rows would push down (to 0), charged before → after (core.charge_effects).
    pushed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PUSHED_COLUMNS)))

    @property
    def grade_changes(self) -> pd.DataFrame:
        """Only the agencies that change grade, enter or leave the blacklist, appear or disappear."""
        return self.diff[self.diff["change"].isin(GRADE_CHANGES)]


@dataclass(frozen=True)
class UploadCheck:
    """The outcome of checking an uploaded file; nothing has been stored.

    `problems` lists every problem (empty when the file is valid); `duplicate` when the very same file was
    imported before (importing it again adds nothing); `repeats` the findings of a new file that are identical
    to stored ones (db.uploads.repeats.REPEAT_COLUMNS: importing them needs allow_repeats); `previews` per rating year
    the file touches.
    """

    kind: str
    file_name: str
    rows: int
    problems: pd.DataFrame
    duplicate: bool = False
    previews: list[YearPreview] = field(default_factory=list)
    repeats: pd.DataFrame = field(default_factory=no_repeats)

    @property
    def ok(self) -> bool:
        return self.problems.empty


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table: PROBLEM_COLUMNS, one row each."""
    frame = pd.DataFrame([p.as_dict() for p in problems], columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def file_digest(*, kind: str, content: bytes, year: int | None) -> str:
    """The digest db.uploads.imports gives this upload (a roster's year is part of it): the same file gives the same one."""
    if kind in RECORD_KINDS:
        return record_digest(kind, content)
    return upload_digest(content, roster_year=year if kind == "roster" else None)


def _already_imported(engine: Engine, digest: str) -> bool:
    with Session(engine) as session:
        return session.exec(select(Upload.id).where(Upload.sha256 == digest)).first() is not None


def preview_year(*, engine: Engine, year: int, extra_findings: pd.DataFrame | None = None,
                 extra_roster: pd.DataFrame | None = None, rulebook: Rulebook | None = None) -> YearPreview:
    """The ratings of `year` (with a checked file not stored yet, if given) and the diff against its publication."""
    rating = rate_year(engine=engine, year=year, rulebook=rulebook, extra_findings=extra_findings,
                       extra_roster=extra_roster)
    diff = diff_year(engine=engine, year=year, rulebook=rulebook, rating=rating)
    effects = {}
    if extra_findings is not None and (extra_findings["year"] == year).any():
        # rate_year rates the stored findings first, then the file's: compare with the stored ones alone.
        stored = rate_year(engine=engine, year=year, rulebook=rulebook, extra_roster=extra_roster)
        effects = {"at_floor": at_floor(stored, rating), "pushed": pushed(stored, rating)}
    return YearPreview(year=year, ratings=rating.table, diff=diff, current=public.current_publication(engine, year),
                       **effects)


def too_large(*, size: int, file_name: str, kind: str = "findings", limits: ReadLimits | None = None,
              ) -> UploadCheck | None:
    """The refusal of an upload larger than the reader's limit, decided from its size alone; None when it fits."""
    try:
        check_size(size, file_name, limits or get_settings().read_limits)
    except InputError as exc:
        return UploadCheck(kind=kind, file_name=file_name, rows=0, problems=problems_frame(exc.problems))
    return None


def check_upload(
    *, engine: Engine, user: Actor, content: bytes, file_name: str, kind: str = "findings",
    year: int | None = None, rulebook: Rulebook | None = None, limits: ReadLimits | None = None,
) -> UploadCheck:
    """Check a findings or roster file completely and preview what importing it would do; stores nothing.

    Bureau roles only. A roster needs the `year` it is the roster of.
    """
    with Session(engine) as session:
        acting_user(session, user, "upload")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    limits = limits or get_settings().read_limits
    try:
        if kind == "findings":
            frame = read_isolated(read_findings, content, name=file_name, rulebook=rulebook,
                                  towns=load_towns(engine=engine), limits=limits)
        else:
            if year is None:
                raise InputError([Problem(None, None, "请选择名录所属年度", "choose the year of the roster")])
            frame = read_isolated(read_roster, content, name=file_name, limits=limits)
        if frame.empty:
            raise InputError([Problem(None, None, "文件中没有数据行", "the file has no data rows")])
    except InputError as exc:
        return UploadCheck(kind=kind, file_name=file_name, rows=0, problems=problems_frame(exc.problems))
    duplicate = _already_imported(engine, file_digest(kind=kind, content=content, year=year))
    repeats = no_repeats()
    if kind == "findings":
        years = sorted(int(y) for y in frame["year"].unique())
        extra = {"extra_findings": None if duplicate else frame}
        if not duplicate:  # the very same file adds nothing, so nothing of it would be repeated
            repeats = repeated_findings(engine, frame)
    else:
        years = [int(year)]
        extra = {"extra_roster": None if duplicate else frame}
    previews = [preview_year(engine=engine, year=y, rulebook=rulebook, **extra) for y in years]
    return UploadCheck(kind=kind, file_name=file_name, rows=len(frame), problems=problems_frame([]),
                       duplicate=duplicate, previews=previews, repeats=repeats)


def import_upload(
    *, engine: Engine, user: Actor, content: bytes, file_name: str, kind: str = "findings",
    year: int | None = None, rulebook: Rulebook | None = None, allow_repeats: bool = False,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Store a checked file in one transaction (bureau roles); InputError if it is not valid after all.

    Findings identical to stored ones (UploadCheck.repeats) are imported only with allow_repeats=True; otherwise
    db.uploads.repeats.RepeatedFindings (an InputError) and nothing is written.
    """
    # The account is checked by the import itself, in its writing transaction (and once before the file is read).
    require_actor(user, "upload")  # a page acts for an account, never as the command line's operator
    if kind == "findings":
        return import_findings(engine=engine, content=content, file_name=file_name, by=user, rulebook=rulebook,
                               allow_repeats=allow_repeats, limits=limits)
    if kind == "roster" and year is not None:
        return import_roster(engine=engine, content=content, file_name=file_name, by=user, year=int(year),
                             limits=limits)
    raise ValueError("a roster needs its year; kind must be findings or roster")


@dataclass(frozen=True)
class RecordCheck:
    """The outcome of checking a service-record file (RECORD_KINDS); nothing has been stored.

    `problems` lists every problem (empty when valid); `duplicate` when these very bytes were imported as this kind
    before; `repeats` the rows identical to stored rows of the kind (row, upload_id, file_name: importing them needs
    allow_repeats); `preview` the first rows, typed as text, with an ID number cut to its last 4 characters.
    """

    kind: str
    file_name: str
    rows: int
    problems: pd.DataFrame
    duplicate: bool = False
    repeats: pd.DataFrame = field(default_factory=pd.DataFrame)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return self.problems.empty


def record_preview(kind: str, frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first `rows` of a read service-record file as text: `row`, then its columns by key (dates ISO, blank
    as ""); the ID number becomes ID_LAST4, so no full number leaves this function."""
    head = frame.head(rows)
    out = {"row": head["row"].astype("int64").tolist()}
    for column in RECORD_COLUMNS[kind]:
        values = head[column.key]
        if column.key == "id_number":
            out[ID_LAST4] = [str(v)[-4:] for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column.key] = ["" if pd.isna(v) else v.date().isoformat() for v in values]
        else:
            out[column.key] = [str(v) for v in values]
    return pd.DataFrame(out)


def check_records(*, engine: Engine, user: Actor, content: bytes, file_name: str, kind: str,
                  limits: ReadLimits | None = None) -> RecordCheck:
    """Check a service-record file of `kind` as its import would, and preview its first rows; stores nothing.

    The roles that may upload (PERMISSIONS["upload"]).
    """
    with Session(engine) as session:
        acting_user(session, user, "upload")
    if kind not in RECORD_KINDS:
        raise ValueError(f"kind must be one of {RECORD_KINDS}")
    duplicate = already_imported(engine, kind, content)
    try:  # the very same file adds nothing, so nothing of it would be repeated
        frame, _, repeats = read_for_import(engine=engine, kind=kind, content=content, file_name=file_name,
                                            limits=limits, repeats=not duplicate)
    except InputError as exc:
        return RecordCheck(kind=kind, file_name=file_name, rows=0, problems=problems_frame(exc.problems))
    return RecordCheck(kind=kind, file_name=file_name, rows=len(frame), problems=problems_frame([]),
                       duplicate=duplicate, repeats=repeats, preview=record_preview(kind, frame))


def import_record_file(*, engine: Engine, user: Actor, content: bytes, file_name: str, kind: str,
                       allow_repeats: bool = False, limits: ReadLimits | None = None) -> RecordImport:
    """Store a checked service-record file on an agency's behalf (audited under the signed-in account).

    InputError if it is not valid after all; db.uploads.records.RepeatedRecords (nothing written) when rows are
    identical to stored ones and not allow_repeats; the same file again adds nothing (`duplicate`).
    """
    require_actor(user, "upload")  # a page acts for an account, never as the command line's operator
    return import_records(engine=engine, kind=kind, content=content, file_name=file_name, by=user, limits=limits,
                          allow_repeats=allow_repeats)  # it checks the account, again inside its write


def years_to_publish(*, engine: Engine, user: Actor) -> list[int]:
    """Years with findings, a roster, a publication or service records (up to this year), newest first (bureau
    admins): a year served only by filings, contracts and visits has a draft too (db/publishing/population.py)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
        query = union(live_findings(Finding.year), select(RosterEntry.year), select(Publication.year))
        years = {int(y) for (y,) in session.execute(query).all()}
        years |= record_years(session.connection(), through=china_time.today().year)
        return sorted(years, reverse=True)


def publish_preview(*, engine: Engine, user: Actor, year: int, rulebook: Rulebook | None = None) -> YearPreview:
    """What publishing `year` now would publish and change (bureau admins)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
    return preview_year(engine=engine, year=year, rulebook=rulebook)


def publish(*, engine: Engine, user: Actor, year: int, reason: str | None = None) -> Publication:
    """Publish `year` as its next version (bureau admins); a correction needs a reason (db.publishing.publish refuses it)."""
    # publish_year checks the account inside the transaction that writes the version (never in a session before it).
    return publish_year(engine=engine, year=int(year), by=require_actor(user, "publish"), reason=reason)


TEMPLATE_KINDS = ("findings", *RECORD_KINDS)  # the kinds with a blank template (a roster is two plain columns)


def template(*, engine: Engine, fmt: str = "xlsx", kind: str = "findings") -> bytes:
    """The blank template of `kind` (TEMPLATE_KINDS: the findings file, core.template, or a service-record file,
    core.record_template) with the towns as the database holds them."""
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"no template of kind {kind!r} (expected one of {TEMPLATE_KINDS})")
    towns = load_towns(engine=engine)
    return template_bytes(fmt, towns=towns) if kind == "findings" else record_template_bytes(kind, fmt, towns)


def publish_population(*, engine: Engine, user: Actor, year: int) -> YearPopulation:
    """The agencies `year`'s draft rates, with their sources, beside last year's publication (bureau admins)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
    return year_population(engine=engine, year=int(year))
