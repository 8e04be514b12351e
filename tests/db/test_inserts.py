"""Bulk inserts through the driver (executemany on SQLite, COPY on PostgreSQL) store values exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from db.store import inserts
from db.store.engine import transaction
from db.store.inserts import bulk_insert
from db.store.models import Agency, Finding
from tests.db.conftest import naive_utc

AWKWARD = ["tab\there", "new\nline", "back\\slash \\N", 'quote " and \' ,comma', "", "全角，中文；", "\\.", "CR\r"]


def test_awkward_text_dates_times_and_nulls_come_back_exactly(engine):
    when = dt.datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    with transaction(engine) as session:
        agency_id = session.connection().execute(
            insert(Agency).returning(Agency.id), [{"credit_code": "91320281000000001X", "name": "某机构"}]
        ).scalar_one()
        n = len(AWKWARD)
        added = bulk_insert(session, Finding, {
            "description": AWKWARD,
            "date": [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(n)],
            "source_row": list(range(2, n + 2)),
        }, constants={
            "agency_id": agency_id, "year": 2025, "clause": "3.1", "assessor": "bureau", "period": "Y",
            "practitioner": "", "document_no": "", "upload_id": None, "recorded_by": "t", "recorded_at": when,
        })
    assert added == len(AWKWARD)
    with engine.connect() as conn:
        rows = conn.execute(select(Finding).order_by(Finding.source_row)).all()
    assert [r.description for r in rows] == AWKWARD
    assert [r.date for r in rows] == [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(len(AWKWARD))]
    assert {r.upload_id for r in rows} == {None}
    assert {naive_utc(r.recorded_at) for r in rows} == {naive_utc(when)}


def test_rows_past_one_executemany_slice_all_go_in_exactly(engine, monkeypatch):
    monkeypatch.setattr(inserts, "_CHUNK_ROWS", 3)  # 8 rows: three slices on SQLite, the last one short
    test_awkward_text_dates_times_and_nulls_come_back_exactly(engine)


def test_columns_of_different_lengths_are_refused(engine):
    with pytest.raises(ValueError, match="one length"), transaction(engine) as session:
        bulk_insert(session, Finding, {"description": ["a", "b"], "source_row": [1]})


def test_no_rows_insert_nothing(engine):
    with transaction(engine) as session:
        assert bulk_insert(session, Finding, {"description": []}, constants={"year": 2025}) == 0


def test_booleans_and_bytes_come_back_exactly(engine):
    """Booleans are spelled t/f in COPY text; bytes are not spelled here and take the driver's own path."""
    from db.store.models import WatchRun

    blobs = [b"\x00\x01\\\t\n", None, b"", b"\xff" * 10]
    with transaction(engine) as session:
        bulk_insert(session, WatchRun, {
            "year": [2025, 2026, 2027, 2028], "fingerprint": [f"f{i}" for i in range(4)], "result": blobs,
            "finished_at": [None, dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC), None, None],
        }, constants={"as_of": dt.date(2025, 12, 31), "rulebook": "jiangyin-2020", "status": "ready",
                      "started_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "rows": 0, "error_zh": "", "error_en": ""})
    with engine.connect() as conn:
        rows = conn.execute(select(WatchRun).order_by(WatchRun.year)).all()
    assert [r.result for r in rows] == blobs
    assert [r.finished_at is None for r in rows] == [True, False, True, True]


def test_a_column_mixing_true_and_one_keeps_each_value(engine):
    """True == 1 in a Python set: the COPY spelling must not give 1 the spelling of True (or the reverse)."""
    spelled = inserts._copy_spelled([True, 1, False, 0])
    assert spelled is None or spelled == ["t", "1", "f", "0"]


def test_copy_text_escapes_what_copy_would_misread():
    assert inserts._copy_spelled(AWKWARD) == [
        "tab\\there", "new\\nline", "back\\\\slash \\\\N", 'quote " and \' ,comma', "", "全角，中文；", "\\\\.", "CR\\r"]
    assert inserts._copy_spelled([None, dt.date(2025, 1, 2), True]) is None  # a mixed column: the driver's path
    assert inserts._copy_spelled([None, dt.date(2025, 1, 2)]) == ["\\N", "2025-01-02"]
