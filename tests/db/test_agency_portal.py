"""The agency portal's services: accounts bound to one agency, own records only, filings checked like files."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from core.errors import CreditBoardError, InputError
from db.accounts.actor import Actor
from db.accounts.agency_access import acting_agency
from db.accounts.roles import PERMISSIONS, AccessDenied, may
from db.accounts.users import UserError, create_user, deactivate
from db.agency import documents, filings, overview
from db.store.engine import transaction
from db.store.models import (
    AgencyDocument,
    AuditEntry,
    ChangeRecord,
    Finding,
    PractitionerRecord,
    RegistryRecord,
    ReportRecord,
    Suggestion,
    Upload,
    VisitRecord,
)
from tests.builders import (  # noqa: F401  (fixture)
    MINE,
    PASSWORD,
    THEIRS,
    credit_code,
    fast_argon2,
    id_number,
    make_agencies,
    make_agency_user,
    make_staff,
)
from tests.scan_files import pdf

pytestmark = pytest.mark.usefixtures("fast_argon2")
TODAY = dt.date(2026, 4, 10)
PDF = pdf()
VISIT = {"client_code": credit_code(501), "client_name": "甲化工有限公司", "town": "华士", "contract_no": "HT-1",
         "visit_date": "2026-03-12", "practitioner": "张三", "hazards": "2", "written_advice": "是"}


@pytest.fixture
def people(engine):
    """Staff accounts, two agencies and one agency account for each."""
    make_agencies(engine)
    staff = make_staff(engine)
    return {**staff, "mine": make_agency_user(engine, "jia", MINE), "theirs": make_agency_user(engine, "yi", THEIRS)}


def _count(engine, model, **where) -> int:
    with Session(engine) as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return len(session.exec(query).all())


# --- accounts ---------------------------------------------------------------------------------------------------


def test_an_agency_account_is_bound_to_one_known_agency_and_no_town(engine, people):
    assert people["mine"].credit_code == MINE and people["mine"].town is None
    stranger = credit_code(99)
    for code, zh, en in (  # missing, malformed, a valid code of no known agency
            (None, "须绑定有效的统一社会信用代码（）：不能为空", "needs a valid credit code (): must not be empty"),
            ("", "须绑定有效的统一社会信用代码（）：不能为空", "needs a valid credit code (): must not be empty"),
            ("not-a-code", "统一社会信用代码应为18位（此处8位）", "a USCC has 18 characters (this has 8)"),
            (stranger, f"未知机构（{stranger}）：须先有该机构的记录", f"unknown agency ({stranger}): it must be on record")):
        with pytest.raises(UserError) as refused:
            create_user(engine=engine, username="x", password=PASSWORD, role="agency", by=Actor.operator("test"),
                        credit_code=code)
        assert zh in refused.value.message_zh and en in refused.value.message_en
    with pytest.raises(UserError):
        create_user(engine=engine, username="x", password=PASSWORD, role="agency", town="璜土镇",
                    by=Actor.operator("test"),
                    credit_code=MINE)
    for role, town in (("bureau_admin", None), ("bureau_staff", None), ("town_staff", "璜土镇")):
        with pytest.raises(UserError, match="credit code"):
            create_user(engine=engine, username="x", password=PASSWORD, role=role, town=town, by=Actor.operator("test"),
                        credit_code=MINE)


def test_only_a_bureau_admin_creates_an_agency_account_and_it_is_audited(engine, people):
    with pytest.raises(AccessDenied):
        create_user(engine=engine, username="x", password=PASSWORD, role="agency", by=people["staff"],
                    credit_code=MINE)
    with pytest.raises(AccessDenied):
        create_user(engine=engine, username="x", password=PASSWORD, role="agency", by=people["mine"],
                    credit_code=MINE)
    create_user(engine=engine, username="jia2", password=PASSWORD, role="agency", by=people["admin"], credit_code=MINE)
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user_create",
                                                      AuditEntry.entity_id == "jia2")).one()
    assert entry.actor == "admin" and json.loads(entry.after)["credit_code"] == MINE


def test_an_agency_account_holds_no_staff_action_and_staff_hold_no_portal(people):
    for action in PERMISSIONS:
        assert may(people["mine"], action) == (action == "agency_portal")
    for who in ("admin", "staff", "town"):
        assert not may(people[who], "agency_portal")


@pytest.mark.parametrize("who", ["admin", "staff", "town"])
def test_staff_cannot_use_a_portal_service(engine, people, who):
    with pytest.raises(AccessDenied):
        overview.own_findings(engine=engine, user=people[who])
    with pytest.raises(AccessDenied):
        documents.file_document(engine=engine, user=people[who], kind="commitment", file_name="a.pdf", content=PDF)


def test_the_agency_comes_from_the_database_account_not_from_what_the_page_passes(engine, people):
    forged = replace(people["mine"], credit_code=THEIRS)
    with Session(engine) as session:
        assert acting_agency(session, forged).credit_code == MINE
    forged_role = replace(people["staff"], role="agency", credit_code=MINE)
    with Session(engine) as session, pytest.raises(AccessDenied):
        acting_agency(session, forged_role)
    deactivate(engine=engine, username="jia", by=Actor.operator("test"))
    with Session(engine) as session, pytest.raises(AccessDenied):
        acting_agency(session, people["mine"])


# --- scans ------------------------------------------------------------------------------------------------------


def test_a_scan_is_typed_by_its_bytes_size_limited_stored_with_its_hash_once(engine, people, monkeypatch):
    first = documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="../承诺书.pdf",
                                    content=PDF)
    again = documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="copy.pdf",
                                     content=PDF)
    assert not first.duplicate and again.duplicate and again.id == first.id
    with Session(engine) as session:
        row = session.exec(select(AgencyDocument)).one()
    assert (row.credit_code, row.file_name, row.content_type, row.content) == (MINE, "承诺书.pdf", "application/pdf", PDF)
    assert row.size == len(PDF) and len(row.sha256) == 64
    for content in (b"", b"MZ\x90\x00 an exe named scan.pdf", b"<html>%PDF-"):
        with pytest.raises(documents.DocumentError):
            documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="scan.pdf",
                                    content=content)
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(documents.DocumentError, match="too large"):
        documents.file_document(engine=engine, user=people["mine"], kind="registry", file_name="big.png",
                                content=b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    listed = documents.own_documents(engine=engine, user=people["mine"])
    assert listed["file_name"].tolist() == ["承诺书.pdf"] and "content" not in listed
    assert documents.own_documents(engine=engine, user=people["theirs"]).empty
    assert _count(engine, AuditEntry, action="agency_document") == 1


# --- monthly reports ---------------------------------------------------------------------------------------------


def test_a_month_without_visits_is_a_report_row_dated_the_day_it_is_filed(engine, people):
    done = filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 3, 1), today=TODAY)
    assert done.kind == "reports" and done.added == 1
    with Session(engine) as session:
        row = session.exec(select(ReportRecord)).one()
        upload = session.get(Upload, done.upload_id)
    assert (row.credit_code, row.month, row.submitted_on) == (MINE, dt.date(2026, 3, 1), TODAY)
    assert upload.uploaded_by == "jia"
    again = filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 3, 1), today=TODAY)
    assert again.duplicate and _count(engine, ReportRecord) == 1


def test_a_late_report_is_accepted_and_marked_late_never_refused(engine, people):
    filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 2, 1), visits=[{
        **VISIT, "visit_date": "2026-02-12"}], today=TODAY)  # February's was due on 5 March
    filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 3, 1), visits=[VISIT],
                       today=dt.date(2026, 4, 3))
    record = overview.report_record(engine=engine, user=people["mine"], year=2026, as_of=TODAY).set_index("month")
    assert record.loc["2026-02-01", "status"] == "late" and record.loc["2026-03-01", "status"] == "on_time"
    assert record.loc["2026-02-01", "due"] == dt.datetime(2026, 3, 5)
    assert record.loc["2026-01-01", "status"] == "not_required"  # before its first visit, as the watch counts
    assert record.loc["2026-04-01", "status"] == "open"
    # April's is due on 6 May: 5 May 2026 is the last day of the Labour Day holiday (a rest day moves the due day).
    on_the_6th = overview.report_record(engine=engine, user=people["mine"], year=2026, as_of=dt.date(2026, 5, 6))
    assert on_the_6th.set_index("month").loc["2026-04-01", ["due", "status"]].tolist() == [dt.datetime(2026, 5, 6),
                                                                                             "open"]
    later = overview.report_record(engine=engine, user=people["mine"], year=2026, as_of=dt.date(2026, 5, 7))
    assert later.set_index("month").loc["2026-04-01", "status"] == "missing"
    # The other agency files nothing and sees nothing of these.
    assert set(overview.report_record(engine=engine, user=people["theirs"], year=2026, as_of=TODAY)["status"]) == {
        "not_required"}


def test_a_form_and_a_file_are_refused_alike_by_row_and_column(engine, people):
    bad_visit = {**VISIT, "visit_date": "2026-02-30", "hazards": "many"}
    with pytest.raises(InputError) as by_form:
        filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 3, 1), visits=[bad_visit],
                           today=TODAY)
    rows = [{**bad_visit, "credit_code": MINE, "month": "2026-03", "submitted_on": TODAY.isoformat()}]
    from db.agency.forms import records_csv

    with pytest.raises(InputError) as by_file:
        filings.file_records(engine=engine, user=people["mine"], kind="visits", content=records_csv("visits", rows),
                             file_name="附件2.csv", today=TODAY)
    assert [(p.row, p.column, p.message_en) for p in by_form.value.problems] == [
        (p.row, p.column, p.message_en) for p in by_file.value.problems]
    assert {p.column for p in by_form.value.problems} == {"服务日期", "发现隐患数"}
    assert _count(engine, VisitRecord) == 0 and _count(engine, Upload) == 0


def test_a_file_with_another_agencys_rows_or_a_backdated_submission_is_refused_by_row(engine, people):
    from db.agency.forms import records_csv

    rows = [{**VISIT, "credit_code": MINE, "month": "2026-03", "submitted_on": TODAY.isoformat()},
            {**VISIT, "credit_code": THEIRS, "month": "2026-03", "submitted_on": TODAY.isoformat()},
            {**VISIT, "credit_code": MINE, "month": "2026-03", "submitted_on": "2026-04-01"}]
    with pytest.raises(InputError) as refused:
        filings.file_records(engine=engine, user=people["mine"], kind="visits", content=records_csv("visits", rows),
                             file_name="附件2.csv", today=TODAY)
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "统一社会信用代码"), (4, "报送日期")]
    assert _count(engine, VisitRecord) == 0
    with pytest.raises(CreditBoardError):  # 附件1 and practitioners go through their forms
        filings.file_records(engine=engine, user=people["mine"], kind="practitioners", content=b"x", file_name="a.csv")


def test_a_contracts_file_is_filed_and_listed_only_for_its_agency(engine, people):
    from db.agency.forms import records_csv

    contract = {"credit_code": MINE, "client_code": credit_code(501), "client_name": "甲化工有限公司", "town": "华士",
                "contract_no": "HT-1", "signed_on": "2025-12-20", "start": "2026-01-01", "end": "2026-12-31",
                "visits_per_year": "12"}
    done = filings.file_records(engine=engine, user=people["mine"], kind="contracts",
                                content=records_csv("contracts", [contract]), file_name="合同.csv", today=TODAY)
    assert done.added == 1
    assert overview.own_contracts(engine=engine, user=people["mine"])["contract_no"].tolist() == ["HT-1"]
    assert overview.own_contracts(engine=engine, user=people["theirs"]).empty
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "upload")).one()
    assert entry.actor == "jia" and json.loads(entry.after)["credit_code"] == MINE


# --- practitioners and 附件1 ---------------------------------------------------------------------------------------


def test_joining_and_leaving_each_file_a_dated_change_in_the_same_transaction(engine, people):
    number = id_number(7)
    filings.join_practitioner(engine=engine, user=people["mine"], name="张三", id_number=number, specialty="化工",
                              certificate="Z-1", joined_on=dt.date(2026, 4, 1), today=TODAY)
    listed = overview.own_practitioners(engine=engine, user=people["mine"])
    assert listed["id_number"].tolist() == ["****" + number[-4:]]
    assert overview.own_practitioners(engine=engine, user=people["theirs"]).empty
    with pytest.raises(InputError):  # a bad ID number: neither the person nor the change is stored
        filings.join_practitioner(engine=engine, user=people["mine"], name="李四", id_number=number[:-1] + "X",
                                  specialty="电气", certificate="", joined_on=dt.date(2026, 4, 2), today=TODAY)
    assert _count(engine, PractitionerRecord) == 1 and _count(engine, ChangeRecord) == 1
    person = int(listed["id"].iat[0])
    with pytest.raises(CreditBoardError):  # another agency cannot end this person's employment
        filings.leave_practitioner(engine=engine, user=people["theirs"], practitioner_id=person,
                                   left_on=dt.date(2026, 4, 5), today=TODAY)
    with pytest.raises(CreditBoardError):  # before joining
        filings.leave_practitioner(engine=engine, user=people["mine"], practitioner_id=person,
                                   left_on=dt.date(2026, 3, 5), today=TODAY)
    filings.leave_practitioner(engine=engine, user=people["mine"], practitioner_id=person,
                               left_on=dt.date(2026, 4, 8), today=TODAY)
    with Session(engine) as session:
        left = session.get(PractitionerRecord, person)
        changes = session.exec(select(ChangeRecord).order_by(ChangeRecord.id)).all()
        audit_actions = session.exec(select(AuditEntry.action).where(AuditEntry.actor == "jia")).all()
    assert left.left_on == dt.date(2026, 4, 8)
    assert [(c.item, c.practitioner, c.changed_on, c.reported_on) for c in changes] == [
        ("执业人员入职", "张三", dt.date(2026, 4, 1), TODAY), ("执业人员离职", "张三", dt.date(2026, 4, 8), TODAY)]
    assert "practitioner_left" in audit_actions
    with pytest.raises(CreditBoardError):  # leaving twice
        filings.leave_practitioner(engine=engine, user=people["mine"], practitioner_id=person,
                                   left_on=dt.date(2026, 4, 9), today=TODAY)


def test_registry_filing_and_update_with_the_commitment_day_from_the_scan(engine, people):
    fields = {"agency_name": "甲安全技术服务有限公司", "address": "江阴市澄江街道1号", "office_address": "澄江",
              "legal_rep": "李四", "phone": "0510-86000000"}
    filings.file_registry(engine=engine, user=people["mine"], fields=fields, today=TODAY)
    with pytest.raises(CreditBoardError):  # nothing changed
        filings.file_registry(engine=engine, user=people["mine"], fields=fields, today=TODAY)
    documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="c.pdf", content=PDF)
    filings.file_registry(engine=engine, user=people["mine"], fields={**fields, "office_address": "华士"},
                          changed_on=dt.date(2026, 4, 9), today=TODAY)
    shown = overview.own_registry(engine=engine, user=people["mine"])
    assert shown["registry"]["office_address"] == "华士" and shown["registry"]["commitment_on"] is not None
    with Session(engine) as session:
        change = session.exec(select(ChangeRecord)).one()
    assert change.item == "基本情况变更：本市办公地址" and change.changed_on == dt.date(2026, 4, 9)
    assert _count(engine, RegistryRecord) == 2
    with pytest.raises(InputError):  # the reader's rules: the office address is required
        filings.file_registry(engine=engine, user=people["theirs"], fields={**fields, "office_address": ""},
                              today=TODAY)
    assert overview.own_registry(engine=engine, user=people["theirs"])["registry"] == {}


def test_an_unchanged_registry_filed_again_stores_nothing_and_says_so(engine, people):
    """附件1 on file from a staff upload, with its commitment letter's day and no scan in the portal: the same fields
    filed again are Unchanged — no second row, no change row, the letter's day kept."""
    from db.agency.forms import records_csv
    from db.records.imports import import_records

    fields = {"agency_name": "甲安全技术服务有限公司", "address": "", "office_address": "澄江", "legal_rep": "李四",
              "phone": ""}
    row = {**fields, "credit_code": MINE, "filed_on": "2026-01-05", "commitment_on": "2026-01-06"}
    import_records(engine=engine, kind="registry", content=records_csv("registry", [row]), file_name="附件1.csv",
                   by=Actor.operator("clerk"))
    with pytest.raises(filings.Unchanged) as refused:
        filings.file_registry(engine=engine, user=people["mine"], fields=fields, today=TODAY)
    assert "未保存" in refused.value.message_zh and "nothing changed" in refused.value.message_en
    assert _count(engine, RegistryRecord) == 1 and _count(engine, ChangeRecord) == 0
    filings.file_registry(engine=engine, user=people["mine"], fields={**fields, "legal_rep": "王五"}, today=TODAY)
    shown = overview.own_registry(engine=engine, user=people["mine"])["registry"]
    assert shown["legal_rep"] == "王五" and shown["commitment_on"] == dt.date(2026, 1, 6)  # the letter stays on file


