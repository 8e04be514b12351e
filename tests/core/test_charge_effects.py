"""Charge effects of added findings: rows that cost nothing at their period's floor, and earlier findings pushed to 0."""

from __future__ import annotations

import pandas as pd
import pytest

from core.charge_effects import at_floor, pushed
from core.rating import rate
from core.towns import BUREAU
from tests.builders import OTHER_TOWN, credit_code, finding, findings_table


def ratings(stored: list[dict], added: list[dict]):
    """The year rated with the stored findings, then with the added ones after them (as the upload preview does)."""
    before = findings_table(stored)
    after = pd.concat([before, findings_table(added)], ignore_index=True)
    return rate(before, year=2025), rate(after, year=2025)


def test_a_new_finding_in_a_period_already_at_its_floor_costs_nothing_and_is_named():
    stored = [finding(1, "2.5", date="2025-02-10", row=2)]  # Q1 has lost its 10 points
    added = [finding(1, "2.1", date="2025-03-01", row=7), finding(1, "2.5", date="2025-05-10", row=8)]
    before, after = ratings(stored, added)
    free = at_floor(before, after)
    assert free[["credit_code", "row", "clause", "period", "points_nominal", "points_charged"]].values.tolist() == [
        [credit_code(1), 7, "2.1", "Q1", 10, 0]]
    assert pushed(before, after).empty  # the stored Q1 finding, dated first, keeps its 10 points


def test_a_new_finding_dated_earlier_pushes_the_stored_one_of_its_period_to_zero():
    stored = [finding(1, "3.3", date="2025-03-20", row=2), finding(1, "2.5", assessor=BUREAU, date="2025-06-01", row=3)]
    added = [finding(1, "2.1", date="2025-01-15", row=5)]
    before, after = ratings(stored, added)
    moved = pushed(before, after)
    assert moved[["clause", "period", "charged_before", "charged_after"]].values.tolist() == [["3.3", "Q1", 5, 0]]
    assert at_floor(before, after).empty  # the new finding itself costs its full 10


def test_towns_share_a_period_floor_and_a_partly_charged_row_is_named_with_what_it_costs():
    stored = [finding(1, "3.3", date="2025-02-01", row=2)]  # Q1: 5 lost, 5 left
    added = [finding(1, "2.5", assessor=OTHER_TOWN, date="2025-02-20", row=4)]
    before, after = ratings(stored, added)
    assert at_floor(before, after)[["row", "points_nominal", "points_charged"]].values.tolist() == [[4, 10, 5]]


def test_blacklist_clauses_and_fully_charged_rows_are_not_at_a_floor():
    before, after = ratings([], [finding(1, "1.2", assessor=BUREAU, date="2025-04-01"), finding(2, "3.3")])
    assert at_floor(before, after).empty
    assert pushed(before, after).empty


def test_ratings_that_do_not_share_their_first_findings_are_refused():
    before, _ = ratings([finding(1, "3.3")], [])
    _, other = ratings([finding(2, "2.5")], [])
    with pytest.raises(ValueError):
        pushed(before, other)
