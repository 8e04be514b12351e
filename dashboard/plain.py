"""Text from data (names, towns, reasons, notes, usernames, file names) shown as text: never Markdown, HTML or bidi.

Streamlit renders Markdown in st.markdown, headings, captions, notices, widget and expander labels, page links and
metric labels. Anything that comes from data goes through `md()` there; where Streamlit shows text as is (select
options, table cells, chart labels) it goes through `text()`; tables reach the page through `dataframe()`.
"""

from __future__ import annotations

import re
import string
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from core.plain_text import BIDI_CONTROLS, BIDI_PATTERN, visible_controls

_ESCAPED = {ord(ch): "\\" + ch for ch in string.punctuation}  # CommonMark lets every ASCII punctuation be escaped
WORD_JOINER = "\u2060"  # invisible; breaks the patterns Streamlit looks for after the Markdown is parsed
# Streamlit rewrites the parsed text too, where a backslash no longer helps: `:smile:` / `:material/x:` / `:streamlit:`
# become emoji, icons and a logo, bare `http://` / `www.` / `a@b.cn` become links, ` -> ` becomes an arrow.
_AFTER_PARSE = (
    (re.compile(r"\\([:@])"), "\\\\\\1" + WORD_JOINER),
    (re.compile(r"(?i)(www)(?=\\\.)"), "\\1" + WORD_JOINER),
    (re.compile(r"(\\[-<>~=])(?=\\[-<>=])"), "\\1" + WORD_JOINER),
)


def text(value: Any) -> str:
    """`value` for a place that shows text as it is (select options, table cells, chart labels): bidi made visible."""
    return "" if value is None else visible_controls(str(value))


def md(value: Any) -> str:
    """`value` for a place that renders Markdown: it reads exactly as stored, on one line, bidi made visible."""
    # One line: a newline could start a heading, a list, a table or a code block.
    escaped = " ".join(text(value).split()).translate(_ESCAPED)
    for pattern, replacement in _AFTER_PARSE:
        escaped = pattern.sub(replacement, escaped)
    return escaped


def _has_bidi(values: list) -> bool:
    # A substring search per control over the joined text (~0.3 ms for 10,000 names; a regex or a look per cell
    # costs several times that, on every rerun of a 10,000-row table).
    try:
        joined = "".join(values)
    except TypeError:  # not all text (None, numbers in a mixed column)
        return any(isinstance(v, str) and BIDI_PATTERN.search(v) for v in values)
    return not joined.isascii() and any(ch in joined for ch in BIDI_CONTROLS)


def _shown_column(column: pd.Series) -> pd.Series | None:
    """The column with bidi made visible, or None when nothing in it needs to change."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if categories.dtype == object and _has_bidi(categories.tolist()):
            return column.cat.rename_categories([text(c) if isinstance(c, str) else c for c in categories])
        return None
    if (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)) and _has_bidi(column.tolist()):
        return column.map(lambda v: visible_controls(v) if isinstance(v, str) else v)
    return None


def frame(table: pd.DataFrame) -> pd.DataFrame:
    """A table for display: every text cell and column name with bidi made visible (cells are never Markdown)."""
    changed = {i: shown for i in range(table.shape[1]) if (shown := _shown_column(table.iloc[:, i])) is not None}
    names = [text(c) if isinstance(c, str) else c for c in table.columns]
    if not changed and names == list(table.columns):
        return table  # the usual case costs one search per text column, no copy
    out = table.copy(deep=False)
    for i, shown in changed.items():
        out.isetitem(i, shown)
    out.columns = names
    return out


# Marks an Arrow table made by `arrow()`, so `dataframe()` can take it as it is.
_PLAIN_KEY = b"credit_board_plain"


def arrow(table: pd.DataFrame) -> pa.Table:
    """`frame(table)` as an Arrow table, rows in order, without its index (tables show none: hide_index=True).

    For a table every visitor sees the same, built once and cached: st.dataframe sends an Arrow table as it is, where
    a pandas frame is converted to Arrow on every run (and, for a lazily sent one, kept converted per session).
    """
    out = pa.Table.from_pandas(frame(table), preserve_index=False)
    return out.replace_schema_metadata({**(out.schema.metadata or {}), _PLAIN_KEY: b"1"})


def dataframe(table: pd.DataFrame | pa.Table, **kwargs: Any) -> Any:
    """st.dataframe of `frame(table)`, or of an `arrow()` table: the one way a table reaches a page."""
    if isinstance(table, pa.Table):
        if (table.schema.metadata or {}).get(_PLAIN_KEY) != b"1":
            raise TypeError("an Arrow table reaches a page only through plain.arrow()")
        return st.dataframe(table, **kwargs)
    return st.dataframe(frame(table), **kwargs)
