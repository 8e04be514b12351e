"""Plain rows → text for the command line: CSV, JSON, or an aligned table that keeps Chinese columns straight."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence

from core.plain_text import visible_controls

FORMATS = ("csv", "json", "table")


def to_csv(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> str:
    """A header line of `columns`, then one line per row ("\\n" line ends, UTF-8 text)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return buf.getvalue()


def to_json(value: object) -> str:
    """Pretty JSON with Chinese kept readable (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def to_table(rows: Sequence[dict[str, object]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    """A plain-text table; wide (CJK) characters count as two columns so that rows line up in a terminal."""
    headers = list(headers or columns)
    # A bidi override in a name would reorder the terminal line: shown as a marker (CSV and JSON stay exact data).
    cells = [["" if r.get(c) is None else visible_controls(str(r.get(c))) for c in columns] for r in rows]
    widths = [display_width(h) for h in headers]
    for line in cells:
        for i, cell in enumerate(line):
            widths[i] = max(widths[i], display_width(cell))
    numeric = [all(_is_number(r.get(c)) for r in rows) and bool(rows) for c in columns]

    def fmt(line: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(line):
            pad = " " * (widths[i] - display_width(cell))
            out.append(pad + cell if numeric[i] else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(headers), rule, *(fmt(line) for line in cells)]) + "\n"


def display_width(text: str) -> int:
    """Terminal columns taken by `text`: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
