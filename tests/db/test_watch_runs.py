"""Stored watch runs: computed after a change, read by the queue without running the watch; stale runs stay shown
until a new one lands; one process of several computes a key; loaded record tables are read again only as far as
they changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select, update
from sqlmodel import Session

from core.rulebook import load_rulebook
from core.watch import watch
from db.findings import watch_runs
from db.findings.suggestions import records_fingerprint, split_waiting, stored_records, with_placement
from db.records import cache as record_cache
from db.records.reads import load_records
from db.store.engine import transaction
from db.store.models import PractitionerRecord, WatchRun, utcnow
from tests.builders import id_number
from tests.db.queue_factory import AS_OF, ROWS, YEAR, A, B, store_records

RULEBOOK = load_rulebook()


def _latest(engine) -> watch_runs.StoredRun | None:
    return watch_runs.latest_run(engine=engine, year=YEAR, as_of=AS_OF, rulebook=RULEBOOK.name,
                                 fingerprint=records_fingerprint(engine))


def _runs(engine) -> list[tuple]:
    table = WatchRun.__table__
    with engine.connect() as conn:
        return conn.execute(select(table.c.id, table.c.status, table.c.fingerprint).order_by(table.c.id)).all()


def _expected(engine) -> pd.DataFrame:
    record_cache.forget(engine)
    with engine.connect() as conn:
        records = stored_records(conn)
    return with_placement(watch(records, year=YEAR, as_of=AS_OF, rulebook=RULEBOOK), year=YEAR, rulebook=RULEBOOK)


def test_a_refresh_stores_the_run_and_the_queue_reads_it_fresh(engine):
    store_records(engine)
    assert _latest(engine) is None
    run_id = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    stored = _latest(engine)
    assert stored is not None and stored.id == run_id and stored.fresh and stored.status == "ready"
    found = split_waiting(watch_runs.run_result(engine=engine, run_id=run_id))[0]
    expected = _expected(engine)
    assert stored.rows == len(expected) > 0
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    assert watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF) is None  # stored already: not run again


def test_after_new_records_the_last_run_is_shown_stale_until_the_refresh_replaces_it(engine):
    store_records(engine)
    first = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    store_records(engine, {"registry": [{"credit_code": B, "agency_name": "乙", "office_address": "华士镇",
                                         "filed_on": "2025-02-03"}]})
    stale = _latest(engine)
    assert stale.id == first and not stale.fresh
    second = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    fresh = _latest(engine)
    assert fresh.id == second != first and fresh.fresh
    assert [r.id for r in _runs(engine)] == [second]  # the replaced run is gone


def test_another_day_shows_the_years_newest_run_as_stale(engine):
    store_records(engine)
    run_id = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    other = watch_runs.latest_run(engine=engine, year=YEAR, as_of=AS_OF + dt.timedelta(days=1),
                                  rulebook=RULEBOOK.name, fingerprint=records_fingerprint(engine))
    assert other.id == run_id and not other.fresh and other.as_of == AS_OF


def test_a_key_claimed_by_another_process_is_not_computed_twice_unless_abandoned(engine):
    store_records(engine)
    fingerprint = watch_runs.fingerprint_text(records_fingerprint(engine))
    with transaction(engine) as session:
        session.add(WatchRun(year=YEAR, as_of=AS_OF, rulebook=RULEBOOK.name, fingerprint=fingerprint,
                             status="running"))
    assert watch_runs.is_running(engine=engine, year=YEAR, as_of=AS_OF, rulebook=RULEBOOK.name,
                                 fingerprint=records_fingerprint(engine))
    assert watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF) is None
    assert _latest(engine) is None  # a running claim is never shown
    with transaction(engine) as session:  # its process died half an hour ago
        session.execute(update(WatchRun).values(started_at=utcnow() - dt.timedelta(hours=1)))
    run_id = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    assert run_id is not None and _latest(engine).fresh


def test_a_forced_run_recomputes_in_place(engine):
    store_records(engine)
    run_id = watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    assert watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF, force=True) == run_id
    assert [r.status for r in _runs(engine)] == ["ready"]


def test_a_run_needing_a_missing_calendar_year_decides_the_rest_and_keeps_what_waits(engine):
    year = 2099  # no working-day calendar for it: a change's 10 working days cannot be counted
    store_records(engine, {"registry": [{"credit_code": A, "agency_name": "甲", "office_address": "澄江街道",
                                         "filed_on": "2099-01-05"}],
                           "changes": [{"credit_code": A, "item": "地址变更", "changed_on": "2099-03-02"}],
                           "reports": [{"credit_code": A, "month": f"2099-{m:02d}", "submitted_on": f"2099-{m + 1:02d}-01"}
                                       for m in range(1, 6)]})
    run_id = watch_runs.refresh(engine=engine, year=year, as_of=dt.date(2099, 6, 1))
    stored = watch_runs.latest_run(engine=engine, year=year, as_of=dt.date(2099, 6, 1), rulebook=RULEBOOK.name,
                                   fingerprint=records_fingerprint(engine))
    assert stored.id == run_id and stored.status == "ready" and stored.fresh
    found, waiting = split_waiting(watch_runs.run_result(engine=engine, run_id=run_id))
    assert found["rule"].tolist() == ["no_commitment"] and stored.rows == 1  # needs no calendar: decided
    assert waiting[["rule", "missing_year"]].values.tolist() == [["late_change", 2099]]  # reports all by the 1st


def test_refresh_targets_are_today_and_this_weeks_chosen_days_not_yesterdays_today(engine):
    today = dt.date(2026, 11, 30)
    with transaction(engine) as session:
        for year, as_of in ((2025, dt.date(2026, 3, 1)), (2026, dt.date(2026, 11, 29)), (2024, dt.date(2025, 1, 1))):
            session.add(WatchRun(year=year, as_of=as_of, rulebook=RULEBOOK.name, fingerprint="1", status="ready"))
    targets = watch_runs.refresh_targets(engine=engine, today=today)
    assert targets == [(2026, today, RULEBOOK.name), (2024, dt.date(2025, 1, 1), RULEBOOK.name),
                       (2025, dt.date(2026, 3, 1), RULEBOOK.name)]


def test_refresh_after_change_computes_todays_run_and_the_chosen_days(engine):
    store_records(engine)
    watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF)
    store_records(engine, {"reports": [{"credit_code": A, "month": "2024-12", "submitted_on": "2025-01-03"}]})
    made = watch_runs.refresh_after_change(engine=engine, today=AS_OF)
    assert len(made) == 2 and _latest(engine).fresh  # this year as of today, and the year staff looked at
    this_year = watch_runs.latest_run(engine=engine, year=AS_OF.year, as_of=AS_OF, rulebook=RULEBOOK.name,
                                      fingerprint=records_fingerprint(engine))
    assert this_year.fresh and {this_year.id, _latest(engine).id} == set(made)


def test_loaded_tables_are_extended_by_new_rows_and_reread_when_a_practitioner_leaves(engine):
    people = [{"credit_code": A, "name": "张三", "id_number": id_number(7), "specialty": "化工",
               "joined_on": "2024-01-01"}]
    store_records(engine, {**ROWS, "practitioners": people})
    record_cache.forget(engine)
    first = record_cache.record_tables(engine)
    store_records(engine, {"visits": [{**ROWS["visits"][0], "visit_date": "2025-03-13"}]})
    second = record_cache.record_tables(engine)
    assert second["registry"] is first["registry"]  # unchanged: the very same frame
    for kind in ("visits", "practitioners"):
        pd.testing.assert_frame_equal(second[kind], load_records(engine, kind))
    with Session(engine) as session:
        session.execute(update(PractitionerRecord).values(left_on=dt.date(2025, 5, 1)))
        session.commit()
    third = record_cache.record_tables(engine)
    assert third["practitioners"]["left_on"].tolist() == [pd.Timestamp(2025, 5, 1)]
    pd.testing.assert_frame_equal(third["practitioners"], load_records(engine, "practitioners"))
