"""The plain-text helper: data shown in Markdown reads exactly as stored, tables and labels show bidi visibly."""

from __future__ import annotations

import pandas as pd
import pytest

from core.plain_text import BIDI_CONTROLS, visible_controls
from dashboard.plain import WORD_JOINER, frame, md, text
from tests.dashboard.markdown_check import markup, raw_bidi, rendered_text

EDGE_CASES = [
    "![x](http://host/px.png) **x** [申诉](http://host/phish)",
    '<img src="http://host/h.png" onerror="alert(1)">',
    "<b>粗</b><script>alert(1)</script>",
    ":red[红色] :blue-background[x] :help[提示] :small[小]",
    ":smile: :+1: :material/home: :streamlit:",
    "$x^2$ 与 $$\\sum x$$",
    "# 标题", "## 标题", "- 列表", "* 列表", "+ 列表", "1. 编号", "1) 编号", "> 引用", "---", "***", "___",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "`代码`", "```\n代码块\n```", "    缩进代码", "~~删除~~", "_斜体_", "*斜体*", "__粗__",
    "http://host/phish", "https://host/p?q=1", "www.host.com", "xx@host.com", "<http://host/auto>",
    "[ref]: http://host/ref", "[ref][]", "a -> b <- c <-> d -- e >= f <= g ~= h",
    "&lt;img&gt; &amp; &#60;", "反斜杠\\", "\\*已转义\\*", "{} () [] ! | ~ . # + -",
    "第一行\n第二行\n\n第三段", "名称\u202e反转\u202c、\u2066隔离\u2069\u200e\u200f\u061c",
    "江阴市（澄江）安全技术服务有限公司", "A&B 检测 (江阴) Co., Ltd.",
]


@pytest.mark.parametrize("value", EDGE_CASES)
def test_md_renders_data_as_nothing_but_its_own_text(value):
    source = md(value)
    assert markup(source) == []
    assert raw_bidi(source) == []
    # Read back it is exactly the stored text on one line (bidi as markers, the joiners are invisible).
    assert rendered_text(source).replace(WORD_JOINER, "") == " ".join(visible_controls(value).split())


def test_md_keeps_plain_chinese_text_unchanged():
    assert md("江阴市安全技术服务有限公司") == "江阴市安全技术服务有限公司"
    assert md(None) == "" and md(95) == "95"


def test_every_bidi_control_is_shown_as_a_visible_marker():
    for ch in BIDI_CONTROLS:
        assert visible_controls(f"a{ch}b") == f"a⟨U+{ord(ch):04X}⟩b"
    assert text("名称\u202e") == "名称⟨U+202E⟩"
    assert text(None) == ""


def test_frame_makes_bidi_visible_in_text_cells_categories_and_column_names_only():
    table = pd.DataFrame({
        "name\u202e": ["甲\u202e乙", None, "**粗**"],
        "grade": pd.Series(["A", "B\u2067", "A"], dtype="category"),
        "total": [95, 80, 70],
        "mixed": ["x\u200f", 3, pd.NA],
    })
    shown = frame(table)
    assert list(shown.columns) == ["name⟨U+202E⟩", "grade", "total", "mixed"]
    assert shown.iloc[:, 0].tolist()[::2] == ["甲⟨U+202E⟩乙", "**粗**"]  # cells are text, not Markdown: unchanged
    assert shown.iloc[1, 0] is None
    assert shown["grade"].tolist() == ["A", "B⟨U+2067⟩", "A"] and shown["grade"].dtype == "category"
    assert shown["total"].tolist() == [95, 80, 70]
    assert shown["mixed"].tolist()[:2] == ["x⟨U+200F⟩", 3]
    assert table.columns[0] == "name\u202e" and table.iloc[0, 0] == "甲\u202e乙"  # the caller's frame is untouched


@pytest.mark.parametrize("value", EDGE_CASES[:8])
def test_the_check_itself_sees_the_markup_of_raw_values(value):
    # Guards the test above: unescaped, these do render as images, links, HTML, directives, emoji or math.
    assert markup(value)
