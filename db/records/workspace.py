"""The staff workspace for a service-record file: check it as its import would, preview it, import it; role checked."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.errors import InputError
from core.limits import ReadLimits
from core.problem_table import problems_frame
from core.service_records import RECORD_COLUMNS, RECORD_KINDS
from db.accounts.actor import Actor, acting_user, require_actor
from db.records.imports import RecordImport, already_imported, import_records, read_for_import

PREVIEW_ROWS = 5  # rows of a checked service-record file shown before its import


ID_LAST4 = "id_last4"  # what a preview shows of an ID number: its last 4 characters, never the whole number


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

    InputError if it is not valid after all; db.records.imports.RepeatedRecords (nothing written) when rows are
    identical to stored ones and not allow_repeats; the same file again adds nothing (`duplicate`).
    """
    require_actor(user, "upload")  # a page acts for an account, never as the command line's operator
    return import_records(engine=engine, kind=kind, content=content, file_name=file_name, by=user, limits=limits,
                          allow_repeats=allow_repeats)  # it checks the account, again inside its write
