"""Service facts from records read in code: each count, the on-time rule shared with the watch, the facts' year."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.rulebook import load_rulebook
from core.service_facts import (
    CONTRACT_FACT_COLUMNS,
    FACT_COLUMNS,
    contract_facts,
    facts_as_of,
    facts_year,
    reports_as_of,
    service_facts,
    serving,
)
from core.service_records import ServiceRecords, read_records
from core.watch import due_reports, watch
from tests.builders import credit_code, id_number, records_csv

A, B = credit_code(1), credit_code(2)
RULES = load_rulebook().watch
DUE_DAY = RULES.report_due_day
AS_OF = dt.date(2025, 7, 20)


def records(**rows: list[dict[str, object]]) -> ServiceRecords:
    return ServiceRecords({kind: read_records(kind, records_csv(kind, r), name=f"{kind}.csv") for kind, r in rows.items()})


def person(i: int, specialty: str, code: str = A, joined: str = "2024-01-01", left: str | None = None) -> dict:
    return {"credit_code": code, "name": f"人员{i}", "id_number": id_number(i), "specialty": specialty,
            "joined_on": joined, "left_on": left}


def contract(no: str, client: int, town: str, start: str = "2025-01-01", end: str = "2025-12-31",
             code: str = A) -> dict:
    return {"credit_code": code, "client_code": credit_code(500 + client), "client_name": f"企业{client}", "town": town,
            "contract_no": no, "signed_on": "2024-12-01", "start": start, "end": end, "visits_per_year": "6"}


def visit(day: str, client: int, submitted: str, code: str = A) -> dict:
    return {"credit_code": code, "month": day[:7], "submitted_on": submitted, "client_code": credit_code(500 + client),
            "client_name": f"企业{client}", "town": "华士", "visit_date": day, "practitioner": "人员1", "hazards": "0",
            "written_advice": "否"}


def facts_of(rs: ServiceRecords, as_of: dt.date = AS_OF) -> pd.DataFrame:
    return service_facts(rs, year=2025, as_of=as_of, rules=RULES).set_index("credit_code")


def test_towns_and_clients_come_from_the_contracts_running_in_the_year():
    rs = records(contracts=[contract("1", 1, "华士"), contract("2", 1, "璜土"), contract("3", 2, "华士"),
                            contract("old", 3, "周庄", "2023-01-01", "2024-12-31")])
    row = facts_of(rs).loc[A]
    assert row["towns"] == "璜土镇;华士镇"  # the official order, each once; 周庄's contract ended before the year
    assert (row["clients"], row["contracts"]) == (2, 3)


def test_practitioners_count_those_employed_on_the_as_of_date_once_per_person():
    rs = records(practitioners=[person(1, "机械"), person(1, "机械"), person(2, "电气", left="2025-03-01"),
                                person(3, "消防", joined="2025-09-01"), person(4, "其他"), person(5, "化工")])
    row = facts_of(rs).loc[A]
    assert (row["people_mechanical"], row["people_electrical"], row["people_chemical"], row["people_fire"]) == (
        1, 0, 1, 0)
    assert row["people"] == 3  # 其他 counts among all, in no specialty column


def test_on_time_share_uses_the_watch_s_due_day_and_agrees_with_its_late_reports():
    rs = records(registry=[{"credit_code": A, "agency_name": "甲", "office_address": "澄江", "filed_on": "2025-01-10",
                            "commitment_on": "2025-01-10"}],
                 reports=[{"credit_code": A, "month": "2025-01", "submitted_on": f"2025-02-0{DUE_DAY}"},  # the day: on time
                          {"credit_code": A, "month": "2025-02", "submitted_on": f"2025-03-0{DUE_DAY + 1}"},  # late
                          {"credit_code": A, "month": "2025-03", "submitted_on": "2025-04-01"}])
    row = facts_of(rs).loc[A]
    assert (row["reports_due"], row["reports_on_time"]) == (6, 2)  # January to June were due by 20 July
    assert row["on_time_share"] == pytest.approx(2 / 6)
    late = watch(rs, year=2025, as_of=AS_OF, rulebook=load_rulebook())
    assert (late["rule"] == "late_report").sum() == row["reports_due"] - row["reports_on_time"]
    assert len(due_reports(rs, year=2025, as_of=AS_OF, rules=RULES)) == row["reports_due"]


def test_visits_are_distinct_days_per_client_up_to_the_as_of_date():
    rs = records(contracts=[contract("1", 1, "华士"), contract("2", 2, "华士")],
                 visits=[visit("2025-03-02", 1, "2025-04-01"), visit("2025-03-02", 1, "2025-04-02"),
                         visit("2025-03-02", 2, "2025-04-01"), visit("2025-05-09", 1, "2025-06-01"),
                         visit("2025-08-01", 1, "2025-09-01")])
    row = facts_of(rs).loc[A]
    assert row["visits"] == 3 and row["visits_per_contract"] == 1.5
    assert row["last_filed"] == pd.Timestamp("2025-06-01")  # what was filed after the as-of date is not yet known


def test_an_agency_without_contracts_or_due_reports_has_no_ratio_rather_than_zero():
    rs = records(practitioners=[person(1, "机械", code=B)])
    row = facts_of(rs, dt.date(2025, 1, 2)).loc[B]
    assert row["towns"] == "" and pd.isna(row["visits_per_contract"]) and pd.isna(row["on_time_share"])


def test_no_records_give_an_empty_table_with_every_column_that_serves_nobody():
    found = service_facts(ServiceRecords(), year=2025, as_of=AS_OF, rules=RULES)
    assert found.empty and tuple(found.columns) == FACT_COLUMNS
    assert tuple(serving(found, town="璜土镇", specialty="机械").columns) == FACT_COLUMNS


def test_serving_needs_the_town_and_a_current_practitioner_of_the_specialty():
    rs = records(contracts=[contract("1", 1, "璜土"), contract("2", 2, "华士", code=B)],
                 practitioners=[person(1, "机械"), person(2, "电气", code=B), person(3, "机械", code=B, left="2025-02-01")])
    found = service_facts(rs, year=2025, as_of=AS_OF, rules=RULES)
    assert serving(found, town="璜土镇", specialty="机械")["credit_code"].tolist() == [A]
    assert serving(found, town="华士镇", specialty="机械").empty  # B's mechanical engineer has left
    assert serving(found, town="华士镇")["credit_code"].tolist() == [B]


def test_the_facts_year_is_this_year_or_the_last_year_a_started_contract_ran():
    spans = [(dt.date(2024, 1, 1), dt.date(2025, 6, 30)), (dt.date(2027, 1, 1), dt.date(2027, 12, 31))]
    assert facts_year(spans, dt.date(2025, 3, 1)) == 2025
    assert facts_year(spans, dt.date(2026, 3, 1)) == 2025  # nothing filed for 2026 yet: last year's facts
    assert facts_year([], dt.date(2026, 3, 1)) == 2026
    assert facts_as_of(2025, dt.date(2026, 3, 1)) == dt.date(2025, 12, 31)
    assert facts_as_of(2026, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)


def test_a_past_year_s_reports_count_to_the_day_after_december_s_due_day():
    assert reports_as_of(2025, dt.date(2026, 3, 1), RULES) == dt.date(2026, 1, DUE_DAY + 1)
    assert reports_as_of(2025, dt.date(2026, 1, DUE_DAY), RULES) == dt.date(2026, 1, DUE_DAY)
    assert reports_as_of(2026, dt.date(2026, 7, 1), RULES) == dt.date(2026, 7, 1)


@pytest.mark.parametrize(("submitted", "today", "due", "on_time"), [
    (f"2026-01-0{DUE_DAY}", dt.date(2026, 1, DUE_DAY), 11, 0),  # December not due yet on its due day
    (f"2026-01-0{DUE_DAY}", dt.date(2026, 1, DUE_DAY + 1), 12, 1),  # the day after: due, and came on time
    (f"2026-01-0{DUE_DAY + 1}", dt.date(2026, 2, 1), 12, 0),  # came a day late
])
def test_december_s_report_counts_in_its_own_year_once_due(submitted, today, due, on_time):
    months = [{"credit_code": A, "month": f"2025-{m:02d}", "submitted_on": f"2025-{m + 1:02d}-20"} for m in range(1, 12)]
    rs = records(registry=[{"credit_code": A, "agency_name": "甲", "office_address": "澄江", "filed_on": "2025-01-10",
                            "commitment_on": "2025-01-10"}],
                 reports=[*months, {"credit_code": A, "month": "2025-12", "submitted_on": submitted}])
    row = service_facts(rs, year=2025, as_of=facts_as_of(2025, today), rules=RULES,
                        reports_to=reports_as_of(2025, today, RULES)).set_index("credit_code").loc[A]
    assert (row["reports_due"], row["reports_on_time"]) == (due, on_time)


def test_visits_delivered_count_the_contract_s_first_and_last_day_and_not_a_day_outside_it():
    # 1 March to 31 August 2025: 184 of the year's 365 days; 12 a year prorated is 12 × 184 ÷ 365 = 6.05 → 6 owed.
    term = {**contract("1", 1, "华士", "2025-03-01", "2025-08-31"), "visits_per_year": "12"}
    rs = records(contracts=[term],
                 visits=[visit("2025-02-28", 1, "2025-03-01"), visit("2025-03-01", 1, "2025-04-01"),
                         visit("2025-08-31", 1, "2025-09-01"), visit("2025-09-01", 1, "2025-10-01")])
    owed = contract_facts(rs, year=2025, as_of=dt.date(2025, 12, 31))
    assert tuple(owed.columns) == CONTRACT_FACT_COLUMNS
    assert owed[["delivered", "contracted"]].values.tolist() == [[2, 6]]  # the first day and the last day only
    row = service_facts(rs, year=2025, as_of=dt.date(2025, 12, 31), rules=RULES).set_index("credit_code").loc[A]
    assert (row["visits_delivered"], row["visits_contracted"]) == (2, 6)


def test_a_visit_counts_once_it_is_filed_and_for_one_contract_only():
    # Two overlapping contracts with the same client: a visit counts for the earliest-signed one that covers it.
    later = {**contract("2", 1, "华士"), "signed_on": "2024-12-20"}
    rs = records(contracts=[contract("1", 1, "华士"), later],
                 visits=[visit("2025-03-02", 1, "2025-04-01"), visit("2025-07-01", 1, "2025-08-01")])
    owed = contract_facts(rs, year=2025, as_of=AS_OF)  # 20 July: the July visit is not filed yet
    assert owed[["delivered", "contracted"]].values.tolist() == [[1, 6], [0, 6]]
    assert facts_of(rs).loc[A, "visits_delivered"] == 1


def test_contracted_is_the_floor_the_watch_holds_an_agency_to():
    # Short by one of the prorated floor: the watch's too_few_visits names the same two numbers.
    rs = records(contracts=[contract("1", 1, "华士")],
                 visits=[visit(f"2025-0{m}-03", 1, f"2025-0{m}-20") for m in range(1, 6)])
    owed = contract_facts(rs, year=2025, as_of=dt.date(2026, 3, 1))
    assert owed[["delivered", "contracted"]].values.tolist() == [[5, 6]]
    found = watch(rs, year=2025, as_of=dt.date(2026, 3, 1), rulebook=load_rulebook())
    short = found[found["rule"] == "too_few_visits"]["evidence"].iloc[0]
    assert "应至少服务6次" in short and "实际5次" in short


def test_a_contract_across_two_years_owes_and_counts_only_its_part_in_the_facts_year():
    # 1 July 2024 to 30 June 2025: 181 days of 2025; 12 × 181 ÷ 365 = 5.95 → 5. A visit of 2024 is the other year's.
    term = {**contract("1", 1, "华士", "2024-07-01", "2025-06-30"), "signed_on": "2024-06-01", "visits_per_year": "12"}
    rs = records(contracts=[term],
                 visits=[visit("2024-12-31", 1, "2025-01-03"), visit("2025-01-01", 1, "2025-02-01"),
                         visit("2025-06-30", 1, "2025-07-01")])
    owed = contract_facts(rs, year=2025, as_of=dt.date(2025, 12, 31))
    assert owed[["delivered", "contracted"]].values.tolist() == [[2, 5]]
    assert (owed["from"].iloc[0], owed["to"].iloc[0]) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-30"))
