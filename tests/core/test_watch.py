"""The compliance watch: each rule at its boundaries, stable keys, and row order never changing a suggestion."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rulebook import load_rulebook
from core.service_records import ServiceRecords, read_records
from core.watch import WATCH_COLUMNS, due_reports, judge, report_months, watch, watch_notes
from core.workdays import WorkCalendar, YearDays
from tests.builders import credit_code, id_number, records_csv

A, B, CLIENT = credit_code(1), credit_code(2), credit_code(501)
RULEBOOK = load_rulebook()
LATE = dt.date(2026, 6, 30)  # an as-of day after every deadline of 2025


def registry(code: str = A, filed: str = "2025-01-02", commitment: str = "2025-01-02") -> dict:
    return {"credit_code": code, "agency_name": f"机构{code[-3:]}", "office_address": "澄江街道",
            "filed_on": filed, "commitment_on": commitment}


def visit(day: str, *, code: str = A, submitted: str | None = None, hazards: int = 0, advice: str = "是",
          client: str = CLIENT, number: str = "") -> dict:
    d = dt.date.fromisoformat(day)
    return {"credit_code": code, "month": f"{d:%Y-%m}", "submitted_on": submitted or f"{d:%Y-%m}-28",
            "client_code": client, "client_name": "甲化工", "town": "华士", "visit_date": day,
            "practitioner": "张三", "hazards": hazards, "written_advice": advice, "contract_no": number}


def contract(start: str = "2025-01-01", end: str = "2025-12-31", per_year: int = 12, *, code: str = A,
             number: str = "HT-1", signed: str | None = None) -> dict:
    return {"credit_code": code, "client_code": CLIENT, "client_name": "甲化工", "town": "华士镇",
            "contract_no": number, "signed_on": signed or start, "start": start, "end": end, "visits_per_year": per_year}


def monthly_reports(code: str = A, day: int = 3, year: int = 2025) -> list[dict]:
    return [{"credit_code": code, "month": f"{year}-{m:02d}",
             "submitted_on": f"{year + (m == 12)}-{m % 12 + 1:02d}-{day:02d}"} for m in range(1, 13)]


def records(**rows: list[dict]) -> ServiceRecords:
    """The tables as the reader makes them from CSV files of these rows (every kind given, in full)."""
    rows.setdefault("registry", [registry()])
    rows.setdefault("reports", monthly_reports())
    return ServiceRecords({kind: read_records(kind, records_csv(kind, r), name=f"{kind}.csv") for kind, r in rows.items()})


def run(recs: ServiceRecords, as_of: dt.date = LATE, **kw) -> pd.DataFrame:
    return watch(recs, year=2025, as_of=as_of, rulebook=RULEBOOK, **kw)


def of(found: pd.DataFrame, rule: str) -> pd.DataFrame:
    return found[found["rule"] == rule]


def test_a_clean_agency_gets_no_suggestion():
    found = run(records(visits=[visit("2025-03-12")], contracts=[contract(per_year=1)]))
    assert list(found.columns) == list(WATCH_COLUMNS) and found.empty


# --- 第十条: monthly reports -----------------------------------------------------------------------------------


def with_report(month: int, submitted: str, year: int = 2025) -> list[dict]:
    """Every month reported on the 3rd of the next month but `month`, reported on `submitted`."""
    return [{**r, "submitted_on": submitted} if r["month"] == f"{year}-{month:02d}" else r
            for r in monthly_reports(year=year)]


def test_a_report_on_the_5th_is_on_time_and_on_the_6th_late():
    # 5 March 2025 is a Wednesday, a working day: no move.
    assert of(run(records(reports=monthly_reports(day=5))), "late_report").empty
    found = of(run(records(reports=with_report(2, "2025-03-06"))), "late_report")
    assert found[["clause", "date", "assessor"]].values.tolist() == [["3.4", "2025-03-05", "bureau"]]
    assert "2025-02" in found["evidence"].iat[0] and "第3行" in found["evidence"].iat[0]
    assert found["sources"].tolist() == ["reports:0:3"]  # that month's report row only: the staff page reads it


def test_each_suggestion_names_the_rows_it_rests_on():
    found = run(records(registry=[registry(filed="2025-04-01", commitment="")],
                        visits=[visit("2025-03-12"), visit("2025-03-20"), visit("2025-06-02", hazards=2, advice="否")],
                        contracts=[contract(per_year=1)], reports=with_report(5, "2025-06-20")))
    sources = dict(zip(found["rule"], found["sources"], strict=True))
    assert sources == {"served_before_filing": "visits:0:2 visits:0:3 registry:0:2", "no_commitment": "registry:0:2",
                       "late_report": "reports:0:6", "no_written_advice": "visits:0:4"}
    never = of(run(records(reports=[r for r in monthly_reports() if r["month"] != "2025-02"])), "late_report")
    assert never["sources"].tolist() == [""]  # never filed: no row to show


def test_a_report_due_on_a_sunday_5th_is_on_time_on_monday_the_6th_and_late_on_the_7th():
    # 5 July 2026 is a Sunday: June's report is due on Monday 6 July (民法典 第二百零三条).
    recs = lambda day: records(registry=[registry(filed="2026-01-05", commitment="2026-01-05")],  # noqa: E731
                               reports=with_report(6, day, year=2026))
    assert of(watch(recs("2026-07-06"), year=2026, as_of=dt.date(2026, 12, 31), rulebook=RULEBOOK), "late_report").empty
    found = of(watch(recs("2026-07-07"), year=2026, as_of=dt.date(2026, 12, 31), rulebook=RULEBOOK), "late_report")
    assert found[["date", "clause"]].values.tolist() == [["2026-07-06", "3.4"]]


def test_a_report_due_in_the_national_day_week_is_on_time_on_9_october():
    # 5 October 2025 falls in the holiday of 1–8 October: September's report is due on Thursday 9 October.
    assert of(run(records(reports=with_report(9, "2025-10-09"))), "late_report").empty
    found = of(run(records(reports=with_report(9, "2025-10-10"))), "late_report")
    assert found["date"].tolist() == ["2025-10-09"]
    # Nothing is said while the moved due day runs: on 9 October a missing report is not late yet.
    missing = [r for r in monthly_reports() if r["month"] != "2025-09"]
    assert of(run(records(reports=missing), as_of=dt.date(2025, 10, 9)), "late_report").empty
    assert of(run(records(reports=missing), as_of=dt.date(2025, 10, 10)), "late_report")["date"].tolist() == ["2025-10-09"]


def test_a_rulebook_that_does_not_move_deadlines_keeps_the_5th():
    fixed = replace(RULEBOOK, watch=replace(RULEBOOK.watch, move_rest_day_deadlines=False))
    found = of(watch(records(reports=with_report(9, "2025-10-09")), year=2025, as_of=LATE, rulebook=fixed),
               "late_report")
    assert found["date"].tolist() == ["2025-10-05"]


def test_the_portal_and_the_watch_share_the_moved_due_day():
    recs = records(reports=with_report(9, "2025-10-09"))
    months = report_months(recs, credit_code=A, year=2025, as_of=LATE, rulebook=RULEBOOK).set_index("month")
    assert months.loc["2025-09-01", "due"] == pd.Timestamp("2025-10-09")
    assert months.loc["2025-09-01", "status"] == "on_time"
    due = due_reports(recs, year=2025, as_of=LATE, rules=RULEBOOK.watch).set_index("month")
    assert due.loc["2025-09-01", "date"] == pd.Timestamp("2025-10-09")


def test_a_month_with_no_visits_still_needs_its_report():
    reports = [r for r in monthly_reports() if r["month"] != "2025-07"]
    found = of(run(records(reports=reports, visits=[visit("2025-03-12")], contracts=[contract(per_year=1)])),
               "late_report")
    assert found["date"].tolist() == ["2025-08-05"] and "未报送" in found["evidence"].iat[0]


def test_a_missing_report_is_suggested_only_once_its_due_day_has_passed():
    reports = [r for r in monthly_reports() if r["month"] != "2025-07"]
    assert of(run(records(reports=reports), as_of=dt.date(2025, 8, 5)), "late_report").empty
    assert len(of(run(records(reports=reports), as_of=dt.date(2025, 8, 6)), "late_report")) == 1


def test_a_visit_row_counts_as_its_months_report_and_months_start_at_filing():
    reports = [r for r in monthly_reports() if r["month"] != "2025-06"]
    with_visit = [visit("2025-06-10", submitted="2025-07-04")]
    assert of(run(records(reports=reports, visits=with_visit, contracts=[contract(per_year=1)])), "late_report").empty
    filed_in_may = records(registry=[registry(filed="2025-05-20", commitment="2025-05-20")], reports=monthly_reports()[4:])
    assert of(run(filed_in_may), "late_report").empty


# --- 第九条: filing, commitment, changes ----------------------------------------------------------------------


def test_an_agency_serving_before_it_filed_and_one_never_filed():
    recs = records(registry=[registry(filed="2025-03-12", commitment="2025-03-12")],
                   visits=[visit("2025-03-11"), visit("2025-03-12"), visit("2025-03-05", code=B)],
                   contracts=[contract(per_year=1), contract(per_year=1, code=B)],
                   reports=[*monthly_reports()[2:], *monthly_reports(B)[2:]])
    found = of(run(recs), "served_before_filing")
    assert found[["credit_code", "date", "clause"]].values.tolist() == [[A, "2025-03-11", "3.1"], [B, "2025-03-05", "3.1"]]
    assert "没有该机构" in found["evidence"].iat[1] and found["agency_name"].iat[1] == ""


def test_a_commitment_letter_missing_by_the_as_of_day():
    recs = records(registry=[registry(commitment="2025-03-01")])
    assert of(run(recs, as_of=dt.date(2025, 3, 1)), "no_commitment").empty
    found = of(run(recs, as_of=dt.date(2025, 2, 28)), "no_commitment")
    assert found[["date", "clause"]].values.tolist() == [["2025-01-02", "3.2"]]


def change(changed: str, reported: str | None, practitioner: str = "") -> dict:
    return {"credit_code": A, "item": "执业人员变动" if practitioner else "办公地址", "practitioner": practitioner,
            "changed_on": changed, "reported_on": reported}


def test_a_change_reported_on_the_10th_working_day_across_national_day_is_on_time_and_the_11th_late():
    # From Friday 26 September 2025: Sunday 28 Sep (调休) is day 1, 1–8 Oct are off, Saturday 11 Oct (调休) counts.
    calendar = WorkCalendar.default()
    tenth = calendar.after(dt.date(2025, 9, 26), 10)
    eleventh = calendar.after(dt.date(2025, 9, 26), 11)
    assert tenth == dt.date(2025, 10, 16) and eleventh == dt.date(2025, 10, 17)
    assert of(run(records(changes=[change("2025-09-26", tenth.isoformat())])), "late_change").empty
    found = of(run(records(changes=[change("2025-09-26", eleventh.isoformat())])), "late_change")
    assert found[["date", "clause", "assessor"]].values.tolist() == [["2025-10-16", "3.4", "bureau"]]


def test_a_practitioner_joining_is_a_change_reported_by_name_and_date_or_not_at_all():
    person = {"credit_code": A, "name": "李四", "id_number": id_number(4), "specialty": "电气", "joined_on": "2025-05-06"}
    unreported = of(run(records(practitioners=[person])), "late_change")
    assert len(unreported) == 1 and "李四" in unreported["evidence"].iat[0]
    reported = records(practitioners=[person], changes=[change("2025-05-06", "2025-05-08", "李四")])
    assert of(run(reported), "late_change").empty


def test_the_10th_working_day_across_spring_festival_with_its_tiaoxiu_days():
    # From Friday 24 January 2025: Sunday 26 January (调休) is day 1, the 27th day 2, 28 January – 4 February off,
    # then 5, 6, 7 February, Saturday 8 February (调休), 10, 11, 12, 13 February: the 10th is Thursday 13 February.
    calendar = WorkCalendar.default()
    assert calendar.is_workday(dt.date(2025, 1, 26)) and calendar.is_workday(dt.date(2025, 2, 8))
    assert calendar.after(dt.date(2025, 1, 24), 10) == dt.date(2025, 2, 13)
    assert of(run(records(changes=[change("2025-01-24", "2025-02-13")])), "late_change").empty
    found = of(run(records(changes=[change("2025-01-24", "2025-02-14")])), "late_change")
    assert found[["date", "clause"]].values.tolist() == [["2025-02-13", "3.4"]]


def weekdays_only(*years: int) -> WorkCalendar:
    """A calendar of `years` (Monday–Friday working, 1 January off) and no other year: no library will ever cover
    2098 or 2099, so what waits for a missing year stays missing whatever chinesecalendar version is installed."""
    return WorkCalendar({y: YearDays(frozenset({dt.date(y, 1, 1)}), frozenset()) for y in years})


def test_a_missing_calendar_year_never_stops_the_rest_and_lists_what_waits():
    # 2098's changes and December report cross into 2099, a year the calendar does not cover.
    recs = records(registry=[registry(filed="2098-01-06", commitment="2098-01-06")],
                   reports=with_report(12, "2099-01-08", year=2098),
                   visits=[visit("2098-03-10", hazards=1, advice="否")], contracts=[contract("2098-01-01", "2098-12-31", 1)],
                   changes=[change("2098-12-24", None), change("2098-12-01", None), change("2098-12-28", "2099-01-06")])
    result = judge(recs, year=2098, as_of=dt.date(2099, 3, 1), rulebook=RULEBOOK, calendar=weekdays_only(2098))
    decided = result.suggestions
    # Decided: the hazards without advice, and the change of Monday 1 December (its 10th working day is in 2098).
    assert sorted(decided["rule"]) == ["late_change", "no_written_advice"]
    assert of(decided, "late_change")["date"].tolist() == ["2098-12-15"]
    # Waiting: the unreported change of 24 December and December's report filed after the 5th; the change of
    # 28 December reported 9 days later is on time under any calendar.
    waiting = result.waiting
    assert sorted(waiting["rule"]) == ["late_change", "late_report"] and set(waiting["missing_year"]) == {2099}
    assert result.missing_years() == {2099: 2}
    assert (waiting["date"] <= "2099-03-01").all() and waiting["evidence"].str.contains("2099年").all()
    # Once the year is added as data, every waiting item is decided, under the key it waited with.
    added = judge(recs, year=2098, as_of=dt.date(2099, 3, 1), rulebook=RULEBOOK, calendar=weekdays_only(2098, 2099))
    assert added.waiting.empty and set(waiting["key"]) <= set(added.suggestions["key"])
    # 5 January 2099 is a Monday, a working day: a report on the 8th is late.
    assert of(added.suggestions, "late_report")["date"].tolist() == ["2099-01-05"]


def test_a_report_in_by_the_unmoved_5th_is_on_time_without_the_next_years_calendar():
    recs = records(registry=[registry(filed="2098-01-06", commitment="2098-01-06")],
                   reports=with_report(12, "2099-01-05", year=2098))
    result = judge(recs, year=2098, as_of=dt.date(2099, 3, 1), rulebook=RULEBOOK, calendar=weekdays_only(2098))
    assert result.suggestions.empty and result.waiting.empty


def test_the_practitioners_an_agency_filed_with_are_no_late_changes():
    # Filed on 12 March 2025: who joined before or on that day is part of the filing; who joined after is a change.
    filed = registry(filed="2025-03-12", commitment="2025-03-12")
    initial = [{**person(A, "2024-06-01"), "name": "甲"}, {**person(A, "2025-02-01"), "name": "乙"},
               {**person(A, "2025-03-12"), "name": "丙"}]
    assert of(run(records(registry=[filed], practitioners=initial, reports=monthly_reports()[2:])), "late_change").empty
    later = [*initial, {**person(A, "2025-03-13"), "name": "丁"}]
    found = of(run(records(registry=[filed], practitioners=later, reports=monthly_reports()[2:])), "late_change")
    assert len(found) == 1 and "丁入职" in found["evidence"].iat[0]
    # No filing known yet: no change of it either (serving without a filing is 3.1).
    assert of(run(records(registry=[], practitioners=later, reports=[])), "late_change").empty


# --- 第十一条 and Annex 3 -------------------------------------------------------------------------------------


def test_a_visit_before_its_contract_was_signed_is_a_3_3_that_says_so():
    # The contract's term starts 1 January but it was signed on 1 March: a visit of 10 February had no contract.
    late_signed = [contract(per_year=1, signed="2025-03-01")]
    found = of(run(records(visits=[visit("2025-02-10"), visit("2025-03-05")], contracts=late_signed)),
               "visit_without_contract")
    assert found[["date", "clause"]].values.tolist() == [["2025-02-10", "3.3"]]
    assert "签订于2025-03-01" in found["evidence"].iat[0] and "签订于服务之后" in found["evidence"].iat[0]
    assert of(run(records(visits=[visit("2025-03-01")], contracts=late_signed)), "visit_without_contract").empty
    # No contract at all: the evidence says there is none.
    bare = of(run(records(visits=[visit("2025-02-10")])), "visit_without_contract")
    assert "没有该机构与该企业覆盖服务日期的服务合同" in bare["evidence"].iat[0]


def test_a_visit_naming_a_contract_is_judged_against_that_contract_only():
    both = [contract(per_year=1), contract("2025-06-01", "2026-05-31", 1, number="HT-2")]
    # HT-1 covers 10 March, but the visit names HT-2, which starts in June: not covered.
    found = of(run(records(visits=[visit("2025-03-10", number="HT-2")], contracts=both)), "visit_without_contract")
    assert found["date"].tolist() == ["2025-03-10"] and "编号为HT-2" in found["evidence"].iat[0]
    assert of(run(records(visits=[visit("2025-03-10", number="HT-1")], contracts=both)), "visit_without_contract").empty
    assert of(run(records(visits=[visit("2025-03-10")], contracts=both)), "visit_without_contract").empty
    missing = of(run(records(visits=[visit("2025-03-10", number="HT-9")], contracts=both)), "visit_without_contract")
    assert "编号为HT-9" in missing["evidence"].iat[0]


def test_one_visit_under_two_contracts_counts_once():
    # Two full-year contracts of the same client, 1 visit a year each; one visit is made.
    two = [contract(per_year=1, signed="2024-12-01"), contract(per_year=1, number="HT-2", signed="2024-12-15")]
    # Unnamed, it counts for the earliest-signed covering contract (HT-1): HT-2 is short of its visit.
    found = of(run(records(visits=[visit("2025-03-10")], contracts=two)), "too_few_visits")
    assert len(found) == 1 and "HT-2" in found["evidence"].iat[0] and "实际0次" in found["evidence"].iat[0]
    # Named, it counts for the contract it names.
    named = of(run(records(visits=[visit("2025-03-10", number="HT-2")], contracts=two)), "too_few_visits")
    assert len(named) == 1 and "HT-1" in named["evidence"].iat[0]
    # The same day in two reports, one naming HT-2, is one visit: for HT-2.
    twice = of(run(records(visits=[visit("2025-03-10"), visit("2025-03-10", number="HT-2")], contracts=two)),
               "too_few_visits")
    assert len(twice) == 1 and "HT-1" in twice["evidence"].iat[0]
    # Two unnamed visits both count for HT-1; one naming HT-2 and one unnamed leave nothing short.
    assert "HT-2" in of(run(records(visits=[visit("2025-03-10"), visit("2025-04-10")], contracts=two)),
                        "too_few_visits")["evidence"].iat[0]
    assert of(run(records(visits=[visit("2025-03-10"), visit("2025-04-10", number="HT-2")], contracts=two)),
              "too_few_visits").empty


def test_too_few_visits_waits_until_the_last_months_report_is_due():
    # A contract ending 30 June 2025 (4 a year: 1 visit due). June's visits are reported by 7 July (5 July is a
    # Saturday), so it is judged from 8 July.
    ending = [contract(start="2024-07-01", end="2025-06-30", per_year=4)]
    assert of(run(records(contracts=ending), as_of=dt.date(2025, 7, 7)), "too_few_visits").empty
    found = of(run(records(contracts=ending), as_of=dt.date(2025, 7, 8)), "too_few_visits")
    assert found["date"].tolist() == ["2025-06-30"]
    # A June visit filed on 7 July counts.
    visited = records(contracts=ending, visits=[visit("2025-06-20", submitted="2025-07-07")])
    assert of(run(visited, as_of=dt.date(2025, 7, 8)), "too_few_visits").empty


def test_a_visit_outside_every_contract_is_suggested_once_per_client_for_the_clients_town():
    recs = records(visits=[visit("2025-02-10"), visit("2025-02-20"), visit("2025-03-01")],
                   contracts=[contract(start="2025-03-01", per_year=1)])
    found = of(run(recs), "visit_without_contract")
    assert found[["date", "clause", "assessor"]].values.tolist() == [["2025-02-10", "3.3", "华士镇"]]
    assert "第2、3行" in found["evidence"].iat[0]


def test_visits_are_pro_rated_for_a_contract_starting_mid_year():
    # 1 July – 31 December 2025 is 184 of 365 days: 12 × 184 / 365 = 6.05 → at least 6 visits.
    days = ["2025-07-10", "2025-08-10", "2025-09-10", "2025-10-10", "2025-11-10", "2025-12-10"]
    mid_year = [contract(start="2025-07-01", end="2026-06-30")]
    reports = monthly_reports()
    assert of(run(records(visits=[visit(d) for d in days], contracts=mid_year, reports=reports)), "too_few_visits").empty
    found = of(run(records(visits=[visit(d) for d in days[:5]], contracts=mid_year, reports=reports)), "too_few_visits")
    assert found[["date", "clause", "assessor"]].values.tolist() == [["2025-12-31", "3.6", "华士镇"]]
    assert "应至少服务6次" in found["evidence"].iat[0] and "实际5次" in found["evidence"].iat[0]


def test_the_same_visit_in_two_reports_counts_once_and_a_contract_ending_mid_year_is_dated_at_its_end():
    ending = [contract(start="2024-07-01", end="2025-06-30", per_year=4)]  # 181/365 × 4 = 1.98 → 1 visit
    twice = [visit("2025-03-10"), visit("2025-03-10")]
    assert of(run(records(visits=twice, contracts=ending)), "too_few_visits").empty
    found = of(run(records(visits=[], contracts=[{**ending[0], "visits_per_year": 5}])), "too_few_visits")
    assert found["date"].tolist() == ["2025-06-30"]
    assert of(run(records(visits=[], contracts=ending), as_of=dt.date(2025, 6, 30)), "too_few_visits").empty


def person(code: str, joined: str, left: str | None = None) -> dict:
    return {"credit_code": code, "name": "王五", "id_number": id_number(5), "specialty": "化工",
            "joined_on": joined, "left_on": left}


def test_leaving_on_the_31st_and_joining_another_on_the_1st_is_no_shared_day():
    recs = records(practitioners=[person(A, "2024-01-01", "2025-03-31"), person(B, "2025-04-01")])
    assert of(run(recs), "shared_practitioner").empty


def test_a_same_day_handover_is_no_2_4_and_two_shared_days_are_a_2_4_for_each_agency():
    handover = records(practitioners=[person(A, "2024-01-01", "2025-04-01"), person(B, "2025-04-01")])
    assert of(run(handover), "shared_practitioner").empty
    recs = records(practitioners=[person(A, "2024-01-01", "2025-04-02"), person(B, "2025-04-01")])
    found = of(run(recs), "shared_practitioner")
    assert found[["credit_code", "date", "clause", "assessor"]].values.tolist() == [
        [A, "2025-04-01", "2.4", "bureau"], [B, "2025-04-01", "2.4", "bureau"]]
    assert id_number(5) not in found["evidence"].iat[0]  # only the last four digits are shown
    # Known on 1 April there is one shared day so far: nothing yet; the second day makes it one.
    assert of(run(recs, as_of=dt.date(2025, 4, 1)), "shared_practitioner").empty
    assert len(of(run(recs, as_of=dt.date(2025, 4, 2)), "shared_practitioner")) == 2


def test_hazards_without_written_advice():
    recs = records(visits=[visit("2025-03-10", hazards=0, advice="否"), visit("2025-03-11", hazards=1, advice="是"),
                           visit("2025-03-12", hazards=1, advice="N")], contracts=[contract(per_year=1)])
    found = of(run(recs), "no_written_advice")
    assert found[["date", "clause", "assessor"]].values.tolist() == [["2025-03-12", "3.7", "华士镇"]]


def test_short_contracts_and_few_contracted_visits_are_notes_not_findings():
    recs = records(contracts=[contract("2025-01-15", "2026-01-14", 6), {**contract("2025-02-01", "2026-01-30", 5),
                                                                         "contract_no": "HT-2"}])
    notes = watch_notes(recs, year=2025, as_of=LATE, rulebook=RULEBOOK)
    assert sorted(notes["rule"]) == ["few_visits_contracted", "short_contract"]
    assert (notes["evidence"].str.contains("HT-2")).all()


def test_full_year_contracts_with_enough_visits_have_no_notes():
    # A year with nothing short once noted every contract as short (an empty frame took the evidence's index).
    recs = records(contracts=[contract(), {**contract(per_year=6), "contract_no": "HT-2"}])
    assert watch_notes(recs, year=2025, as_of=LATE, rulebook=RULEBOOK).empty


# --- the whole ------------------------------------------------------------------------------------------------


def busy_records() -> ServiceRecords:
    return records(
        registry=[registry(filed="2025-03-12", commitment="")],
        visits=[visit("2025-03-11", hazards=2, advice="否"), visit("2025-05-02"), visit("2025-05-02", code=B)],
        contracts=[contract(start="2025-04-01", per_year=24)],
        practitioners=[person(A, "2024-01-01", "2025-04-02"), person(B, "2025-04-01")],
        changes=[change("2025-06-03", None)], reports=monthly_reports()[5:])


def test_a_run_as_of_a_day_before_later_filings_sees_nothing_of_them():
    # Everything below is filed or happens after 6 April 2025; as of that day the watch knows none of it.
    as_of = dt.date(2025, 4, 6)
    later = records(
        registry=[registry(filed="2025-01-02", commitment="2025-05-01")],
        visits=[visit("2025-03-20", submitted="2025-04-28", hazards=2, advice="否"),  # filed after as-of
                visit("2025-10-24", hazards=1, advice="否", submitted="2025-10-28")],  # happens after as-of
        contracts=[contract(per_year=24)],
        practitioners=[person(A, "2025-05-01"), person(B, "2025-05-01")],
        changes=[change("2025-03-03", "2025-04-20"), change("2025-05-06", None)],
        reports=[r for r in monthly_reports() if r["submitted_on"] > "2025-04-06"])
    found = run(later, as_of=as_of)
    assert (found["date"] <= as_of.isoformat()).all()
    assert set(found["rule"]) == {"no_commitment", "late_report", "late_change"}
    # January's and February's reports were due by then and had not come; March's is not due yet (7 April).
    assert of(found, "late_report")["date"].tolist() == ["2025-02-05", "2025-03-05"]
    # The change of 3 March was reported on 20 April: not yet reported on 6 April, past its deadline of 17 March.
    assert "截至2025-04-06未告知" in of(found, "late_change")["evidence"].iat[0]
    assert not found["evidence"].str.contains("2025-10-24|2025-04-28").any()
    # The watch of the whole year later finds the rest.
    assert {"no_written_advice", "shared_practitioner"} <= set(run(later)["rule"])


def test_a_rerun_gives_the_same_keys_and_every_key_is_distinct():
    first, second = run(busy_records()), run(busy_records())
    assert first["key"].tolist() == second["key"].tolist()
    assert first["key"].is_unique and len(set(first["rule"])) == 8


def test_a_later_as_of_day_keeps_the_keys_of_earlier_suggestions():
    earlier = run(busy_records(), as_of=dt.date(2025, 9, 1))
    later = run(busy_records())
    assert set(earlier["key"]) <= set(later["key"])


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffling_the_rows_never_changes_the_suggestions(random):
    recs = busy_records()
    shuffled = ServiceRecords({kind: table.sample(frac=1, random_state=random.randint(0, 2**31))
                               for kind, table in recs.tables.items()})
    pd.testing.assert_frame_equal(run(shuffled), run(recs))


def test_an_updated_registry_counts_as_one_filing_its_first_with_its_earliest_commitment():
    first = records(registry=[registry(filed="2025-03-12", commitment="")])
    update = read_records("registry", records_csv("registry", [{**registry(filed="2025-05-02", commitment="2025-05-02"),
                                                               "agency_name": "新名称"}]), name="update.csv")
    recs = ServiceRecords({**first.tables, "registry": pd.concat([first["registry"], update], ignore_index=True)},)
    recs.tables["visits"] = read_records("visits", records_csv("visits", [visit("2025-03-11")]), name="v.csv")
    found = run(recs, as_of=dt.date(2025, 4, 30))
    assert of(found, "served_before_filing")["date"].tolist() == ["2025-03-11"]  # before its first filing
    assert of(found, "no_commitment")["date"].tolist() == ["2025-03-12"]  # none yet on 30 April
    assert set(found["agency_name"]) == {f"机构{A[-3:]}"}  # the update of May is not known on 30 April
    later = run(recs)
    assert of(later, "no_commitment").empty and set(later["agency_name"]) == {"新名称"}  # filed with the update
