"""Service facts read from stored records (SQLite and PostgreSQL), and the finder's list: best grade first."""

from __future__ import annotations

import datetime as dt

from db.accounts.actor import Actor
from db.public import facts
from db.records.imports import import_records
from tests.builders import records_csv
from tests.db import published_rows
from tests.db.facts_records import FACTS_YEAR, Filer, import_filings

A, B, C, D = (code for code, _ in published_rows.AGENCIES)
NAMES = dict(published_rows.AGENCIES)
UNRATED = "91320281MA1X00009L"
TODAY = dt.date(2026, 11, 29)


def _filers() -> list[Filer]:
    return [
        Filer(D, NAMES[D], ["璜土镇"], ["机械"]),                 # C in 2025
        Filer(B, NAMES[B], ["璜土镇", "华士镇"], ["机械", "电气"]),  # B in 2025
        Filer(A, NAMES[A], ["璜土镇", "澄江街道"], ["机械", "化工"], left=["消防"]),  # A in 2025
        Filer(C, NAMES[C], ["璜土镇"], ["机械"]),                 # blacklisted in 2024, its latest year
        Filer(UNRATED, "新设安全咨询有限公司", ["璜土镇"], ["机械"]),
    ]


def test_facts_count_each_agency_s_own_filings(engine):
    published_rows.build(engine)
    import_filings(engine, _filers())
    found = facts.service_facts(engine, today=TODAY)
    assert (found["year"], found["as_of"]) == (FACTS_YEAR, TODAY)
    row = found["facts"].set_index("credit_code").loc[A]
    assert row["towns"] == "澄江街道;璜土镇"  # the town list's order, from contracts (A was never assessed by 澄江)
    assert (row["clients"], row["contracts"], row["visits"]) == (2, 2, 4)
    assert row["visits_per_contract"] == 2.0
    # The one who left in 2025 is not counted; specialties are counts only.
    assert (row["people_mechanical"], row["people_chemical"], row["people_fire"], row["people"]) == (1, 1, 0, 2)
    # Reports due January to October 2026 (November's is due 5 December); January and March came in time.
    assert (row["reports_due"], row["reports_on_time"]) == (10, 2)
    assert row["last_filed"] == dt.datetime(2026, 4, 3)


def test_facts_of_a_past_year_are_counted_to_its_last_day(engine):
    import_filings(engine, _filers()[:1])
    found = facts.service_facts(engine, 2025, today=TODAY)
    assert found["as_of"] == dt.date(2025, 12, 31)
    row = found["facts"].iloc[0]
    # January to December 2025 were due (December's on 5 January 2026, counted in 2025 once due); none was filed.
    assert (row["towns"], row["visits"], row["reports_due"], row["reports_on_time"]) == ("璜土镇", 0, 12, 0)


def test_a_past_year_s_december_report_counts_in_that_year_from_the_day_after_it_fell_due(engine):
    import_filings(engine, _filers()[:1])
    code = _filers()[0].code
    on_time = {"credit_code": code, "month": "2025-12", "submitted_on": "2026-01-05"}  # the due day itself
    import_records(engine=engine, kind="reports", content=records_csv("reports", [on_time]), file_name="dec.csv",
                   by=Actor.operator("test"))

    def counted(today: dt.date) -> tuple[int, int]:
        row = facts.service_facts(engine, 2025, today=today)["facts"].set_index("credit_code").loc[code]
        return int(row["reports_due"]), int(row["reports_on_time"])

    assert counted(dt.date(2026, 1, 5)) == (11, 0)  # not yet due on its due day
    assert counted(dt.date(2026, 1, 6)) == (12, 1)  # due: December counts, on time
    assert counted(TODAY) == (12, 1)  # and stays so


def test_with_no_records_there_are_no_facts_and_the_year_is_this_year(engine):
    assert facts.records_version(engine) == 0
    found = facts.service_facts(engine, today=TODAY)
    assert found["facts"].empty and found["year"] == TODAY.year


def test_the_records_version_moves_with_each_record_upload(engine):
    import_filings(engine, _filers()[:1])
    first = facts.records_version(engine)
    import_filings(engine, _filers()[1:2])
    assert facts.records_version(engine) > first > 0


def test_the_facts_year_falls_back_to_the_last_year_a_contract_ran(engine):
    import_filings(engine, _filers()[:1])
    assert facts.current_facts_year(engine, dt.date(2028, 3, 1)) == 2026
    assert facts.current_facts_year(engine, dt.date(2024, 6, 1)) == 2024  # nothing had started: this year


def test_the_finder_lists_the_best_grade_first_and_flags_the_blacklisted(engine):
    published_rows.build(engine)
    import_filings(engine, _filers())
    found = facts.service_facts(engine, today=TODAY)["facts"]
    latest = facts.latest_ratings(engine)
    mechanical = facts.find_agencies(found, latest, town="璜土镇", specialty="机械")
    assert mechanical["credit_code"].tolist() == [A, B, D, C]  # A, B, C by grade; the blacklisted last
    assert mechanical["blacklisted"].tolist() == [False, False, False, True]
    assert mechanical["grade"].tolist() == ["A", "B", "C", "BLACKLIST"]
    assert facts.unrated_serving(found, latest, town="璜土镇", specialty="机械") == 1
    assert facts.find_agencies(found, latest, town="璜土镇", specialty="电气")["credit_code"].tolist() == [B]
    # A's fire-safety practitioner has left: A does not count as having one.
    assert facts.find_agencies(found, latest, town="璜土镇", specialty="消防").empty
    assert facts.find_agencies(found, latest, town="华士镇", specialty="机械")["credit_code"].tolist() == [B]


def test_latest_ratings_take_each_agency_s_latest_published_year(engine):
    published_rows.build(engine)
    latest = facts.latest_ratings(engine).set_index("credit_code")
    assert latest.loc[C, "year"] == 2024 and latest.loc[C, "blacklisted"]
    assert latest.loc[A, "year"] == 2025 and latest.loc[A, "grade_rank"] == 0
    assert latest.loc[D, "grade"] == "C" and not latest.loc[D, "blacklisted"]
