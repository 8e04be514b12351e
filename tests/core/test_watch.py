"""The compliance watch: each rule at its boundaries, stable keys, and row order never changing a suggestion."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rulebook import load_rulebook
from core.service_records import ServiceRecords, read_records
from core.watch import SUGGESTION_COLUMNS, watch, watch_notes
from core.workdays import WorkCalendar
from tests.core.factory import uscc
from tests.core.records_factory import id_number, records_csv

A, B, CLIENT = uscc(1), uscc(2), uscc(501)
RULEBOOK = load_rulebook()
LATE = dt.date(2026, 6, 30)  # an as-of day after every deadline of 2025


def registry(code: str = A, filed: str = "2025-01-02", commitment: str = "2025-01-02") -> dict:
    return {"credit_code": code, "agency_name": f"机构{code[-3:]}", "office_address": "澄江街道",
            "filed_on": filed, "commitment_on": commitment}


def visit(day: str, *, code: str = A, submitted: str | None = None, hazards: int = 0, advice: str = "是",
          client: str = CLIENT) -> dict:
    d = dt.date.fromisoformat(day)
    return {"credit_code": code, "month": f"{d:%Y-%m}", "submitted_on": submitted or f"{d:%Y-%m}-28",
            "client_code": client, "client_name": "甲化工", "town": "华士", "visit_date": day,
            "practitioner": "张三", "hazards": hazards, "written_advice": advice}


def contract(start: str = "2025-01-01", end: str = "2025-12-31", per_year: int = 12, *, code: str = A) -> dict:
    return {"credit_code": code, "client_code": CLIENT, "client_name": "甲化工", "town": "华士镇",
            "contract_no": "HT-1", "signed_on": start, "start": start, "end": end, "visits_per_year": per_year}


def monthly_reports(code: str = A, day: int = 3) -> list[dict]:
    return [{"credit_code": code, "month": f"2025-{m:02d}", "submitted_on": f"{2025 + (m == 12)}-{m % 12 + 1:02d}-{day:02d}"}
            for m in range(1, 13)]


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
    assert list(found.columns) == list(SUGGESTION_COLUMNS) and found.empty


# --- 第十条: monthly reports -----------------------------------------------------------------------------------


def test_a_report_on_the_5th_is_on_time_and_on_the_6th_late():
    on_time = monthly_reports(day=5)
    late = [*monthly_reports(day=5)[:2], {**monthly_reports()[2], "submitted_on": "2025-04-06"}, *monthly_reports()[3:]]
    assert of(run(records(reports=on_time)), "late_report").empty
    found = of(run(records(reports=late)), "late_report")
    assert found[["clause", "date", "assessor"]].values.tolist() == [["3.4", "2025-04-05", "bureau"]]
    assert "2025-03" in found["evidence"].iat[0] and "第4行" in found["evidence"].iat[0]


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


def test_a_year_past_the_calendar_is_an_explicit_error_until_added_as_data(tmp_path):
    from core.workdays import CalendarMissing, load_holidays

    recs = records(changes=[{**change("2027-04-30", None)}])
    as_of = dt.date(2027, 12, 31)
    try:
        watch(recs, year=2027, as_of=as_of, rulebook=RULEBOOK)  # chinesecalendar 1.11 stops at 2026
    except CalendarMissing as exc:
        assert exc.year == 2027 and "2027" in str(exc)
    else:
        raise AssertionError("a year without a calendar was guessed")
    path = tmp_path / "holidays.toml"
    path.write_text('[years.2027]\nholidays = ["2027-05-01", "2027-05-03"]\nworking_weekends = ["2027-05-08"]\n',
                    encoding="utf-8")
    found = of(watch(recs, year=2027, as_of=as_of, rulebook=RULEBOOK, calendar=WorkCalendar(load_holidays(path))),
               "late_change")
    # Friday 30 April: 1–3 May off (a weekend and a holiday), then 4–7, Saturday 8 (调休), 10–14 May.
    assert found["date"].tolist() == ["2027-05-14"]


# --- 第十一条 and Annex 3 -------------------------------------------------------------------------------------


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


def test_one_shared_day_is_a_2_4_for_each_agency():
    recs = records(practitioners=[person(A, "2024-01-01", "2025-04-01"), person(B, "2025-04-01")])
    found = of(run(recs), "shared_practitioner")
    assert found[["credit_code", "date", "clause", "assessor"]].values.tolist() == [
        [A, "2025-04-01", "2.4", "bureau"], [B, "2025-04-01", "2.4", "bureau"]]
    assert id_number(5) not in found["evidence"].iat[0]  # only the last four digits are shown


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
        practitioners=[person(A, "2024-01-01", "2025-04-01"), person(B, "2025-04-01")],
        changes=[change("2025-06-03", None)], reports=monthly_reports()[5:])


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
    assert set(found["agency_name"]) == {"新名称"}
    assert of(run(recs), "no_commitment").empty  # filed with the update in May
