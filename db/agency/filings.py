"""What an agency files itself: 附件1, practitioners joining and leaving, contracts and monthly reports (附件2).

Every filing goes through the service-record reader (db.records.imports.read_for_import: one reader, one
validation for a form and a file), then these rules of the portal, by row and column: every row is the account's
own credit code, and a submission is dated the day it is received (报送日期, 告知日期 and 附件1's 报送日期 are
today in Jiangyin), so nobody can backdate a late report — it is accepted and the watch marks it late. Each filing
is one transaction: the upload rows, the record rows and the audit entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError, InputError, Problem
from core.record_template import record_template_bytes
from core.service_records import RECORD_COLUMNS
from db.accounts import audit
from db.accounts.actor import Actor
from db.accounts.agency_access import ActingAgency, acting_agency
from db.agency.documents import latest_commitment_day
from db.agency.forms import records_csv
from db.records.imports import (
    RECORD_MODELS,
    RecordImport,
    RepeatedRecords,
    already_imported,
    read_for_import,
    record_digest,
)
from db.reference.towns import load_towns
from db.store.engine import transaction
from db.store.inserts import bulk_insert
from db.store.ledger import insert_upload
from db.store.models import PractitionerRecord, RegistryRecord, Upload, utcnow

# The files an agency may upload itself; 附件1 and practitioners go through their forms (a change row comes with them).
FILE_KINDS = ("contracts", "visits", "reports")
# Columns that must be the day the filing is received.
_RECEIVED_ON = {"visits": "submitted_on", "reports": "submitted_on", "registry": "filed_on", "changes": "reported_on"}
REGISTRY_FIELDS = ("agency_name", "address", "office_address", "legal_rep", "phone")


class Unchanged(CreditBoardError):
    """A filing the same as what is on file (附件1 filed again unchanged): nothing is stored; said, not an error."""

    def __init__(self) -> None:
        super().__init__("与已备案内容相同，未保存（没有变化）", "nothing changed: the same as on file, not saved")


def _label(kind: str, key: str) -> str:
    return next(c.label_zh for c in RECORD_COLUMNS[kind] if c.key == key)


def own_row_problems(kind: str, frame: pd.DataFrame, credit_code: str, today: dt.date) -> list[Problem]:
    """The portal's rules for a read file of `kind`, by row and column (empty when every row may be filed)."""
    problems = []
    day = pd.Timestamp(today)
    for i, row in enumerate(frame["row"].tolist()):
        if frame["credit_code"].iat[i] != credit_code:
            problems.append(Problem(int(row), _label(kind, "credit_code"), f"只能报送本机构（{credit_code}）的记录",
                                    f"you may file only your own agency's records ({credit_code})",
                                    frame["credit_code"].iat[i]))
        received = _RECEIVED_ON.get(kind)
        if received and frame[received].iat[i] != day:
            value = frame[received].iat[i]
            problems.append(Problem(int(row), _label(kind, received),
                                    f"须为报送当天（{today.isoformat()}）：以系统收到之日为准，逾期照收并标记逾期",
                                    f"must be the day it is filed ({today.isoformat()}): a late filing is accepted"
                                    " and marked late, never backdated", "" if pd.isna(value) else value.date().isoformat()))
        if kind == "visits" and frame["visit_date"].iat[i] > day:
            problems.append(Problem(int(row), _label(kind, "visit_date"), "服务日期晚于今天", "the visit is after today",
                                    frame["visit_date"].iat[i].date().isoformat()))
        if "month" in frame and frame["month"].iat[i] > day:
            problems.append(Problem(int(row), _label(kind, "month"), "报送月份尚未开始", "the month has not begun",
                                    f"{frame['month'].iat[i]:%Y-%m}"))
    return problems


def _who(engine: Engine, user: Actor) -> ActingAgency:
    with Session(engine) as session:
        return acting_agency(session, user)


def _read_own(engine: Engine, agency: ActingAgency, kind: str, content: bytes, file_name: str,
              today: dt.date) -> tuple[pd.DataFrame, dict[str, list]]:
    """Read a file as an import would, then the portal's rules; InputError (nothing stored) on any problem."""
    frame, columns, repeats = read_for_import(engine=engine, kind=kind, content=content, file_name=file_name)
    problems = own_row_problems(kind, frame, agency.credit_code, today)
    if problems:
        raise InputError(problems)
    if not repeats.empty:
        raise RepeatedRecords(kind, repeats)
    return frame, columns


