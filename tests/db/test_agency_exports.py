"""The personal-data scan of exports, extended to the agency portal's tables: nothing an agency filed, and none of
the watch's evidence, reaches an export of any format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy import select
from sqlmodel import Session

from db.accounts.actor import Actor
from db.agency import documents, filings
from db.demo.seed import seed_demo
from db.documents import export
from db.store.engine import transaction
from db.store.models import Agency, AgencyDocument, PractitionerRecord, Publication, Suggestion
from tests.builders import (
    fast_argon2,  # noqa: F401  (fixture)
    id_number,
    make_agency_user,
)
from tests.notices import publish_after_notice
from tests.scan_files import pdf

pytestmark = pytest.mark.usefixtures("fast_argon2")
# Every format the export module writes (a later module may add formats: they are scanned too).
FORMATS = tuple(getattr(export, "WRITERS", None) or ("csv", "xlsx", "json"))


def all_text(content: bytes) -> str:
    """Everything a file holds as text (an XLSX is a zip of XML parts)."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return content.decode("utf-8-sig", "replace")


def test_no_export_holds_what_an_agency_filed_or_the_watch_s_evidence(engine):
    seed_demo(engine=engine)
    with Session(engine) as session:
        code = session.execute(select(Agency.credit_code).order_by(Agency.id)).scalars().first()
    agency = make_agency_user(engine, "portal.jia", code)
    documents.file_document(engine=engine, user=agency, kind="commitment", file_name="承诺书-机密扫描件.pdf",
                            content=pdf(header=b"%scan\n"))
    filings.file_registry(engine=engine, user=agency, fields={
        "agency_name": "机构报送名称", "address": "江阴市某路1号", "office_address": "澄江某路2号",
        "legal_rep": "司马法代", "phone": "13912345678"})
    filings.join_practitioner(engine=engine, user=agency, name="上官入职", id_number=id_number(77), specialty="化工",
                              certificate="ZS-SECRET-1", joined_on=dt.date(2024, 3, 1))
    with transaction(engine) as session:
        session.add(Suggestion(key="portal-secret", year=2024, credit_code=code, agency_name="", clause="2.1",
                               date=dt.date(2024, 3, 5), assessor="bureau", rule="late_report",
                               evidence="服务记录（附件2）第77行：机密依据", status="confirmed", decided_by="staff.wu"))
    publish_after_notice(engine=engine, year=2024, by=Actor.operator("admin.zhou"), reason="机构报送后重新发布")
    with Session(engine) as session:
        scan = session.execute(select(AgencyDocument.file_name, AgencyDocument.sha256)).one()
        person = session.execute(select(PractitionerRecord.id_hash).where(PractitionerRecord.name == "上官入职")
                                 ).scalars().one()  # the demo files practitioners too
        versions = session.execute(select(Publication.year, Publication.version)).all()
    secrets = {*scan, person, id_number(77), "13912345678", "司马法代", "上官入职", "ZS-SECRET-1", "portal.jia",
               "服务记录（附件2）第77行：机密依据", "staff.wu", "机构报送名称"}
    assert len(versions) >= 5 and len(FORMATS) >= 3
    for year, version in versions:
        for fmt in FORMATS:
            text = all_text(export.export_publication(engine=engine, year=year, version=version, fmt=fmt))
            leaked = sorted(s for s in secrets if s in text)
            assert leaked == [], f"{year} v{version} {fmt}: {leaked[:3]}"
