"""Raw codes on a page: a stored key (`bureau`, `Q3`, `YE`, `submitted_on`, `town_staff`, `user_create`, a month as
`2026-02-01`…) that reached a person instead of its words. The "Chinese left in English" check (test_pages.py) for keys.

A page's text is taken item by item (each element's strings; each table cell and column name on its own), so that a
cell holding only `Y` or `agency` is told apart from the English word inside a sentence.
"""

from __future__ import annotations

import re

import pandas as pd
from google.protobuf.message import Message
from streamlit import dataframe_util

from core.schema import FINDINGS_FILE_COLUMNS
from core.service_records import RECORD_COLUMNS
from dashboard.text import CATALOGUE
from dashboard.text.staff import AUDIT_FIELDS, AUDIT_TERMS
from db.accounts.roles import ROLES
from tests.dashboard.page_text import proto_text

PERIODS = ("Q1", "Q2", "Q3", "Q4", "YE", "Y")
RECORD_KEYS = sorted({c.key for columns in RECORD_COLUMNS.values() for c in columns} | {"id_last4", "file_name"})
# Keys with an underscore never read as English: anywhere in any text they are a code.
SNAKE_KEYS = sorted({k for k in [*RECORD_KEYS, *ROLES, *AUDIT_TERMS, *AUDIT_FIELDS] if "_" in k})
# One-word keys (`bureau`, `month`, `agency`, `upload`…) are English words too: a code when a whole cell or label says
# only that (in English, where the label of some of them is the same word, only `bureau`, periods and `month`).
WORD_KEYS_ZH = sorted({"bureau", *PERIODS, *(k for k in [*RECORD_KEYS, *ROLES, *AUDIT_TERMS] if "_" not in k)})
WORD_KEYS_EN = sorted({"bureau", *PERIODS, "month", "specialty"})
_SEPARATORS = r"[·:：(（,，、|]"
_IN_TEXT = [
    # a known key, or any snake_case identifier (`ends_on`, `notice_id`): no label or data of the site is written so
    re.compile(r"(?<![\w.])(" + "|".join(SNAKE_KEYS) + r"|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w.])"),
    re.compile(_SEPARATORS + r"\s*(bureau|YE|Y|Q[1-4])(?![\w(（/])(?!\s+\()"),  # `· bureau`, `：Q3`, `(YE)`
    re.compile(r"(?<![\w.])(Q[1-4]|YE)(?![\w/(])(?!\s+\()(?!\.\.)"),  # Q3 without its months, YE anywhere
]
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}(-01)?$")

# What staff type into a file: the file columns' notes and the upload page's help name the codes a file may hold
# (`Q1..Q4, YE`, `Y/N`, the `submitted_on` column). These texts are instructions about codes, not codes leaked.
FILE_INSTRUCTIONS = sorted({text for columns in [FINDINGS_FILE_COLUMNS, *RECORD_COLUMNS.values()] for c in columns
                            for text in (c.note_zh, c.note_en) if text}
                           | {text for key in ("staff.submitted_on_note", "staff.roster_template_help")
                              for text in CATALOGUE[key]}, key=len, reverse=True)


# Fields of an element nobody reads: widget ids, keys, a table's column configuration (its keys) and order.
HIDDEN_FIELDS = frozenset({"id", "form_id", "key", "columns", "column_order", "icon", "url", "page_script_hash",
                           "element_id", "data_editor_id", "css_class"})


def _table_items(blob: bytes) -> list[str] | None:
    try:
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(blob)
    except Exception:  # noqa: BLE001 (not Arrow)
        return None
    items = [str(c) for c in frame.columns]
    for column in frame.columns:
        values = [str(v) for v in frame[column] if not (v is None or (isinstance(v, float) and pd.isna(v))) and str(v)]
        items += values
        if values and all(_ISO_MONTH.match(v) for v in values):  # a column of months written as codes
            items.append(f"⟨months as codes: {values[0]}⟩")
    return items


def page_items(app) -> list[str]:
    """Every text of the app's last run, one item a string field, a table cell or a column name."""
    items: list[str] = []

    def strings(message: Message) -> None:
        for field, value in message.ListFields():
            if field.name in HIDDEN_FIELDS:
                continue
            values = value if field.is_repeated else [value]
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                items.extend(proto_text(message))
                return
            for item in values:
                if isinstance(item, Message):
                    strings(item)
                elif isinstance(item, bytes):
                    cells = _table_items(item)
                    items.extend(cells if cells is not None else [item.decode("utf-8", errors="replace")])
                elif isinstance(item, str) and not item.startswith("$$ID-"):
                    items.append(item)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            strings(proto)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(app._tree)
    return items


def raw_keys(items: list[str], lang: str, data: tuple[str, ...] = ()) -> list[str]:
    """The raw codes among `items` (as `code  ← in 'the text'`); [] when every code reads as words. `data`: texts
    that are data where they stand alone (the test accounts' usernames: `town`, `admin`)."""
    whole = set(WORD_KEYS_ZH if lang == "zh" else WORD_KEYS_EN) - set(data)
    found: list[str] = []
    for item in items:
        if item.startswith("⟨months as codes"):
            found.append(item)
            continue
        if "<script" in item or "<style" in item:  # code the page runs or styles with, never drawn as text
            continue
        text = item
        for instruction in FILE_INSTRUCTIONS:
            text = text.replace(instruction, " ")
        text = text.replace("\\", "")  # plain.md escapes punctuation: `Q3 \(Jul–Sep\)` reads `Q3 (Jul–Sep)`
        if text.strip() in whole:
            found.append(f"{text.strip()}  ← a whole text")
            continue
        for pattern in _IN_TEXT:
            found += [f"{m[1]}  ← in {item[:120]!r}" for m in pattern.finditer(text)]
    return found