def _store(session: Session, agency: ActingAgency, kind: str, content: bytes, file_name: str,
           frame: pd.DataFrame, columns: dict[str, list]) -> RecordImport:
    """Add the upload, its rows and the audit entry to the caller's transaction (the same bytes again: nothing)."""
    digest = record_digest(kind, content)
    found = session.exec(select(Upload.id).where(Upload.sha256 == digest)).first()
    if found is not None:
        return RecordImport(upload_id=int(found), added=0, kind=kind, duplicate=True)
    upload_id = insert_upload(session, kind=kind, digest=digest, file_name=file_name, by=agency.username,
                               now=utcnow(), row_count=len(frame))
    added = bulk_insert(session, RECORD_MODELS[kind], {"row": frame["row"].tolist(), **columns},
                        constants={"upload_id": upload_id})
    audit.record(session, actor=agency.username, action="upload", entity="upload", entity_id=upload_id, after={
        "kind": kind, "file_name": file_name, "sha256": digest, "rows": len(frame), "added": added,
        "credit_code": agency.credit_code, "filed_by_agency": True,
    })
    return RecordImport(upload_id=upload_id, added=added, kind=kind)


def one_person_problems(exc: InputError) -> InputError:
    """A one-row form's problems without their row (the form has no rows to a person): each names its field."""
    return InputError([dataclasses.replace(p, row=None) for p in exc.problems])


def _file(engine: Engine, user: Actor, parts: Sequence[tuple[str, bytes, str]], today: dt.date | None,
          extra: object = None, *, one_row: bool = True) -> list[RecordImport]:
    """Check every (kind, content, file name) part, then store them all in one transaction.

    `extra(session, agency)`, if given, runs in the same transaction before the parts are stored. `one_row`: every
    part is one form entry (a person, 附件1, a month without visits), so a problem names its field, not "row 2".
    """
    today = today or china_time.today()
    agency = _who(engine, user)
    # The very same bytes filed before add nothing (their upload is found by digest in _store): not read again.
    try:
        checked = [(kind, content, name, *((None, None) if already_imported(engine, kind, content)
                                           else _read_own(engine, agency, kind, content, name, today)))
                   for kind, content, name in parts]
    except InputError as exc:
        if one_row and type(exc) is InputError:
            raise one_person_problems(exc) from None
        raise
    try:
        with transaction(engine) as session:
            agency = acting_agency(session, user)  # again, inside the writing transaction
            if extra is not None:
                extra(session, agency)
            return [_store(session, agency, kind, content, name, frame, columns)
                    for kind, content, name, frame, columns in checked]
    except IntegrityError as exc:  # the same filing sent twice at the same moment: the other one won
        raise CreditBoardError("同一份报送刚刚已被保存，请刷新后查看", "the same filing was just saved; reload to see it") from exc


def file_records(*, engine: Engine, user: Actor, kind: str, content: bytes, file_name: str,
                 today: dt.date | None = None) -> RecordImport:
    """Upload a contracts, visits (附件2) or reports file of the signed-in agency's own records."""
    if kind not in FILE_KINDS:
        raise CreditBoardError(f"机构不能上传此类文件（{kind}）", f"an agency cannot upload this kind of file ({kind})")
    return _file(engine, user, [(kind, content, file_name)], today, one_row=False)[0]


def file_month(*, engine: Engine, user: Actor, month: dt.date, visits: Sequence[Mapping[str, object]] = (),
               today: dt.date | None = None) -> RecordImport:
    """File a month's report by form: its visit rows (附件2), or none (a report of a month without visits).

    The credit code, month and submission day are set here, never taken from the form.
    """
    today = today or china_time.today()
    agency = _who(engine, user)
    fixed = {"credit_code": agency.credit_code, "month": f"{month:%Y-%m}", "submitted_on": today}
    kind = "visits" if visits else "reports"
    rows = [{**row, **fixed} for row in visits] if visits else [fixed]
    name = f"{kind}-{month:%Y-%m}-form.csv"
    return _file(engine, user, [(kind, records_csv(kind, rows), name)], today, one_row=not visits)[0]


def join_practitioner(*, engine: Engine, user: Actor, name: str, id_number: str, specialty: str,
                      certificate: str, joined_on: dt.date | None, today: dt.date | None = None) -> list[RecordImport]:
    """A practitioner joins: a practitioners row and the change row that reports it (dated today), together."""
    today = today or china_time.today()
    agency = _who(engine, user)
    person = {"credit_code": agency.credit_code, "name": name, "id_number": id_number, "specialty": specialty,
              "certificate": certificate, "joined_on": joined_on}
    change = {"credit_code": agency.credit_code, "item": "执业人员入职", "practitioner": name,
              "changed_on": joined_on, "reported_on": today}
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    return _file(engine, user, [("practitioners", records_csv("practitioners", [person]), f"join-{stamp}.csv"),
                                ("changes", records_csv("changes", [change]), f"join-change-{stamp}.csv")], today)