def test_a_one_person_form_names_the_field_not_a_row(engine, people):
    with pytest.raises(InputError) as refused:
        filings.join_practitioner(engine=engine, user=people["mine"], name="王五", id_number="12345",
                                  specialty="化工", certificate="", joined_on=dt.date(2026, 4, 1), today=TODAY)
    problems = refused.value.problems
    assert problems and all(p.row is None for p in problems)
    assert "身份证号" in [p.column for p in problems]
    assert "第2行" not in refused.value.message_zh and "row 2" not in refused.value.message_en
    with pytest.raises(InputError) as table:  # a month's visits are a table: its problems keep their rows
        filings.file_month(engine=engine, user=people["mine"], month=dt.date(2026, 3, 1), today=TODAY,
                           visits=[{**VISIT, "visit_date": "2026-13-40"}])
    assert [p.row for p in table.value.problems] == [2]


# --- what the agency sees of itself ---------------------------------------------------------------------------------


def test_own_findings_draft_rating_and_confirmed_suggestions_only(engine, people):
    from db.findings.recording import record_finding

    record_finding(engine=engine, user=people["admin"], credit_code=MINE, agency_name=None, clause="2.1",
                   assessor="bureau", date=dt.date(2026, 3, 5), description="报告代签（说明）")
    record_finding(engine=engine, user=people["admin"], credit_code=THEIRS, agency_name=None, clause="2.3",
                   assessor="bureau", date=dt.date(2026, 3, 6), description="他人的说明")
    with transaction(engine) as session:
        finding = session.exec(select(Finding).where(Finding.description == "报告代签（说明）")).one()
        for key, status, code in (("k1", "confirmed", MINE), ("k2", "dismissed", MINE), ("k3", "confirmed", THEIRS)):
            session.add(Suggestion(key=key, year=2026, credit_code=code, agency_name="", clause="2.1",
                                   date=dt.date(2026, 3, 5), assessor="bureau", rule="late_report",
                                   evidence=f"证据{key}", status=status, decided_by="admin",
                                   finding_id=finding.id if status == "confirmed" else None))
    found = overview.own_findings(engine=engine, user=people["mine"])
    assert found["description"].tolist() == ["报告代签（说明）"]
    assert overview.confirmed_suggestions(engine=engine, user=people["mine"])["evidence"].tolist() == ["证据k1"]
    draft = overview.draft_rating(engine=engine, user=people["mine"], year=2026)
    assert draft.total == 90 and draft.grade and draft.scores
    assert overview.draft_rating(engine=engine, user=people["mine"], year=2020).total is None


