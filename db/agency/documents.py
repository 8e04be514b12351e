"""An agency's filed scans (附件1 form, 守法诚信承诺书): checked as their type (db.agency.scans), size-limited, stored
with their hash under a safe name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.isolation import read_isolated
from core.limits import ReadLimits
from db.accounts import audit
from db.accounts.actor import Actor, acting_user
from db.accounts.agency_access import acting_agency
from db.agency.scans import DocumentError, checked_type, safe_name
from db.store.engine import transaction
from db.store.models import Agency, AgencyDocument, aware
from db.store.settings import get_settings
from db.supervision.hazard_reports import ReportScan

DOCUMENT_KINDS = ("commitment", "registry")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a scanned page or two; docs/operations.md, "Limits"
DOCUMENT_COLUMNS = ("id", "kind", "file_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")


@dataclass(frozen=True)
class DocumentFiled:
    """What filing a scan did: the stored document's id, and whether the same scan was on file already."""

    id: int
    sha256: str
    duplicate: bool = False


def _checked_type(content: bytes, *, limits: ReadLimits) -> str:
    return checked_type(content)


def _scan_type(content: bytes) -> str:
    """The type of a filed scan, refused when empty, over MAX_DOCUMENT_BYTES or not a clean PDF/JPG/PNG."""
    if not content:
        raise DocumentError("文件为空", "the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
        raise DocumentError(f"文件过大（最多{limit} MB）", f"the file is too large (at most {limit} MB)")
    # Decoding an image or walking a PDF is reading a file from outside: in the capped child, like every upload.
    return read_isolated(_checked_type, content, limits=get_settings().read_limits)


def file_document(*, engine: Engine, user: Actor, kind: str, file_name: str, content: bytes) -> DocumentFiled:
    """Store a scan of `kind` for the signed-in agency (audited); the same bytes filed again add nothing."""
    if kind not in DOCUMENT_KINDS:
        raise DocumentError(f"未知的文件类别（{kind}）", f"unknown document kind ({kind})")
    content_type = _scan_type(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction(engine) as session:
        agency = acting_agency(session, user)
        found = session.exec(select(AgencyDocument.id).where(
            AgencyDocument.credit_code == agency.credit_code, AgencyDocument.kind == kind,
            AgencyDocument.sha256 == digest)).first()
        if found is not None:
            return DocumentFiled(int(found), digest, duplicate=True)
        row = AgencyDocument(credit_code=agency.credit_code, kind=kind, file_name=safe_name(file_name, content_type),
                             content_type=content_type, size=len(content), sha256=digest, content=content,
                             uploaded_by=agency.username)
        session.add(row)
        session.flush()
        audit.record(session, actor=agency.username, action="agency_document", entity="agency_document",
                     entity_id=int(row.id), after={"credit_code": agency.credit_code, "kind": kind,
                                                   "file_name": row.file_name, "size": row.size, "sha256": digest})
        return DocumentFiled(int(row.id), digest)


def own_documents(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """The signed-in agency's filed scans, newest first (DOCUMENT_COLUMNS; never the bytes)."""
    with Session(engine) as session:
        return _documents_of(session, acting_agency(session, user).credit_code)


def _documents_of(session: Session, credit_code: str) -> pd.DataFrame:
    rows = session.exec(select(*(getattr(AgencyDocument, c) for c in DOCUMENT_COLUMNS))
                        .where(AgencyDocument.credit_code == credit_code)
                        .order_by(AgencyDocument.uploaded_at.desc(), AgencyDocument.id.desc())).all()
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    frame["uploaded_at"] = frame["uploaded_at"].map(aware)
    # Names filed before they were made safe at filing are shown and downloaded as safe too.
    frame["file_name"] = [safe_name(n, t) for n, t in zip(frame["file_name"], frame["content_type"], strict=True)]
    return frame


# --- staff: read any agency's scans (action read_documents; staff pages only, never public) -----------------------

STAFF_ACTION = "read_documents"
FILER_COLUMNS = ("credit_code", "agency_name", "documents", "latest")


@dataclass(frozen=True)
class StoredDocument:
    """A scan's bytes for a staff download, with what names and checks it."""

    id: int
    credit_code: str
    kind: str
    file_name: str
    content_type: str
    sha256: str
    content: bytes


def agencies_with_documents(*, engine: Engine, user: Actor) -> pd.DataFrame:
    """Every agency that filed a scan (FILER_COLUMNS: its name as the agency list holds it, the number of scans, the
    newest one's time), newest first. Staff with read_documents only."""
    with Session(engine) as session:
        acting_user(session, user, STAFF_ACTION)
        rows = session.exec(
            select(AgencyDocument.credit_code, Agency.name, func.count(AgencyDocument.id),
                   func.max(AgencyDocument.uploaded_at))
            .join(Agency, Agency.credit_code == AgencyDocument.credit_code, isouter=True)
            .group_by(AgencyDocument.credit_code, Agency.name)
            .order_by(func.max(AgencyDocument.uploaded_at).desc(), AgencyDocument.credit_code)).all()
    frame = pd.DataFrame(rows, columns=list(FILER_COLUMNS))
    frame["agency_name"] = frame["agency_name"].fillna("")
    frame["latest"] = frame["latest"].map(aware)
    return frame


def agency_documents(*, engine: Engine, user: Actor, credit_code: str) -> pd.DataFrame:
    """One agency's filed scans for staff, newest first (DOCUMENT_COLUMNS; never the bytes)."""
    with Session(engine) as session:
        acting_user(session, user, STAFF_ACTION)
        return _documents_of(session, credit_code)


def document_content(*, engine: Engine, user: Actor, document_id: int) -> StoredDocument:
    """A scan's bytes for a staff download, checked against its stored SHA-256 (a changed file is refused, not
    handed out). Staff with read_documents only."""
    with Session(engine) as session:
        acting_user(session, user, STAFF_ACTION)
        row = session.get(AgencyDocument, int(document_id))
    if row is None:
        raise DocumentError("没有这份扫描件", "no such scan")
    if hashlib.sha256(row.content).hexdigest() != row.sha256:
        raise DocumentError("扫描件与保存时的SHA-256不符，请联系管理员", "the scan no longer matches its stored "
                            "SHA-256: tell an administrator")
    return StoredDocument(id=int(row.id), credit_code=row.credit_code, kind=row.kind,
                          file_name=safe_name(row.file_name, row.content_type),
                          content_type=row.content_type, sha256=row.sha256, content=bytes(row.content))


def latest_commitment_day(session: Session, credit_code: str) -> pd.Timestamp | None:
    """When the agency last filed a commitment letter scan (UTC time), or None."""
    when = session.exec(select(AgencyDocument.uploaded_at).where(
        AgencyDocument.credit_code == credit_code, AgencyDocument.kind == "commitment")
        .order_by(AgencyDocument.uploaded_at.desc())).first()
    return None if when is None else pd.Timestamp(aware(when))


def checked_report_scan(*, file_name: str, content: bytes) -> ReportScan:
    """The optional scan of a hazard-refusal report (portal or paper), under the rules of every filed scan: not
    empty, at most MAX_DOCUMENT_BYTES, a PDF/JPG/PNG by its bytes checked in the capped reader, a safe name."""
    content_type = _scan_type(content)
    return ReportScan(file_name=safe_name(file_name, content_type), content_type=content_type, content=content)
