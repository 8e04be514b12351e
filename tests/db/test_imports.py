"""Imports: a file goes in whole in one transaction, or not at all; the same file twice adds nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from core.errors import InputError
from db.accounts.actor import Actor
from db.app_db import prepare
from db.cli.commands import main
from db.store.models import Agency, AuditEntry, Finding, RosterEntry, Upload
from db.store.settings import PROJECT_DIR
from db.uploads import imports
from db.uploads.imports import import_findings, import_roster
from tests.builders import agency_name, credit_code, finding_rows, findings_csv, roster_csv
from tests.db.conftest import naive_utc, url_of


def row_counts(engine) -> dict[str, int]:
    """Rows in every table of the models."""
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()}


def test_import_writes_the_upload_agencies_findings_and_one_audit_entry(engine):
    content = findings_csv(20, agencies=4)
    result = import_findings(engine=engine, content=content, file_name="2025年度扣分.csv", by=Actor.operator("王科长"))

    assert (result.added, result.duplicate, result.agencies_added) == (20, False, 4)
    counts = row_counts(engine)
    assert (counts["upload"], counts["agency"], counts["finding"], counts["auditentry"]) == (1, 4, 20, 1)
    with engine.connect() as conn:
        upload = conn.execute(select(Upload)).one()
        assert (upload.file_name, upload.sha256, upload.uploaded_by, upload.row_count, upload.kind) == (
            "2025年度扣分.csv", hashlib.sha256(content).hexdigest(), "王科长", 20, "findings")
        first = conn.execute(select(Finding, Agency.credit_code, Agency.name).join(Agency)
                             .where(Finding.source_row == 2)).one()
        audit = conn.execute(select(AuditEntry)).one()
    expected = finding_rows(1, agencies=4)[0]
    assert (first.credit_code, first.name) == (expected["credit_code"], expected["agency_name"])
    assert (first.year, first.clause, first.assessor, first.period) == (2025, "2.1", "澄江街道", "Q1")
    assert first.date == dt.date(2025, 2, 1)
    assert (first.practitioner, first.description, first.document_no) == ("张0", "第0条检查记录", "澄安监〔2025〕0号")
    assert (first.upload_id, first.recorded_by) == (result.upload_id, "王科长")
    # Written through the driver, read back through the model: still a real timestamp (UTC; SQLite keeps no zone).
    assert abs(naive_utc(first.recorded_at) - naive_utc(dt.datetime.now(dt.UTC))) < dt.timedelta(minutes=5)
    assert (audit.actor, audit.action, audit.entity_id) == ("王科长", "upload", str(result.upload_id))
    assert '"added": 20' in audit.after


def test_a_bureau_finding_is_charged_to_the_year_period(engine):
    import_findings(engine=engine, content=findings_csv(7), file_name="f.csv", by=Actor.operator("t"))
    with engine.connect() as conn:
        assessor, period = conn.execute(select(Finding.assessor, Finding.period).where(Finding.source_row == 8)).one()
    assert (assessor, period) == ("bureau", "Y")


def test_the_same_file_twice_adds_nothing(engine):
    content = findings_csv(30)
    first = import_findings(engine=engine, content=content, file_name="a.csv", by=Actor.operator("t"))
    before = row_counts(engine)
    again = import_findings(engine=engine, content=content, file_name="renamed copy.csv",
                            by=Actor.operator("someone else"))
    assert (again.duplicate, again.added, again.upload_id) == (True, 0, first.upload_id)
    assert row_counts(engine) == before


def test_the_same_file_imported_twice_at_once_is_stored_once(engine, monkeypatch):
    content = findings_csv(3000, agencies=30)
    results, errors = [], []
    both_checked = threading.Barrier(2, timeout=60)
    read = imports.read_isolated  # the file is read in a child process: the wait is around it, in this one

    def read_after_both_found_no_upload(*args, **kwargs):
        both_checked.wait()  # both have passed the "already imported?" check: the database must decide
        return read(*args, **kwargs)

    monkeypatch.setattr(imports, "read_isolated", read_after_both_found_no_upload)

    def run():
        try:
            results.append(import_findings(engine=engine, content=content, file_name="same.csv",
                                           by=Actor.operator("t")))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(r.duplicate for r in results) == [False, True]
    assert len({r.upload_id for r in results}) == 1
    counts = row_counts(engine)
    assert (counts["upload"], counts["finding"], counts["agency"]) == (1, 3000, 30)


def test_a_second_file_adds_its_findings_to_the_known_agencies(engine):
    import_findings(engine=engine, content=findings_csv(10, agencies=5), file_name="a.csv", by=Actor.operator("t"))
    second = import_findings(engine=engine, content=findings_csv(10, agencies=5, start=10), file_name="b.csv",
                             by=Actor.operator("t"))
    assert (second.added, second.agencies_added) == (10, 0)
    assert row_counts(engine)["finding"] == 20 and row_counts(engine)["agency"] == 5


def test_a_known_code_with_a_new_name_renames_the_agency_and_audits_it(engine):
    import_roster(engine=engine, content=roster_csv(2), file_name="r.csv", by=Actor.operator("t"), year=2025)
    renamed = [{"credit_code": credit_code(1), "agency_name": "江阴新名安全咨询有限公司"}]
    result = import_roster(engine=engine, content=roster_csv(renamed), file_name="r2.csv", by=Actor.operator("李四"),
                           year=2026)
    assert result.agencies_renamed == 1
    with engine.connect() as conn:
        names = dict(conn.execute(select(Agency.credit_code, Agency.name)).all())
        audit = conn.execute(select(AuditEntry).where(AuditEntry.action == "agency_renamed")).one()
    assert names == {credit_code(0): agency_name(0), credit_code(1): "江阴新名安全咨询有限公司"}
    assert (audit.actor, audit.entity_id) == ("李四", credit_code(1))
    assert agency_name(1) in audit.before and "江阴新名安全咨询有限公司" in audit.after


def test_a_roster_puts_its_agencies_on_that_years_roster_once(engine):
    content = roster_csv(3)
    assert import_roster(engine=engine, content=content, file_name="r.csv", by=Actor.operator("t"),
                         year=2025).added == 3
    assert import_roster(engine=engine, content=content, file_name="r.csv", by=Actor.operator("t"), year=2025).duplicate
    # The same roster may serve another year; an overlapping roster adds only the agencies not yet listed.
    assert import_roster(engine=engine, content=content, file_name="r.csv", by=Actor.operator("t"),
                         year=2026).added == 3
    assert import_roster(engine=engine, content=roster_csv(5), file_name="r5.csv", by=Actor.operator("t"),
                         year=2025).added == 2
    with engine.connect() as conn:
        per_year = dict(conn.execute(select(RosterEntry.year, func.count()).group_by(RosterEntry.year)).all())
    assert per_year == {2025: 5, 2026: 3}
    assert row_counts(engine)["agency"] == 5


def test_a_bad_file_writes_nothing_and_reports_every_problem(engine):
    import_findings(engine=engine, content=findings_csv(5), file_name="good.csv", by=Actor.operator("t"))
    before = row_counts(engine)
    rows = finding_rows(12)
    rows[2]["clause"] = "9.9"
    rows[6]["credit_code"] = "91320281000000000X"  # wrong check digit
    rows[10]["assessor"] = "火星镇"
    with pytest.raises(InputError) as refused:
        import_findings(engine=engine, content=findings_csv(rows), file_name="bad.csv", by=Actor.operator("t"))
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (4, "clause"), (8, "credit_code"), (12, "assessor")]
    assert row_counts(engine) == before


def test_text_longer_than_its_column_is_a_problem_of_its_row(engine):
    rows = finding_rows(3)
    rows[1]["document_no"] = "号" * 65
    with pytest.raises(InputError) as refused:
        import_findings(engine=engine, content=findings_csv(rows), file_name="long.csv", by=Actor.operator("t"))
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "文书编号")]
    assert row_counts(engine)["finding"] == 0


def test_a_too_long_roster_name_is_named_by_its_excel_row_after_blank_and_repeated_rows(engine):
    long_name = "长" * 300
    content = (f"统一社会信用代码,机构名称\n{credit_code(1)},甲公司\n\n{credit_code(1)},甲公司\n"
               f"{credit_code(2)},{long_name}\n").encode()
    with pytest.raises(InputError) as refused:
        import_roster(engine=engine, content=content, file_name="r.csv", by=Actor.operator("t"), year=2025)
    assert [(p.row, p.column) for p in refused.value.problems] == [(5, "机构名称")]


def test_a_file_with_only_headers_is_refused(engine):
    with pytest.raises(InputError):
        import_findings(engine=engine, content=findings_csv([]), file_name="empty.csv", by=Actor.operator("t"))
    assert row_counts(engine)["upload"] == 0


def test_an_import_failing_at_row_9000_of_10000_leaves_no_row_in_any_table(engine, monkeypatch):
    before = row_counts(engine)
    original = imports.bulk_insert
    written = []

    def fail_after_9000(session, model, columns, constants=None):
        if model is Finding:
            written.append(original(session, model, {k: v[:9000] for k, v in columns.items()}, constants))
            raise RuntimeError("disk full (injected)")
        return original(session, model, columns, constants)

    monkeypatch.setattr(imports, "bulk_insert", fail_after_9000)
    with pytest.raises(RuntimeError, match="injected"):
        import_findings(engine=engine, content=findings_csv(10_000, agencies=50), file_name="big.csv",
                        by=Actor.operator("t"))
    assert written == [9000]  # the rows were really sent before the fault
    assert row_counts(engine) == before


# A test-only hook loaded by the child Python at start-up: once the findings are written (not yet committed),
# it signals the test and waits to be killed.
_HOLD_BEFORE_COMMIT = textwrap.dedent("""
    import os, time
    from pathlib import Path
    import db.uploads.imports
    from db.store.models import Finding
    _original = db.uploads.imports.bulk_insert

    def _hold(session, model, columns, constants=None):
        n = _original(session, model, columns, constants)
        if model is Finding:
            session.flush()
            marker = Path(os.environ["IMPORT_HOLD_MARKER"])
            # Written aside, then renamed: the test polls for the name and must never read it half-written.
            marker.with_suffix(".part").write_text(str(n))
            marker.with_suffix(".part").rename(marker)
            time.sleep(120)
        return n

    db.uploads.imports.bulk_insert = _hold
