"""What a correction changed, computed from two published documents."""

from __future__ import annotations

from db.documents.changes import CHANGE_COLUMNS, changes_between


def _doc(ratings, charges=()):
    return {"ratings": [{"credit_code": c, "agency_name": f"机构{c}", "total": t, "grade": g} for c, t, g in ratings],
            "charges": [{"credit_code": c, "clause": k, "assessor": a, "period": "Q1", "date": d, "points_charged": 5}
                        for c, k, a, d in charges]}


def test_version_one_changes_nothing():
    assert changes_between(None, _doc([("A1", 100, "A")])).empty
    assert list(changes_between(None, _doc([])).columns) == list(CHANGE_COLUMNS)


def test_unchanged_agencies_are_left_out_and_changed_ones_show_old_and_new():
    before = _doc([("A1", 100, "A"), ("A2", 95, "A")], [("A2", "3.4", "新桥镇", "2025-03-01")])
    after = _doc([("A1", 100, "A"), ("A2", 85, "B")],
                 [("A2", "3.4", "新桥镇", "2025-03-01"), ("A2", "2.1", "bureau", "2025-05-02")])
    out = changes_between(before, after)
    assert out["credit_code"].tolist() == ["A2"]
    row = out.iloc[0]
    assert (row.old_total, row.new_total, row.old_grade, row.new_grade) == (95, 85, "A", "B")
    assert row.findings_added == "2.1 2025-05-02 市应急管理局" and row.findings_withdrawn == ""


def test_a_withdrawn_finding_shows_even_when_the_score_stays_the_same():
    # A finding whose points were already at the floor moves no score, but withdrawing it is still a change.
    before = _doc([("A1", 50, "BLACKLIST")], [("A1", "2.1", "bureau", "2025-01-02"), ("A1", "2.1", "bureau", "2025-01-02")])
    after = _doc([("A1", 50, "BLACKLIST")], [("A1", "2.1", "bureau", "2025-01-02")])
    out = changes_between(before, after)
    assert out.iloc[0].findings_withdrawn == "2.1 2025-01-02 市应急管理局"  # one of two identical findings


def test_agencies_added_or_removed_by_a_correction():
    out = changes_between(_doc([("A1", 100, "A")]), _doc([("A2", 90, "A")]))
    added, removed = out.set_index("credit_code").loc["A2"], out.set_index("credit_code").loc["A1"]
    assert added.old_grade == "" and added.new_total == 90
    assert removed.new_grade == "" and removed.old_total == 100
