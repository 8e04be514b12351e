"""The list of blacklisted practitioners does not depend on the order of the findings."""

from __future__ import annotations

import pandas as pd

from core.rating import rate
from tests.builders import OTHER_TOWN, TOWN, finding, findings_table


def test_one_practitioner_listed_by_two_towns_on_one_day_lists_the_same_whatever_the_row_order():
    # The example hypothesis found: same agency, practitioner, date and clause; only the assessor differs.
    rows = [
        finding(1, "1.1", assessor=TOWN, period="Q1", date="2025-02-01", year=2025, practitioner="张三"),
        finding(1, "1.1", assessor=OTHER_TOWN, period="Q1", date="2025-02-01", year=2025, practitioner="张三"),
    ]
    table = findings_table(rows)
    swapped = table.iloc[[1, 0]].reset_index(drop=True)
    listed = rate(table, year=2025).practitioners
    assert list(listed["assessor"]) == sorted([TOWN, OTHER_TOWN])
    pd.testing.assert_frame_equal(listed, rate(swapped, year=2025).practitioners)
