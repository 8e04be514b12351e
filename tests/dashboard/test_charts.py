"""The compare chart keeps agencies apart and writes each grade on its bar."""

from __future__ import annotations

import pandas as pd

from core.rulebook import load_rulebook
from dashboard.charts import compare_totals_chart

RULEBOOK = load_rulebook()


def test_agencies_with_equal_totals_get_bars_of_their_own_each_labelled_with_its_grade_and_total():
    years = pd.DataFrame({
        "credit_code": ["X1", "X2", "X1", "X2"],
        "year": [2024, 2024, 2025, 2025],
        "total": [100, 100, 85, 95],
        "grade": ["A", "A", "B", "BLACKLIST"],
    })
    spec = compare_totals_chart(years, {"X1": "甲公司", "X2": "乙公司"}, RULEBOOK).to_dict()
    bars, labels = spec["layer"][0], [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["yOffset"]["field"] == "agency"
    assert {layer["encoding"]["text"]["field"] for layer in labels} == {"mark"}
    rows = next(iter(spec["datasets"].values()))
    assert [r["mark"] for r in rows] == ["A · 100", "A · 100", "B · 85", "黑名单 · 95"]
    assert {r["agency"] for r in rows} == {"甲公司", "乙公司"}