def leave_practitioner(*, engine: Engine, user: Actor, practitioner_id: int, left_on: dt.date | None,
                       today: dt.date | None = None) -> list[RecordImport]:
    """A practitioner leaves: its row gets left_on, and a change row reports it (dated today), together."""
    today = today or china_time.today()
    agency = _who(engine, user)
    with Session(engine) as session:
        person = session.get(PractitionerRecord, int(practitioner_id))
    if person is None or person.credit_code != agency.credit_code:
        raise CreditBoardError("本机构没有这名执业人员", "no such practitioner at your agency")
    if person.left_on is not None:
        raise CreditBoardError("该执业人员已登记离职", "this practitioner has left already")
    if left_on is None or left_on < person.joined_on or left_on > today:
        raise CreditBoardError(f"离职日期须在入职日期（{person.joined_on}）与今天之间",
                               f"the leaving day must be between joining ({person.joined_on}) and today")
    change = {"credit_code": agency.credit_code, "item": "执业人员离职", "practitioner": person.name,
              "changed_on": left_on, "reported_on": today}

    def mark_left(session: Session, acting: ActingAgency) -> None:
        # Only a row still open: two clicks at once cannot both record a leaving.
        done = session.execute(update(PractitionerRecord).where(
            PractitionerRecord.id == person.id, PractitionerRecord.credit_code == acting.credit_code,
            PractitionerRecord.left_on.is_(None)).values(left_on=left_on))
        if done.rowcount != 1:
            raise CreditBoardError("该执业人员已登记离职", "this practitioner has left already")
        audit.record(session, actor=acting.username, action="practitioner_left", entity="practitionerrecord",
                     entity_id=int(person.id), before={"left_on": None}, after={"left_on": left_on.isoformat()})

    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    return _file(engine, user, [("changes", records_csv("changes", [change]), f"leave-change-{stamp}.csv")], today,
                 extra=mark_left)


def latest_registry(session: Session, credit_code: str) -> RegistryRecord | None:
    """The agency's most recent 附件1 row, or None."""
    return session.exec(select(RegistryRecord).where(RegistryRecord.credit_code == credit_code)
                        .order_by(RegistryRecord.filed_on.desc(), RegistryRecord.id.desc())).first()


def file_registry(*, engine: Engine, user: Actor, fields: Mapping[str, str], changed_on: dt.date | None = None,
                  today: dt.date | None = None) -> list[RecordImport]:
    """File (or update) 附件1 by form; an update also files the change row naming what changed (信息变化).

    The commitment letter's day is the day its scan was last filed here, else the one on file (blank until
    either is). The same fields and letter as on file: Unchanged, nothing stored.
    """
    today = today or china_time.today()
    agency = _who(engine, user)
    with Session(engine) as session:
        before = latest_registry(session, agency.credit_code)
        scanned = latest_commitment_day(session, agency.credit_code)
    values = {key: str(fields.get(key) or "").strip() for key in REGISTRY_FIELDS}
    commitment_on = (china_time.to_china(scanned.to_pydatetime()).date() if scanned is not None
                     else before.commitment_on if before is not None else None)
    row = {**values, "credit_code": agency.credit_code, "filed_on": today, "commitment_on": commitment_on}
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    parts = [("registry", records_csv("registry", [row]), f"registry-{stamp}.csv")]
    if before is not None:
        changed = [_label("registry", key) for key in REGISTRY_FIELDS if (getattr(before, key) or "") != values[key]]
        if not changed and commitment_on == before.commitment_on:
            raise Unchanged()
        if changed:
            change = {"credit_code": agency.credit_code, "item": "基本情况变更：" + "、".join(changed),
                      "changed_on": changed_on or today, "reported_on": today}
            parts.append(("changes", records_csv("changes", [change]), f"registry-change-{stamp}.csv"))
    return _file(engine, user, parts, today)


def template(*, engine: Engine, kind: str) -> bytes:
    """The blank XLSX template of a file the portal takes, with the towns as the database holds them."""
    if kind not in FILE_KINDS:
        raise CreditBoardError(f"没有此类模板（{kind}）", f"no template of this kind ({kind})")
    return record_template_bytes(kind, "xlsx", load_towns(engine=engine))
