"""Long text broken into lines for a table column (dashboard/wrap.py): by words in English, by characters in Chinese."""

from __future__ import annotations

import re

from core.rulebook import load_rulebook
from dashboard import wrap

COLUMN = 216
ENGLISH = "1.3 Falsifying: writing rules and operating procedures for the enterprise that do not fit its reality"
CHINESE = "1.5 诋毁其他安全生产技术服务机构，损害其他机构声誉或者干扰企业选择安全生产技术服务机构的；"


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_english_breaks_between_words_into_lines_the_column_holds():
    lines = wrap.lines(ENGLISH, COLUMN)
    assert len(lines) > 1 and all(line == line.strip() for line in lines)
    assert " ".join(lines) == ENGLISH  # nothing lost, no word cut
    # A line of 14 px Source Sans letters averages under 7 px a character: 30 of them fill the 200 px inside.
    assert max(len(line) for line in lines) <= 30


def test_chinese_breaks_between_characters_and_keeps_every_one():
    lines = wrap.lines(CHINESE, COLUMN)
    assert len(lines) > 1 and all(len(re.findall(r"[\u4e00-\u9fff，；]", line)) <= 14 for line in lines)
    assert _squeezed("".join(lines)) == _squeezed(CHINESE)


def test_every_clause_of_the_rulebook_fits_in_the_rows_the_table_gets():
    rulebook = load_rulebook()
    texts = [wrap.wrapped(f"{c.code} {t}", COLUMN) for c in rulebook.clauses for t in (c.text_zh, c.gloss_en)]
    height = wrap.row_height(texts, least=68)
    most = max(t.count("\n") + 1 for t in texts)
    assert height >= wrap.LINE_PX * most + 2 * wrap.CELL_PADDING_Y
    assert wrap.row_height(["one line"], least=68) == 68  # Streamlit wraps only in rows over 4 rem
