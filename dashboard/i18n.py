"""The site's one text lookup: t(key) reads the catalogue (dashboard.text) in the visitor's language.

Data (agency names, clause texts, towns) stays as published; labels, headings, help and messages all come from the
catalogue, so the English switch changes every one of them. Texts that come with the data in both languages go
through pick().
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import streamlit as st

from core.errors import CreditBoardError
from dashboard import state
from dashboard.plain import md
from dashboard.text import CATALOGUE

LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

# `{n:agency|agencies}`: the word for one and the word for any other count of the value `n` (English needs it;
# Chinese texts have no plural). Plain `{name}` placeholders are left to str.format.
_PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}]*)\}")


def current() -> str:
    """The visitor's language: what the switch says, else the URL's `lang`, else Chinese."""
    chosen = st.session_state.get(state.widget_key("lang"))
    if chosen in LANGUAGES:
        return chosen
    url = state.read("lang")
    return url if url in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The catalogue's text `key` (e.g. `public.year`) in the visitor's language, placeholders filled from `values`."""
    return fill(pick(*CATALOGUE[key]), values)


def known(key: str) -> bool:
    """Whether the catalogue has `key` (for labels of data values the site may or may not have words for)."""
    return key in CATALOGUE


def fill(text: str, values: Mapping[str, object]) -> str:
    """`text` with `{name}` filled from `values` and `{n:one|many}` as the word for the count `n` (1 → one)."""
    if not values:
        return text
    text = _PLURAL.sub(lambda m: m[2] if _is_one(values[m[1]]) else m[3], text)
    return text.format(**values)


def _is_one(count: object) -> bool:
    try:
        return float(count) == 1  # type: ignore[arg-type]  # an int, or a number as text ("1")
    except (TypeError, ValueError):
        return False


def pick(zh: str, en: str) -> str:
    """The Chinese or the English of a pair in the visitor's language: a catalogue entry, two texts that come with the
    data (a rulebook's label and gloss, an error's two messages), or two separators (、 / , ). No English: Chinese."""
    return en if current() == "en" and en else zh


def refusal(exc: CreditBoardError) -> str:
    """A refused action (any CreditBoardError) in the visitor's language, as Markdown-safe text for st.error & co."""
    return md(pick(exc.message_zh, exc.message_en))


def language_switch() -> str:
    """The sidebar switch between Chinese and English; its choice is kept in the URL (`lang`)."""
    key = state.seed("lang", default=DEFAULT_LANGUAGE, options=list(LANGUAGES))
    lang = st.sidebar.radio(
        CATALOGUE["public.language"][0], list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=key, horizontal=True
    )
    state.put("lang", lang)
    return lang