def test_bureau_staff_list_and_download_an_agency_s_scans_checked_by_their_hash(engine, people):
    import hashlib

    from sqlalchemy import update

    first = documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="承诺书.pdf",
                                    content=PDF)
    documents.file_document(engine=engine, user=people["mine"], kind="registry", file_name="附件1.pdf",
                            content=PDF + b"%page 2\n")
    for who in ("admin", "staff"):
        filers = documents.agencies_with_documents(engine=engine, user=people[who])
        assert filers[["credit_code", "documents"]].values.tolist() == [[MINE, 2]]
        scans = documents.agency_documents(engine=engine, user=people[who], credit_code=MINE)
        assert sorted(scans["kind"]) == ["commitment", "registry"] and "content" not in scans
        got = documents.document_content(engine=engine, user=people[who], document_id=first.id)
        assert (got.content, got.file_name, got.content_type) == (PDF, "承诺书.pdf", "application/pdf")
        assert hashlib.sha256(got.content).hexdigest() == got.sha256 == first.sha256
    assert documents.agency_documents(engine=engine, user=people["admin"], credit_code=THEIRS).empty
    for who in ("town", "mine", "theirs"):  # town staff and agencies: no staff right to read scans
        with pytest.raises(AccessDenied):
            documents.agencies_with_documents(engine=engine, user=people[who])
        with pytest.raises(AccessDenied):
            documents.document_content(engine=engine, user=people[who], document_id=first.id)
    with transaction(engine) as session:  # bytes changed behind the application's back: refused, not handed out
        session.execute(update(AgencyDocument).where(AgencyDocument.id == first.id).values(content=b"%PDF-forged"))
    with pytest.raises(documents.DocumentError):
        documents.document_content(engine=engine, user=people["staff"], document_id=first.id)


