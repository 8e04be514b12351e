"""The staff workspace for a findings or roster file: upload → check → preview → import, role checked; the templates."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.errors import InputError, Problem
from core.isolation import read_isolated
from core.limits import ReadLimits
from core.problem_table import problems_frame
from core.reader import check_size, read_findings, read_roster
from core.record_template import record_template_bytes
from core.rulebook import Rulebook
from core.service_records import RECORD_KINDS
from core.template import template_bytes
from db.accounts.actor import Actor, acting_user, require_actor
from db.publishing.preview import YearPreview, preview_year
from db.records.imports import record_digest
from db.reference.towns import load_towns
from db.store.models import Upload
from db.store.settings import get_settings
from db.uploads.imports import ImportResult, import_findings, import_roster, upload_digest
from db.uploads.repeats import no_repeats, repeated_findings

KINDS = ("findings", "roster")
# Every file the upload page takes: the findings and roster, then the six service-record files an agency reports.
UPLOAD_KINDS = (*KINDS, *RECORD_KINDS)


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


def file_digest(*, kind: str, content: bytes, year: int | None) -> str:
    """The digest db.uploads.imports gives this upload (a roster's year is part of it): the same file gives the same one."""
    if kind in RECORD_KINDS:
        return record_digest(kind, content)
    return upload_digest(content, roster_year=year if kind == "roster" else None)


def _already_imported(engine: Engine, digest: str) -> bool:
    with Session(engine) as session:
        return session.exec(select(Upload.id).where(Upload.sha256 == digest)).first() is not None


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


TEMPLATE_KINDS = ("findings", *RECORD_KINDS)  # the kinds with a blank template (a roster is two plain columns)


def template(*, engine: Engine, fmt: str = "xlsx", kind: str = "findings") -> bytes:
    """The blank template of `kind` (TEMPLATE_KINDS: the findings file, core.template, or a service-record file,
    core.record_template) with the towns as the database holds them."""
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"no template of kind {kind!r} (expected one of {TEMPLATE_KINDS})")
    towns = load_towns(engine=engine)
    return template_bytes(fmt, towns=towns) if kind == "findings" else record_template_bytes(kind, fmt, towns)

