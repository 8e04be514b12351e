"""The demo's service records: the same bytes for a day, imported through the real path, and the watch over the
seeded database finds exactly the planted breaches (rule, clause, agency), nothing else."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from core.rulebook import load_rulebook
from core.service_records import RECORD_KINDS, SPECIALTIES, ServiceRecords, read_records
from core.towns import default_towns
from core.watch import watch
from db.accounts.actor import Actor
from db.demo.seed import SEED, YEARS, demo_data, seed_demo
from db.records.imports import RepeatedRecords, import_records
from db.records.reads import load_records
from db.store.models import Upload

TODAY = dt.date(2026, 11, 29)  # a late day of the year: every breach of the current year is planted and due
RULEBOOK = load_rulebook()
# The clause each rule suggests (the watch's table of rules; the jiangyin-2020 rulebook's [watch.clauses]).
CLAUSES = {"served_before_filing": "3.1", "no_commitment": "3.2", "visit_without_contract": "3.3",
           "late_report": "3.4", "late_change": "3.4", "too_few_visits": "3.6", "shared_practitioner": "2.4",
           "no_written_advice": "3.7"}


def planted(data, year: int) -> set[tuple[str, str, str]]:
    return {(b.rule, CLAUSES[b.rule], b.credit_code) for b in data.records.breaches if b.year == year}


def found(records: ServiceRecords, year: int, as_of: dt.date) -> set[tuple[str, str, str]]:
    suggestions = watch(records, year=year, as_of=as_of, rulebook=RULEBOOK)
    return set(zip(suggestions["rule"], suggestions["clause"], suggestions["credit_code"], strict=True))


def from_files(data) -> ServiceRecords:
    return ServiceRecords({k: read_records(k, v, name=f"{k}.csv") for k, v in data.records.files.items()})


def test_the_records_are_the_same_bytes_for_the_same_day_and_never_move_the_findings():
    first, again, later = demo_data(today=TODAY), demo_data(today=TODAY), demo_data(today=dt.date(2027, 2, 1))
    assert first.records.files == again.records.files and first.records.breaches == again.records.breaches
    assert first.records.files["visits"] != demo_data(SEED + 1, today=TODAY).records.files["visits"]
    # The records have their own random stream: the findings, so the published ratings, do not depend on them.
    assert (first.findings, first.rosters, first.correction_2024) == (later.findings, later.rosters,
                                                                       later.correction_2024)


def test_every_rule_of_the_watch_is_planted_in_the_latest_demo_year_and_most_in_the_current_one():
    data = demo_data(today=TODAY)
    assert data.records.years == (YEARS[-1], TODAY.year)
    assert {rule for rule, _, _ in planted(data, YEARS[-1])} == set(CLAUSES)
    assert {rule for rule, _, _ in planted(data, TODAY.year)} == set(CLAUSES) - {"served_before_filing", "no_commitment"}
    late = [b for b in data.records.breaches if b.rule == "late_report" and b.year == YEARS[-1]]
    assert len(late) == 4 and sum("未报送" in b.what for b in late) == 1  # three late, one missing
    assert all(count > 0 for count in data.records.counts.values())


@pytest.mark.parametrize("today", [dt.date(2026, 1, 20), dt.date(2026, 7, 1), TODAY, dt.date(2026, 12, 31)])
def test_the_watch_finds_exactly_the_planted_breaches_whatever_the_day(today):
    # Early in a year nothing of it is planted yet (and nothing else is found): the records are otherwise clean.
    data = demo_data(today=today)
    records = from_files(data)
    for year in data.records.years:
        assert found(records, year, today) == planted(data, year), (today, year)
    known = [records[k][c].max() for k, c in (("visits", "submitted_on"), ("reports", "submitted_on"),
                                              ("changes", "reported_on"), ("contracts", "signed_on"))]
    assert max(known) <= pd.Timestamp(today)  # nothing reported after the day


def test_agencies_serve_many_towns_with_several_specialties_so_a_finder_finds_several():
    data = demo_data(today=TODAY)
    contracts = read_records("contracts", data.records.files["contracts"], name="c.csv")
    people = read_records("practitioners", data.records.files["practitioners"], name="p.csv")
    towns = contracts.groupby("town")["credit_code"].agg(set)
    skills = people.groupby("specialty")["credit_code"].agg(set)
    assert set(towns.index) == set(default_towns().names) and set(skills.index) == set(SPECIALTIES)
    several = [len(towns[t] & skills[s]) >= 2 for t in towns.index for s in SPECIALTIES]
    assert sum(several) >= 0.9 * len(several)


def test_the_seeded_records_import_cleanly_and_the_watch_over_the_database_finds_each_planted_breach(engine):
    seed_demo(engine=engine, today=TODAY)
    data = demo_data(today=TODAY)
    with Session(engine) as session:
        uploads = session.execute(select(Upload.kind, Upload.uploaded_by, Upload.row_count)
                                  .where(Upload.kind.in_(RECORD_KINDS))).all()
    assert sorted(uploads) == sorted((k, "demo", data.records.counts[k]) for k in RECORD_KINDS)
    with engine.connect() as conn:
        tables = {kind: load_records(conn, kind) for kind in RECORD_KINDS}
    # The database keeps a keyed hash for an ID number: equal hashes are the same person, all the watch needs.
    tables["practitioners"] = tables["practitioners"].rename(columns={"id_hash": "id_number"})
    records = ServiceRecords(tables)
    for year in data.records.years:
        assert found(records, year, TODAY) == planted(data, year), year


def test_a_resaved_copy_of_the_demo_visits_is_refused_row_by_row_as_repeats(engine):
    # Every column type of a visit (text, dates, count, 是/否) must compare equal to its stored spelling.
    content = demo_data(today=TODAY).records.files["visits"]
    import_records(engine=engine, kind="visits", content=content, file_name="visits.csv", by=Actor.operator("t"))
    resaved = content.decode("utf-8-sig").replace("\r\n", "\n").encode("gb18030")
    with pytest.raises(RepeatedRecords) as info:
        import_records(engine=engine, kind="visits", content=resaved, file_name="visits-gbk.csv",
                       by=Actor.operator("t"))
    rows = content.count(b"\r\n") - 1
    assert info.value.repeats["row"].tolist() == list(range(2, rows + 2))
    assert set(info.value.repeats["file_name"]) == {"visits.csv"}