def test_a_scan_named_to_mislead_is_stored_and_handed_to_staff_under_a_safe_name(engine, people):
    """U+202E turns "承诺书\u202egnp.exe" into what reads as "承诺书exe.png"; the bytes decide the extension."""
    from sqlalchemy import update

    from tests.scan_files import image

    png = image("PNG")
    filed = documents.file_document(engine=engine, user=people["mine"], kind="registry",
                                    file_name="承诺书\u202egnp.exe", content=png)
    with Session(engine) as session:
        assert session.get(AgencyDocument, filed.id).file_name == "承诺书gnp_exe.png"
    got = documents.document_content(engine=engine, user=people["staff"], document_id=filed.id)
    assert (got.file_name, got.content_type) == ("承诺书gnp_exe.png", "image/png")
    with transaction(engine) as session:  # a name stored before names were made safe is safe when it leaves
        session.execute(update(AgencyDocument).where(AgencyDocument.id == filed.id)
                        .values(file_name="old\u202egnp.exe\x1b"))
    assert documents.document_content(engine=engine, user=people["staff"], document_id=filed.id).file_name == \
        "oldgnp_exe.png"
    listed = documents.agency_documents(engine=engine, user=people["staff"], credit_code=MINE)
    assert listed["file_name"].tolist() == ["oldgnp_exe.png"]


def test_a_polyglot_or_a_scripted_pdf_is_refused_and_nothing_is_stored(engine, people):
    for content in (pdf(header=b"%<html><script>alert(1)</script>\n"), pdf(b"/OpenAction << /S /JavaScript /JS (x) >>"),
                    b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"):
        with pytest.raises(documents.DocumentError):
            documents.file_document(engine=engine, user=people["mine"], kind="commitment", file_name="scan.pdf",
                                    content=content)
    assert documents.own_documents(engine=engine, user=people["mine"]).empty
    assert _count(engine, AuditEntry, action="agency_document") == 0