""")


def test_an_import_killed_mid_transaction_leaves_the_database_as_before(engine, tmp_path):
    prepare(engine)  # what the command does first (towns), so `before` differs only by the import
    import_findings(engine=engine, content=findings_csv(5), file_name="earlier.csv", by=Actor.operator("t"))
    before = row_counts(engine)
    big = tmp_path / "big.csv"
    big.write_bytes(findings_csv(20_000, agencies=400, start=100))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_HOLD_BEFORE_COMMIT)
    marker = tmp_path / "written"
    env = {**os.environ, "DATABASE_URL": url_of(engine), "IMPORT_HOLD_MARKER": str(marker),
           "PYTHONPATH": os.pathsep.join([str(hook), str(PROJECT_DIR)])}
    child = subprocess.Popen([sys.executable, "-m", "db", "import", str(big), "--by", "t"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"the import never reached its hold point: {child.communicate()}")
        time.sleep(0.05)
    assert marker.read_text() == "20000"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)  # waits, and closes its pipes
    assert child.returncode == -signal.SIGKILL

    engine.dispose()  # open the database afresh, as the next process would
    assert row_counts(engine) == before
    result = import_findings(engine=engine, content=big.read_bytes(), file_name="big.csv", by=Actor.operator("t"))
    assert (result.added, result.duplicate) == (20_000, False)


def test_the_command_imports_and_then_says_already_imported(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    path = tmp_path / "findings.csv"
    path.write_bytes(findings_csv(8))
    assert main(["import", str(path), "--by", "王科长"]) == 0
    assert "8" in capsys.readouterr().out
    assert main(["import", str(path), "--by", "王科长"]) == 0
    assert "already imported" in capsys.readouterr().out
    assert row_counts(engine)["finding"] == 8


def test_the_command_exits_2_with_every_problem_on_stderr_and_writes_nothing(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    rows = finding_rows(4)
    rows[0]["clause"], rows[3]["date"] = "4.1", "2025-02-30"
    path = tmp_path / "bad.csv"
    path.write_bytes(findings_csv(rows))
    assert main(["import", str(path), "--by", "t"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "row 2, column clause" in err and "row 5, column date" in err and "第2行" in err
    assert row_counts(engine)["finding"] == row_counts(engine)["upload"] == 0


def test_the_command_imports_a_roster_for_a_year(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    path = tmp_path / "名录.csv"
    path.write_bytes(roster_csv(3, chinese_headers=True))
    assert main(["import", str(path), "--kind", "roster", "--by", "t"]) == 2  # the year is required
    assert "--year" in capsys.readouterr().err
    assert main(["import", str(path), "--kind", "roster", "--year", "2025", "--by", "t"]) == 0
    assert row_counts(engine)["rosterentry"] == 3
