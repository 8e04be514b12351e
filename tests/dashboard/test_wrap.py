"""How many lines a table wraps a cell into (dashboard/wrap.py), so its rows can be tall enough."""

from __future__ import annotations

import re

from core.rulebook import load_rulebook
from dashboard import wrap

COLUMN = 216
ENGLISH = "1.3 Falsifying: writing rules and operating procedures for the enterprise that do not fit its reality"
CHINESE = "1.5 诋毁其他安全生产技术服务机构，损害其他机构声誉或者干扰企业选择安全生产技术服务机构的；"


def test_english_lines_break_between_words_within_the_column():
    lines = wrap.lines(ENGLISH, COLUMN)
    assert len(lines) > 1 and " ".join(lines) == ENGLISH  # nothing lost, no word cut
    # A line of 14 px Source Sans letters averages under 7 px a character: 30 of them fill the 200 px inside.
    assert max(len(line) for line in lines) <= 30


def test_chinese_lines_break_between_characters_and_keep_every_one():
    lines = wrap.lines(CHINESE, COLUMN)
    assert len(lines) > 1 and all(len(re.findall(r"[\u4e00-\u9fff，；]", line)) <= 14 for line in lines)
    assert "".join(lines).replace(" ", "") == CHINESE.replace(" ", "")


def test_rows_are_tall_enough_for_every_clause_text_and_never_under_four_rem():
    texts = [f"{c.code} {c.text_zh}" for c in load_rulebook().clauses]
    most = max(len(wrap.lines(t, COLUMN)) for t in texts)
    assert wrap.row_height(texts, COLUMN, least=68) >= wrap.LINE_PX * (most + 1) + 2 * wrap.CELL_PADDING_Y
    assert wrap.row_height(["one line"], COLUMN, least=68) == 68  # Streamlit wraps only in rows over 4 rem
