"""Rating: scores, floors, grades, blacklisting and the explanation, from findings built in code."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from core.rating import explain_rows, output_rows, rate
from core.rulebook import RULEBOOK_DIR, load_rulebook, parse_rulebook
from core.schema import (
    BLACKLISTED_PRACTITIONER_COLUMNS,
    EXPLANATION_COLUMNS,
    FINDINGS_COLUMNS,
    rating_columns,
)
from core.towns import BUREAU
from tests.builders import OTHER_TOWN, TOWN, agency_name, credit_code, finding, findings_table, roster_table

SINGLE_BUCKET = Path(__file__).parent / "rulebooks" / "single-bucket.toml"
TOWN_PERIOD_DATES = {"Q1": "2025-02-10", "Q2": "2025-05-10", "Q3": "2025-08-10", "Q4": "2025-11-10", "YE": "2025-12-20"}


def one_point_rulebook():
    """jiangyin-2020 plus a 1-point clause, so that totals such as 89 and 59 can be built from findings."""
    raw = tomllib.loads((RULEBOOK_DIR / "jiangyin-2020.toml").read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    raw["clauses"].append({"code": "3.10", "group": "3", "effect": "deduct", "points": 1,
                           "text_zh": "测试用：一次扣1分", "gloss_en": "test: 1 point"})
    return parse_rulebook(raw, origin="one-point")


def findings_losing(points: int, agency: int = 1) -> list[dict]:
    """Findings that cost exactly `points`, spread over the periods so that no floor is reached."""
    tens, rest = divmod(points, 10)
    fives, ones = divmod(rest, 5)
    rows = []
    town_periods = list(TOWN_PERIOD_DATES)
    for i in range(tens):
        if i < len(town_periods):
            p = town_periods[i]
            rows.append(finding(agency, "2.5", period=p, date=TOWN_PERIOD_DATES[p]))
        else:
            rows.append(finding(agency, "2.5", assessor=BUREAU, date="2025-06-01"))
    rows += [finding(agency, "3.3", assessor=BUREAU, date="2025-07-01") for _ in range(fives)]
    rows += [finding(agency, "3.10", assessor=BUREAU, date="2025-08-01") for _ in range(ones)]
    return rows


@pytest.mark.parametrize(
    ("lost", "total", "grade"),
    [(0, 100, "A"), (10, 90, "A"), (11, 89, "B"), (15, 85, "B"), (20, 80, "B"), (21, 79, "C"),
     (40, 60, "C"), (41, 59, "BLACKLIST"), (55, 45, "BLACKLIST"), (100, 0, "BLACKLIST")],
)
def test_each_grade_boundary_is_lower_bound_inclusive(lost, total, grade):
    rating = rate(findings_table(findings_losing(lost)), roster=roster_table([1]), year=2025, rulebook=one_point_rulebook())
    assert rating.table.loc[0, ["total", "grade"]].tolist() == [total, grade]
    assert rating.explanation["points_charged"].sum() == lost


def test_two_town_findings_in_one_quarter_cost_ten():
    rating = rate(findings_table([
        finding(1, "2.5", date="2025-01-10"),
        finding(1, "2.1", date="2025-03-02"),
    ]))
    row = rating.table.iloc[0]
    assert (row["town_score"], row["bureau_score"], row["total"]) == (40, 50, 90)
    assert rating.explain(credit_code(1))[["clause", "points_nominal", "points_charged"]].values.tolist() == [
        ["2.5", 10, 10], ["2.1", 10, 0],
    ]


def test_findings_of_all_towns_share_one_period_floor():
    rating = rate(findings_table([
        finding(1, "2.5", assessor=TOWN, date="2025-04-10"),
        finding(1, "2.5", assessor=OTHER_TOWN, date="2025-05-10"),
    ]))
    assert rating.table.loc[0, "town_score"] == 40


def test_each_period_has_its_own_floor():
    rating = rate(findings_table([
        finding(1, "2.5", date="2025-01-10"),
        finding(1, "2.6", date="2025-01-11"),
        finding(1, "3.3", date="2025-04-10"),
        finding(1, "2.5", period="YE", date="2025-12-28"),
        finding(1, "2.5", period="YE", date="2026-03-02", year=2025),
    ]))
    assert rating.table.loc[0, "town_score"] == 50 - 10 - 5 - 10


def test_six_ten_point_bureau_findings_cost_fifty():
    rating = rate(findings_table([finding(1, "2.5", assessor=BUREAU, date=f"2025-0{m}-15") for m in range(1, 7)]))
    row = rating.table.iloc[0]
    assert (row["town_score"], row["bureau_score"], row["total"], row["grade"]) == (50, 0, 50, "BLACKLIST")
    assert rating.explain(credit_code(1))["points_charged"].tolist() == [10, 10, 10, 10, 10, 0]


def test_the_finding_that_reaches_the_floor_is_charged_only_what_was_left():
    rating = rate(findings_table([
        finding(1, "3.3", date="2025-07-01"),
        finding(1, "2.5", date="2025-07-20"),
    ]))
    assert rating.explain(credit_code(1))["points_charged"].tolist() == [5, 5]


def test_findings_are_charged_in_date_order_whatever_their_row():
    rating = rate(findings_table([
        finding(1, "3.3", date="2025-08-20", row=2),
        finding(1, "2.5", date="2025-08-01", row=3),
    ]))
    assert rating.explain(credit_code(1))[["clause", "points_charged"]].values.tolist() == [["2.5", 10], ["3.3", 0]]


def test_findings_of_the_same_day_are_charged_in_row_order():
    rating = rate(findings_table([
        finding(1, "2.5", date="2025-08-01", row=9),
        finding(1, "3.3", date="2025-08-01", row=4),
    ]))
    assert rating.explain(credit_code(1))[["clause", "row", "points_charged"]].values.tolist() == [["3.3", 4, 5], ["2.5", 9, 5]]


def test_a_blacklist_clause_blacklists_an_agency_with_100_points():
    rating = rate(findings_table([finding(1, "1.3", assessor=BUREAU)]))
    assert rating.table.loc[0, ["total", "grade", "blacklist_clauses"]].tolist() == [100, "BLACKLIST", "1.3"]
    assert rating.explain(credit_code(1))[["points_nominal", "points_charged", "blacklist"]].values.tolist() == [[0, 0, True]]


def test_blacklist_clauses_are_listed_once_each_in_clause_order():
    rating = rate(findings_table([
        finding(1, "1.10", assessor=BUREAU), finding(1, "1.2", assessor=BUREAU),
        finding(1, "1.2", date="2025-03-01"), finding(1, "2.5"),
    ]))
    assert rating.table.loc[0, "blacklist_clauses"] == "1.2;1.10"


def test_a_practitioner_named_in_a_blacklist_finding_is_listed():
    rating = rate(findings_table([
        finding(1, "1.9", assessor=BUREAU, practitioner="王五", date="2025-05-06"),
        finding(1, "1.9", assessor=BUREAU, practitioner="", date="2025-05-07"),
        finding(2, "2.4", practitioner="赵六"),
    ]))
    assert list(rating.practitioners.columns) == list(BLACKLISTED_PRACTITIONER_COLUMNS)
    assert rating.practitioners[["credit_code", "practitioner", "clause"]].values.tolist() == [[credit_code(1), "王五", "1.9"]]


def test_practitioners_in_ten_and_five_point_findings_still_cost_the_agency():
    rating = rate(findings_table([
        finding(1, "2.4", practitioner="赵六", date="2025-02-01"),
        finding(1, "3.6", practitioner="钱七", assessor=BUREAU),
    ]))
    assert rating.table.loc[0, ["total", "grade"]].tolist() == [85, "B"]
    assert rating.practitioners.empty


def test_findings_of_other_years_are_ignored():
    table = findings_table([
        finding(1, "2.5", date="2024-02-01"),
        finding(1, "3.3", date="2025-02-01"),
        finding(2, "1.1", date="2024-05-01", assessor=BUREAU),
        finding(3, "2.5", date="2026-02-01"),
    ])
    rating = rate(table, year=2025)
    assert rating.table[["credit_code", "total", "grade"]].values.tolist() == [[credit_code(1), 95, "A"]]
    assert set(rating.explanation["year"]) == {2025}


def test_the_latest_year_in_the_findings_is_rated_by_default():
    rating = rate(findings_table([finding(1, "2.5", date="2024-02-01"), finding(2, "2.5", date="2023-02-01")]))
    assert rating.year == 2024
    assert rating.table["credit_code"].tolist() == [credit_code(1)]


def test_a_year_end_finding_dated_in_march_of_the_next_year_counts_in_its_year():
    table = findings_table([finding(1, "2.5", period="YE", date="2026-03-20", year=2025)])
    assert rate(table, year=2025).table.loc[0, "total"] == 90
    assert rate(table, year=2025).explain(credit_code(1)).loc[0, "period"] == "YE"
    assert rate(table, year=2026, roster=roster_table([1])).table.loc[0, "total"] == 100


def test_roster_agencies_with_no_findings_are_rated_100_and_A():
    rating = rate(findings_table([finding(2, "2.5")]), roster=roster_table([1, 3], {1: "澄江安全咨询有限公司"}))
    table = rating.table.set_index("credit_code")
    assert table.loc[credit_code(1), ["agency_name", "total", "grade", "blacklist_clauses"]].tolist() == [
        "澄江安全咨询有限公司", 100, "A", "",
    ]
    assert table.loc[credit_code(3), "total"] == 100
    assert table.loc[credit_code(2), "total"] == 90  # an agency with findings is rated even when the roster lacks it


def test_the_roster_name_wins_over_the_name_on_the_findings():
    rating = rate(findings_table([finding(1, name="旧名称有限公司")]), roster=roster_table([1], {1: "新名称有限公司"}))
    assert rating.table.loc[0, "agency_name"] == "新名称有限公司"
    assert set(rating.explanation["agency_name"]) == {"新名称有限公司"}


def test_without_a_roster_the_name_on_the_latest_finding_is_used():
    rating = rate(findings_table([
        finding(1, name="新名称有限公司", date="2025-06-01", row=2),
        finding(1, name="旧名称有限公司", date="2025-01-05", row=3),
    ]))
    assert rating.table.loc[0, "agency_name"] == "新名称有限公司"


def test_the_table_has_specs_columns_one_integer_row_per_agency_sorted_by_code():
    rating = rate(findings_table([finding(3), finding(1), finding(2), finding(1, "3.1", assessor=BUREAU)]))
    assert list(rating.table.columns) == [
        "credit_code", "agency_name", "year", "town_score", "bureau_score", "total", "grade", "blacklist_clauses",
    ]
    assert rating.table["credit_code"].tolist() == [credit_code(1), credit_code(2), credit_code(3)]
    for column in ("year", "town_score", "bureau_score", "total"):
        assert rating.table[column].dtype == "int64"
    assert list(rating.explanation.columns) == list(EXPLANATION_COLUMNS)


def test_empty_findings_give_an_empty_table_with_the_right_columns():
    empty = pd.DataFrame(columns=list(FINDINGS_COLUMNS))
    rating = rate(empty, year=2025)
    assert rating.table.empty and list(rating.table.columns) == rating_columns(["town", "bureau"])
    assert rating.explanation.empty and list(rating.explanation.columns) == list(EXPLANATION_COLUMNS)
    assert rating.practitioners.empty


def test_empty_findings_with_a_roster_rate_everyone_100():
    rating = rate(findings_table([]), roster=roster_table([1, 2]), year=2025)
    assert rating.table[["total", "grade"]].values.tolist() == [[100, "A"], [100, "A"]]


def test_empty_findings_without_a_year_are_refused():
    with pytest.raises(ValueError, match="give the year"):
        rate(findings_table([]))


def test_a_clause_the_rulebook_lacks_is_refused():
    with pytest.raises(ValueError, match="not in rulebook jiangyin-2020: 4.1"):
        rate(findings_table([finding(1, "4.1")]))


def test_a_town_period_the_rulebook_lacks_is_refused():
    with pytest.raises(ValueError, match="town period 'Q5'"):
        rate(findings_table([finding(1, "2.5", period="Q5")]))


def test_explain_takes_the_code_in_any_case_and_gives_plain_rows():
    rating = rate(findings_table([finding(1, "3.3", assessor=BUREAU, date="2025-04-01")]))
    rows = explain_rows(rating, credit_code(1).lower())
    assert rows == [{
        "clause": "3.3", "clause_text": load_rulebook().clause("3.3").text_zh, "assessor": BUREAU, "period": "Y",
        "date": "2025-04-01", "points_nominal": 5, "points_charged": 5,
    }]
    assert output_rows(rating) == [{
        "credit_code": credit_code(1), "agency_name": agency_name(1), "year": 2025,
        "town_score": 50, "bureau_score": 45, "total": 95, "grade": "A", "blacklist_clauses": "",
    }]


def test_a_date_column_of_python_dates_is_accepted():
    table = findings_table([finding(1, "2.5")])
    table["date"] = table["date"].dt.date.astype(object)
    assert rate(table).table.loc[0, "total"] == 90


# --- another city's rules: one 100-point bucket, a single period, a bonus clause --------------------------------


def single_bucket():
    return load_rulebook(SINGLE_BUCKET)


def test_one_bucket_pools_town_and_bureau_findings_under_one_floor():
    rows = [finding(1, "2.1", assessor=BUREAU, date=f"2025-0{m}-01", period="Y") for m in range(1, 4)]
    rows += [finding(1, "2.1", assessor=TOWN, date=f"2025-0{m}-01", period="Y") for m in range(4, 7)]
    rating = rate(findings_table(rows), rulebook=single_bucket())
    assert list(rating.table.columns) == rating_columns(["points"])
    assert rating.table.loc[0, ["points_score", "total", "grade"]].tolist() == [0, 0, "BLACKLIST"]
    assert rating.explain(credit_code(1))["points_charged"].tolist() == [20, 20, 20, 20, 20, 0]


def test_other_thresholds_come_from_the_rulebook():
    rows = [finding(1, "2.1", assessor=BUREAU, period="Y"), finding(2, "3.1", assessor=BUREAU, period="Y")] + [
        finding(3, "2.1", assessor=BUREAU, period="Y", date=f"2025-0{m}-01") for m in range(1, 3)
    ]
    table = rate(findings_table(rows), rulebook=single_bucket()).table
    assert table[["total", "grade"]].values.tolist() == [[80, "B"], [95, "A"], [60, "C"]]


def test_a_bonus_makes_up_for_a_deduction_and_the_explanation_adds_up():
    rating = rate(findings_table([
        finding(1, "2.1", assessor=BUREAU, period="Y", date="2025-03-01"),
        finding(1, "4.1", assessor=BUREAU, period="Y", date="2025-04-01"),
    ]), rulebook=single_bucket())
    assert rating.table.loc[0, ["total", "grade"]].tolist() == [85, "A"]
    assert rating.explain(credit_code(1))[["clause", "points_nominal", "points_charged"]].values.tolist() == [
        ["2.1", 20, 20], ["4.1", -5, -5],
    ]


def test_a_bonus_never_lifts_a_score_above_its_points():
    rating = rate(findings_table([
        finding(1, "3.1", assessor=BUREAU, period="Y", date="2025-03-01"),
        finding(1, "4.1", assessor=BUREAU, period="Y", date="2025-04-01"),
        finding(1, "4.1", assessor=BUREAU, period="Y", date="2025-05-01"),
    ]), rulebook=single_bucket())
    assert rating.table.loc[0, "total"] == 100
    charged = rating.explain(credit_code(1))["points_charged"].tolist()
    assert charged == [5, -5, 0] and sum(charged) == 100 - 100


def test_a_bonus_counts_against_the_whole_period_even_below_the_floor():
    # score = clip(100 − 120 + 5, 0, 100) = 0: the explanation charges 105 of deductions and the 5 of bonus.
    rows = [finding(1, "2.1", assessor=BUREAU, period="Y", date=f"2025-0{m}-01") for m in range(1, 7)]
    rows.append(finding(1, "4.1", assessor=BUREAU, period="Y", date="2025-07-01"))
    rating = rate(findings_table(rows), rulebook=single_bucket())
    charged = rating.explain(credit_code(1))["points_charged"].tolist()
    assert rating.table.loc[0, "total"] == 0
    assert charged == [20, 20, 20, 20, 20, 5, -5] and sum(charged) == 100


def test_a_missing_practitioner_from_the_database_is_not_listed_as_none():
    table = findings_table([finding(1, "1.4", assessor=BUREAU)])
    table["practitioner"] = [None]
    rating = rate(table)
    assert rating.practitioners.empty and rating.table.loc[0, "grade"] == "BLACKLIST"


@pytest.mark.parametrize(
    ("clauses", "total", "grade"),
    [
        ([], 100, "A"),
        (["2.5"], 90, "A"),
        (["2.5", "3.3"], 85, "B"),
        (["2.5", "2.5"], 80, "B"),
        (["2.5", "2.5", "3.3"], 75, "C"),
        (["2.5"] * 4, 60, "C"),
        (["2.5"] * 4 + ["3.3"], 55, "BLACKLIST"),
    ],
)
def test_real_clause_totals_fall_in_the_grades_the_regulation_names(clauses, total, grade):
    # jiangyin-2020 as shipped: only 10- and 5-point clauses, each from the bureau so no floor is reached.
    rows = [finding(1, c, assessor=BUREAU, date=f"2025-{m + 1:02d}-15") for m, c in enumerate(clauses)]
    rating = rate(findings_table(rows), roster=roster_table([1]), year=2025)
    assert rating.table.loc[0, ["total", "grade", "blacklist_clauses"]].tolist() == [total, grade, ""]
