"""Properties of rating that hold for any findings (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rating import rate
from core.rulebook import load_rulebook
from core.towns import BUREAU
from tests.builders import OTHER_TOWN, TOWN, finding, findings_table, roster_table

RULEBOOK = load_rulebook()
CODES = [c.code for c in RULEBOOK.clauses]
GRADE_RANK = {g.key: i for i, g in enumerate(RULEBOOK.grades)}  # 0 = best (A) … last = BLACKLIST
QUARTER_START = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10}
AGENCIES = [1, 2, 3]


@st.composite
def findings(draw, year: int = 2025) -> dict:
    """One finding that the reader would accept: a clause, an assessor, a period and a date inside it."""
    agency = draw(st.sampled_from(AGENCIES))
    clause = draw(st.sampled_from(CODES))
    assessor = draw(st.sampled_from([TOWN, OTHER_TOWN, BUREAU]))
    if assessor == BUREAU:
        period = "Y"
        start, days = dt.date(year, 1, 1), 365 + 90
    else:
        period = draw(st.sampled_from(["Q1", "Q2", "Q3", "Q4", "YE"]))
        if period == "YE":
            start, days = dt.date(year, 12, 1), 31 + 90
        else:
            start, days = dt.date(year, QUARTER_START[period], 1), 90
    date = start + dt.timedelta(days=draw(st.integers(0, days - 1)))
    practitioner = draw(st.sampled_from(["", "", "张三", "李四"]))
    return finding(agency, clause, assessor=assessor, period=period, date=date.isoformat(), year=year,
                   practitioner=practitioner)


finding_lists = st.lists(findings(), max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=finding_lists)
def test_every_total_lies_within_zero_and_the_rulebook_total(rows):
    rating = rate(findings_table(rows), roster=roster_table(AGENCIES), year=2025)
    table = rating.table
    assert table["total"].between(0, 100).all()
    assert table["town_score"].between(0, 50).all() and table["bureau_score"].between(0, 50).all()
    # The explanation adds up: what each agency was charged is exactly what it lost.
    lost = rating.explanation.groupby("credit_code")["points_charged"].sum()
    for code, total in zip(table["credit_code"], table["total"], strict=True):
        assert lost.get(code, 0) == 100 - total
    charged, nominal = rating.explanation["points_charged"], rating.explanation["points_nominal"]
    assert ((charged >= 0) & (charged <= nominal)).all()


@settings(max_examples=150, deadline=None)
@given(rows=finding_lists, extra=findings())
def test_adding_a_finding_never_raises_a_total_nor_improves_a_grade(rows, extra):
    roster = roster_table(AGENCIES)
    before = rate(findings_table(rows), roster=roster, year=2025).table.set_index("credit_code")
    after = rate(findings_table([*rows, extra]), roster=roster, year=2025).table.set_index("credit_code")
    assert (after["total"] <= before["total"]).all()
    assert (after["grade"].map(GRADE_RANK) >= before["grade"].map(GRADE_RANK)).all()


@settings(max_examples=100, deadline=None)
@given(rows=finding_lists, data=st.data())
def test_row_order_never_changes_a_result(rows, data):
    table = findings_table(rows)  # row numbers are fixed here and travel with their findings
    shuffled = table.iloc[data.draw(st.permutations(range(len(table))))].reset_index(drop=True)
    a, b = rate(table, year=2025), rate(shuffled, year=2025)
    pd.testing.assert_frame_equal(a.table, b.table)
    by_row = ["credit_code", "row"]
    pd.testing.assert_frame_equal(
        a.explanation.sort_values(by_row).reset_index(drop=True),
        b.explanation.sort_values(by_row).reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(a.practitioners, b.practitioners)


@given(st.lists(st.text(), max_size=20))
def test_folding_a_column_at_once_equals_folding_each_value(texts):
    import pandas as pd

    from core.text import fold, fold_all

    assert fold_all(pd.Series(texts, dtype=object)).tolist() == [fold(t) for t in texts]
