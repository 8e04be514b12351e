"""Bidi controls in names reach a terminal as visible markers: CLI tables and problem messages."""

from __future__ import annotations

from core.errors import Problem
from core.output import display_width, to_table
from core.plain_text import visible_controls


def test_a_table_shows_a_bidi_override_in_a_name_as_a_marker_and_stays_aligned():
    rows = [{"agency_name": "甲\u202eexe.txt", "total": 95}, {"agency_name": "乙", "total": 80}]
    lines = to_table(rows, ["agency_name", "total"]).splitlines()
    assert "\u202e" not in "".join(lines)
    assert "甲⟨U+202E⟩exe.txt" in lines[2]
    assert len({display_width(line) for line in lines[2:]}) == 1  # the marker counts in the column width


def test_a_problem_shows_a_bidi_control_in_its_value_as_a_marker():
    text = Problem(3, "机构名称", "含控制字符", "holds a control character", "名\u2067称").format()
    assert "\u2067" not in text and "名⟨U+2067⟩称" in text


def test_text_without_bidi_controls_is_unchanged():
    assert visible_controls("江阴市 A&B **x**") == "江阴市 A&B **x**"
