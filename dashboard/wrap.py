"""Long text in a table cell broken into lines that fit its column, and the row height that shows them all.

Streamlit's table (glide-data-grid, drawn on a canvas) wraps a cell's text only where it measures it too long, and
it measures only the first characters of a line, as many as fit by the average width of every character the
table has drawn so far. A page of Chinese names makes that average wide, so an English line of narrow letters
looks short enough and runs past its cell unwrapped (the English blacklist's grounds did). Lines broken here,
by a generous estimate of each character's width, never need the table's own wrapping.
"""

from __future__ import annotations

import math
import re
import unicodedata

# The table's text: 14 px Source Sans; 3 px above and below; lines 1.4 × a 14 px line apart (Streamlit's theme).
CELL_PADDING_X, CELL_PADDING_Y, LINE_PX = 8, 3, 14 * 1.4
# Estimated widths in px, on the generous side: a Chinese character is one em; Latin letters average about half,
# capitals and digits a little more (Source Sans "m" and "W" are the widest, 11–12 px).
_WIDE, _CAPITAL, _NARROW, _SPACE = 14.0, 9.0, 7.5, 4.0
_SAFETY = 6  # px kept free at a line's end: the estimate is an estimate
# A Latin word (with what sticks to it) or one other character: a line may break before any of them.
_PIECES = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+|.", re.S)


def _width(text: str) -> float:
    total = 0.0
    for ch in text:
        if ch.isspace():
            total += _SPACE
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            total += _WIDE
        elif ch.isupper() or ch.isdigit():
            total += _CAPITAL
        else:
            total += _NARROW
    return total


def lines(text: str, column_px: int) -> list[str]:
    """`text` in lines that each fit a column `column_px` wide (a word longer than a line is cut where it must)."""
    room = column_px - 2 * CELL_PADDING_X - _SAFETY
    out: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for piece in _PIECES.findall(paragraph):
            if _width(line + piece) <= room or not line.strip():
                line += piece
            else:
                out.append(line.rstrip())
                line = piece.lstrip()
            while _width(line) > room and len(line) > 1:  # a word wider than the column: cut it
                cut = 1
                while cut + 1 < len(line) and _width(line[:cut + 1]) <= room:
                    cut += 1
                out.append(line[:cut])
                line = line[cut:]
        out.append(line.rstrip())
    return out


def wrapped(text: str, column_px: int) -> str:
    """`text` with line breaks where a column `column_px` wide needs them (shown by a table with tall rows)."""
    return "\n".join(lines(text, column_px))


def row_height(texts: list[str], *, least: int) -> int:
    """Rows tall enough for the most lines among `texts` (already wrapped), and never under `least` px."""
    most = max((str(t).count("\n") + 1 for t in texts), default=1)
    return max(least, math.ceil(LINE_PX * most + 2 * CELL_PADDING_Y + 4))
