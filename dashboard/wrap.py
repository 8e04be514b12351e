"""How many lines a table wraps a cell's text into, by estimate, so that its rows can be made tall enough.

Streamlit's table (glide-data-grid, drawn on a canvas) wraps text in rows over 4 rem, but gives every row one
height: the page must choose it. Chinese text wraps anywhere; English only where the table measures a line too
long, and it measures only a line's first characters, as many as fit by the average width of every character it
has drawn so far. Beside Chinese names that average is wide, so a long English line looks short and runs past its
cell unwrapped, and line breaks in the data do not help (Streamlit turns them into spaces): long English text
does not belong in a table cell (dashboard/tables.py keeps English grounds short).
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


def row_height(texts: list[str], column_px: int, *, least: int) -> int:
    """Rows tall enough for the most lines any of `texts` takes in a column `column_px` wide, never under `least`.

    One line more than the estimate: the table breaks at a space first, so `1.3 弄虚作假…` starts a line after `1.3`.
    """
    most = max((len(lines(t, column_px)) for t in texts), default=0) + 1
    return max(least, math.ceil(LINE_PX * most + 2 * CELL_PADDING_Y + 4))
