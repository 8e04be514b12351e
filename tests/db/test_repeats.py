"""A file with new bytes but findings already stored (re-saved XLSX, re-encoded CSV) is named, not silently doubled."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from db.cli.commands import main
from db.findings.recording import record_finding
from db.findings.withdraw import withdraw_finding
from db.store.models import AuditEntry, Finding, Upload
from db.uploads import workspace
from db.uploads.repeats import RepeatedFindings
from tests.builders import finding_rows, findings_csv, make_staff, table, xlsx_bytes
from tests.db.conftest import url_of

pytestmark = pytest.mark.usefixtures("fast_argon2")

ROWS = finding_rows(6)


def _xlsx(rows) -> bytes:
    """The same findings saved again from Excel: Chinese headers, real dates, other bytes."""
    return xlsx_bytes(table([{**row, "date": dt.date.fromisoformat(row["date"])} for row in rows]))


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def staff(engine):
    users = make_staff(engine)
    workspace.import_upload(engine=engine, user=users["staff"], content=findings_csv(ROWS), file_name="first.csv")
    return users


def test_a_resaved_xlsx_of_stored_findings_is_reported_row_by_row_with_the_earlier_file(engine, staff):
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=_xlsx(ROWS), file_name="again.xlsx")
    assert check.ok and not check.duplicate
    assert check.repeats["row"].tolist() == [2, 3, 4, 5, 6, 7]
    first = check.repeats.iloc[0]
    assert (first["credit_code"], first["clause"], first["date"], first["file_name"]) == (
        ROWS[0]["credit_code"], ROWS[0]["clause"], ROWS[0]["date"], "first.csv")


def test_only_the_findings_that_match_on_every_key_are_reported(engine, staff):
    rows = [dict(r) for r in ROWS[:4]]
    rows[1]["document_no"] = "澄安监〔2025〕999号"    # another document: another act
    rows[2]["practitioner"] = "李四"                  # another practitioner
    rows[3]["description"] = "重新措辞的情况说明"      # only the free text differs: still the same finding
    content = findings_csv(rows).decode().encode("gb18030")  # and re-encoded
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=content, file_name="gbk.csv")
    assert check.repeats["row"].tolist() == [2, 5]


def test_the_very_same_file_is_a_duplicate_not_a_repeat(engine, staff):
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=findings_csv(ROWS),
                                   file_name="first.csv")
    assert check.duplicate and check.repeats.empty


def test_a_finding_recorded_by_hand_is_found_too_and_named_as_such(engine, staff):
    date = dt.date(2025, 5, 12)
    record_finding(engine=engine, user=staff["town"], credit_code=ROWS[0]["credit_code"], clause="3.3", date=date,
                   document_no="澄安监〔2025〕77号")
    row = {**ROWS[0], "clause": "3.3", "assessor": "璜土镇", "period": "Q2", "date": date.isoformat(),
           "practitioner": "", "document_no": "澄安监〔2025〕77号"}
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=findings_csv([row]),
                                   file_name="town.csv")
    [match] = check.repeats.to_dict("records")
    assert (match["row"], match["file_name"], match["recorded_by"]) == (2, "", "town")
    assert match["upload_id"] is None or str(match["upload_id"]) == "<NA>"


def test_a_withdrawn_finding_does_not_make_a_new_one_a_repeat(engine, staff):
    with Session(engine) as s:
        first = s.exec(select(Finding).order_by(Finding.id)).first()
    withdraw_finding(engine=engine, user=staff["staff"], finding_id=first.id, reason="异议成立")
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=_xlsx(ROWS), file_name="again.xlsx")
    assert check.repeats["row"].tolist() == [3, 4, 5, 6, 7]  # row 2 is the withdrawn one, recorded anew
    result = workspace.import_upload(engine=engine, user=staff["staff"], content=_xlsx(ROWS[:1]),
                                     file_name="row2.xlsx")
    assert result.added == 1  # no yes needed: nothing stored and still rated matches it


def test_importing_repeats_needs_an_explicit_yes_and_otherwise_writes_nothing(engine, staff):
    before = (_count(engine, Finding), _count(engine, Upload))
    with pytest.raises(RepeatedFindings) as refused:
        workspace.import_upload(engine=engine, user=staff["staff"], content=_xlsx(ROWS), file_name="again.xlsx")
    assert [p.row for p in refused.value.problems] == [2, 3, 4, 5, 6, 7]
    assert (_count(engine, Finding), _count(engine, Upload)) == before
    result = workspace.import_upload(engine=engine, user=staff["staff"], content=_xlsx(ROWS), file_name="again.xlsx",
                                     allow_repeats=True)
    assert result.added == 6 and _count(engine, Finding) == 12
    with Session(engine) as s:  # the audit keeps that they were imported knowingly
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "upload").order_by(AuditEntry.id.desc())).first()
    assert '"repeats_allowed": 6' in entry.after


def test_the_command_names_the_repeats_exits_2_and_imports_them_only_with_allow_repeats(
        engine, staff, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    path = tmp_path / "again.xlsx"
    path.write_bytes(_xlsx(ROWS))
    assert main(["import", str(path), "--by", "t"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "6 findings in this file are identical" in err and "此文件有6条扣分记录与已存记录或本文件前面的行完全相同" in err
    assert "row 2:" in err and "first.csv" in err and "--allow-repeats" in err
    assert _count(engine, Finding) == 6
    assert main(["import", str(path), "--by", "t", "--allow-repeats"]) == 0
    assert _count(engine, Finding) == 12


def test_a_row_pasted_twice_in_one_file_is_named_with_the_row_it_repeats(engine):
    users = make_staff(engine)
    rows = [ROWS[0], ROWS[1], dict(ROWS[0]), {**ROWS[0], "description": "同一行，说明改了措辞"}]
    check = workspace.check_upload(engine=engine, user=users["staff"], content=findings_csv(rows), file_name="x.csv")
    assert check.repeats["row"].tolist() == [4, 5]
    assert check.repeats["same_as_row"].tolist() == [2, 2]
    with pytest.raises(RepeatedFindings) as refused:
        workspace.import_upload(engine=engine, user=users["staff"], content=findings_csv(rows), file_name="x.csv")
    assert [p.row for p in refused.value.problems] == [4, 5] and "row 2 of this file" in str(refused.value)
    assert _count(engine, Finding) == 0
    result = workspace.import_upload(engine=engine, user=users["staff"], content=findings_csv(rows),
                                     file_name="x.csv", allow_repeats=True)
    assert result.added == 4


def test_a_row_that_repeats_a_stored_finding_and_an_earlier_row_is_named_by_the_stored_one(engine, staff):
    rows = [ROWS[0], dict(ROWS[0])]
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=findings_csv(rows), file_name="y.csv")
    assert check.repeats["row"].tolist() == [2, 3]
    assert check.repeats["file_name"].tolist() == ["first.csv", "first.csv"]
    assert check.repeats["same_as_row"].isna().all()
