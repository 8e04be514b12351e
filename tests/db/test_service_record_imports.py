"""Service-record files into their tables: each kind reads back, all or nothing, once per content, no clear ID numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import String, Text, func, inspect, select, text

from core.errors import InputError
from core.service_records import RECORD_COLUMNS, RECORD_KINDS, read_records
from db.accounts.actor import Actor
from db.cli.commands import main
from db.records.imports import RepeatedRecords, import_records
from db.records.reads import RECORD_MODELS, load_records
from db.store.models import AuditEntry, PractitionerRecord, Upload, VisitRecord
from tests.builders import credit_code, id_number, records_csv
from tests.db.conftest import url_of

A, B = credit_code(1), credit_code(2)
PERSON, OTHER = id_number(7), id_number(8, born="19900101")
ROWS: dict[str, list[dict[str, object]]] = {
    "registry": [{"credit_code": A, "agency_name": "甲安全咨询", "address": "江阴市澄江街道1号", "office_address": "澄江",
                  "legal_rep": "李四", "phone": "0510-86000000", "filed_on": "2025-01-05"},
                 {"credit_code": B, "agency_name": "乙技术服务", "office_address": "华士", "filed_on": "2025-02-01",
                  "commitment_on": "2025-02-03"}],
    "practitioners": [{"credit_code": A, "name": "张三", "id_number": PERSON.lower(), "specialty": "化工",
                       "certificate": "Z-1", "joined_on": "2024-03-01"},
                      {"credit_code": A, "name": "王五", "id_number": OTHER, "specialty": "电气",
                       "joined_on": "2024-03-01", "left_on": "2025-06-30"}],
    "changes": [{"credit_code": A, "item": "执业人员离职", "practitioner": "王五", "changed_on": "2025-06-30",
                 "reported_on": "2025-07-08"},
                {"credit_code": A, "item": "办公地址变更", "changed_on": "2025-09-01"}],
    "contracts": [{"credit_code": A, "client_code": credit_code(501), "client_name": "甲化工有限公司", "town": "华士",
                   "contract_no": "HT-1", "signed_on": "2024-12-20", "start": "2025-01-01", "end": "2025-12-31",
                   "visits_per_year": "12"}],
    "visits": [{"credit_code": A, "month": "2025-03", "submitted_on": "2025-04-03", "client_code": credit_code(501),
                "client_name": "甲化工有限公司", "town": "华士", "contract_no": "HT-1", "visit_date": "2025-03-12",
                "practitioner": "张三", "hazards": "2", "written_advice": "是"},
               {"credit_code": A, "month": "2025年4月", "submitted_on": "2025-05-06", "client_code": credit_code(501),
                "client_name": "甲化工有限公司", "town": "华士", "visit_date": "2025-04-02",
                "practitioner": "张三", "hazards": "0", "written_advice": "N"}],
    "reports": [{"credit_code": A, "month": "2025-05", "submitted_on": "2025-06-04"}],
}


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def _clear_text(engine) -> str:
    """Every text value of every table, one per line."""
    found = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for column in inspect(engine).get_columns(table):
                if isinstance(column["type"], (String, Text)):
                    quoted = engine.dialect.identifier_preparer.quote
                    found += conn.execute(text(f"SELECT {quoted(column['name'])} FROM {quoted(table)}")).scalars()
    return "\n".join(str(v) for v in found if v is not None)


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_each_kind_imports_and_reads_back_as_the_reader_types_it(engine, kind):
    content = records_csv(kind, ROWS[kind])
    done = import_records(engine=engine, kind=kind, content=content, file_name=f"{kind}.csv", by=Actor.operator("王科长"))
    assert (done.added, done.duplicate, done.kind) == (len(ROWS[kind]), False, kind)
    stored = load_records(engine, kind)
    assert (stored["upload_id"] == done.upload_id).all()
    read = read_records(kind, content, name=f"{kind}.csv")
    if kind == "practitioners":
        assert stored["id_last4"].tolist() == [PERSON[-4:], OTHER[-4:]]
        assert stored["id_hash"].str.fullmatch("[0-9a-f]{64}").all()
        read = read.drop(columns="id_number")
        stored = stored.drop(columns=["id_hash", "id_last4"])
    pd.testing.assert_frame_equal(stored.drop(columns="upload_id")[read.columns], read, check_dtype=True)


def test_a_bad_file_writes_nothing_and_names_every_problem(engine):
    rows = [*ROWS["visits"], {**ROWS["visits"][0], "visit_date": "2025-05-01", "hazards": "-1"}]
    with pytest.raises(InputError) as info:
        import_records(engine=engine, kind="visits", content=records_csv("visits", rows), file_name="v.csv",
                       by=Actor.operator("t"))
    assert {(p.row, p.column) for p in info.value.problems} == {(4, "visit_date"), (4, "hazards")}
    assert (_count(engine, VisitRecord), _count(engine, Upload), _count(engine, AuditEntry)) == (0, 0, 0)


def test_text_longer_than_its_column_is_a_problem_not_a_database_error(engine):
    rows = [{**ROWS["changes"][0], "item": "变" * 501}]
    with pytest.raises(InputError) as info:
        import_records(engine=engine, kind="changes", content=records_csv("changes", rows), file_name="c.csv",
                       by=Actor.operator("t"))
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "变化事项")]
    assert _count(engine, Upload) == 0


def test_the_same_file_twice_adds_nothing_and_the_same_bytes_as_another_kind_are_not_mistaken(engine):
    content = records_csv("reports", ROWS["reports"])
    first = import_records(engine=engine, kind="reports", content=content, file_name="r.csv", by=Actor.operator("t"))
    again = import_records(engine=engine, kind="reports", content=content, file_name="r-copy.csv",
                           by=Actor.operator("t"))
    assert (again.duplicate, again.added, again.upload_id) == (True, 0, first.upload_id)
    assert _count(engine, RECORD_MODELS["reports"]) == 1
    with pytest.raises(InputError):  # not "already imported": these bytes were never a visits file
        import_records(engine=engine, kind="visits", content=content, file_name="r.csv", by=Actor.operator("t"))


def test_a_different_file_with_identical_rows_is_named_and_needs_allow_repeats(engine):
    import_records(engine=engine, kind="visits", content=records_csv("visits", ROWS["visits"]), file_name="3月.csv",
                   by=Actor.operator("t"))
    resaved = records_csv("visits", [ROWS["visits"][1], {**ROWS["visits"][0], "hazards": "3"}], chinese=True)
    with pytest.raises(RepeatedRecords) as info:
        import_records(engine=engine, kind="visits", content=resaved, file_name="4月.csv", by=Actor.operator("t"))
    assert info.value.repeats["row"].tolist() == [2]
    assert "3月.csv" in info.value.problems[0].value
    assert _count(engine, VisitRecord) == 2
    done = import_records(engine=engine, kind="visits", content=resaved, file_name="4月.csv", by=Actor.operator("t"),
                          allow_repeats=True)
    assert done.added == 2 and _count(engine, VisitRecord) == 4


def test_no_id_number_is_stored_in_clear_and_one_person_at_two_agencies_shares_the_hash(engine):
    own = records_csv("practitioners", ROWS["practitioners"])
    other = records_csv("practitioners", [{"credit_code": B, "name": "张三", "id_number": PERSON, "specialty": "消防",
                                           "joined_on": "2025-01-01"}])
    import_records(engine=engine, kind="practitioners", content=own, file_name="甲.csv", by=Actor.operator("t"))
    import_records(engine=engine, kind="practitioners", content=other, file_name="乙.csv", by=Actor.operator("t"))
    everything = _clear_text(engine).upper()
    assert "张三" in everything and PERSON[-4:] in everything  # the scan does see the stored text
    for number in (PERSON, OTHER):
        assert number not in everything and number[:17] not in everything
    with engine.connect() as conn:
        rows = conn.execute(select(PractitionerRecord.credit_code, PractitionerRecord.id_hash)
                            .order_by(PractitionerRecord.id)).all()
    by_hash = {}
    for code, digest in rows:
        by_hash.setdefault(digest, set()).add(code)
    assert sorted(map(len, by_hash.values())) == [1, 2]  # 张三 at A and B; 王五 at A only
    assert by_hash[rows[0][1]] == {A, B}


def test_every_import_is_audited_without_personal_data(engine):
    done = import_records(engine=engine, kind="practitioners", content=records_csv("practitioners",
                          ROWS["practitioners"]), file_name="p.csv", by=Actor.operator("王科长"))
    with engine.connect() as conn:
        entry = conn.execute(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.entity_id) == ("王科长", "upload", str(done.upload_id))
    after = json.loads(entry.after)
    assert (after["kind"], after["rows"], after["added"], after["file_name"]) == ("practitioners", 2, 2, "p.csv")


def test_the_command_line_imports_each_kind_and_refuses_a_bad_file_with_exit_2(engine, tmp_path, monkeypatch,
                                                                                 capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    good = tmp_path / "contracts.csv"
    good.write_bytes(records_csv("contracts", ROWS["contracts"]))
    assert main(["import", str(good), "--kind", "contracts", "--by", "王科长"]) == 0
    assert "1 服务合同 contracts row\n" in capsys.readouterr().out
    assert main(["import", str(good), "--kind", "contracts", "--by", "王科长"]) == 0
    assert "already imported" in capsys.readouterr().out
    bad = tmp_path / "registry.csv"
    bad.write_bytes(records_csv("registry", [{**ROWS["registry"][0], "filed_on": "someday", "credit_code": "X"}]))
    assert main(["import", str(bad), "--kind", "registry", "--by", "t"]) == 2
    err = capsys.readouterr().err
    assert "filed_on" in err and "credit_code" in err and "not imported: 2 problem" in err
    resaved = tmp_path / "contracts-again.csv"
    resaved.write_bytes(records_csv("contracts", ROWS["contracts"], chinese=True))
    assert main(["import", str(resaved), "--kind", "contracts", "--by", "t"]) == 2
    assert "--allow-repeats" in capsys.readouterr().err
    assert main(["import", str(resaved), "--kind", "contracts", "--by", "t", "--allow-repeats"]) == 0
    assert _count(engine, RECORD_MODELS["contracts"]) == 2
    assert _count(engine, RECORD_MODELS["registry"]) == 0


def test_every_kind_has_a_table_with_a_column_for_each_file_column():
    for kind, columns in RECORD_COLUMNS.items():
        names = set(RECORD_MODELS[kind].__table__.c.keys())
        expected = {c.key for c in columns} - {"id_number"}
        assert expected | {"upload_id", "row"} <= names
        assert "id_number" not in names


def test_id_hashes_use_a_key_of_their_own_so_a_new_sign_in_key_never_splits_one_person(engine):
    import_records(engine=engine, kind="practitioners", content=records_csv("practitioners", ROWS["practitioners"][:1]),
                   file_name="甲.csv", by=Actor.operator("t"))
    with engine.begin() as conn:  # the sign-in key replaced (e.g. after a suspected leak of the audit log)
        conn.execute(text("UPDATE sitekey SET value = :v WHERE name = 'sign_in'"), {"v": "f" * 64})
    later = records_csv("practitioners", [{"credit_code": B, "name": "张三", "id_number": PERSON, "specialty": "消防",
                                           "joined_on": "2025-01-01"}])
    import_records(engine=engine, kind="practitioners", content=later, file_name="乙.csv", by=Actor.operator("t"))
    with engine.connect() as conn:
        keys = set(conn.execute(text("SELECT name FROM sitekey")).scalars())
        hashes = conn.execute(select(PractitionerRecord.id_hash).order_by(PractitionerRecord.id)).scalars().all()
    assert {"sign_in", "id_number"} <= keys
    assert len(hashes) == 2 and hashes[0] == hashes[1]
