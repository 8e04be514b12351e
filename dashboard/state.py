"""Page state in the URL (st.query_params), so that any view can be shared as a link and reloads the same.

Each piece of state has a query parameter (year, agency, q, compare, grade, town, specialty, sort, lang). A widget is seeded from the URL when the URL says
something new (a shared link, a reload, a link from another page), otherwise it keeps what the visitor
chose; what the widget returns is written back to the URL. A value is also remembered for the session, so
that moving to another page keeps the year, the language and the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

LIST_PARAMS = frozenset({"compare", "grade"})
_SEEN = "_url_seen_"  # what the URL said last time we looked at a parameter
_MEMORY = "_remembered_"  # the value last chosen anywhere in this session


def widget_key(param: str) -> str:
    """The session-state key of the widget that edits `param`."""
    return f"w_{param}"


def read(param: str) -> str | None:
    """The raw URL value of `param` ("" counts as absent)."""
    value = st.query_params.get(param)
    return value or None


def is_new(param: str) -> bool:
    """True when the URL's `param` changed since we last looked (a shared link, a reload); call before seed()."""
    return st.session_state.get(_SEEN + param, "") != (read(param) or "")


def _parse(param: str, raw: str | None, options: Sequence[Any] | None, cast: Callable[[str], Any]) -> Any:
    """The URL value as a widget value, or None when it is absent or not one of `options`."""
    if raw is None:
        return None
    try:
        if param in LIST_PARAMS:
            values = [cast(part) for part in raw.split(",") if part]
            return [v for v in values if options is None or v in options] or None
        value = cast(raw)
    except (TypeError, ValueError):
        return None
    return value if options is None or value in options else None


def seed(
    param: str,
    *,
    default: Any,
    options: Sequence[Any] | None = None,
    cast: Callable[[str], Any] = str,
    remember: bool = True,
) -> str:
    """Prepare the widget of `param` and return its key.

    Use it as the widget's `key=` (and pass no index/default to the widget): the widget then shows the
    URL's value if the URL changed since we last looked, else what the visitor chose, else the value
    remembered from another page, else `default`.
    """
    key = widget_key(param)
    raw = read(param)
    url_changed = st.session_state.get(_SEEN + param, "") != (raw or "")
    current = st.session_state.get(key)
    if list_like := param in LIST_PARAMS:
        valid_current = current is not None and all(options is None or v in options for v in current)
    else:
        valid_current = current is not None and (options is None or current in options)
    if url_changed or not valid_current:
        value = _parse(param, raw, options, cast)
        if value is None and remember and raw is None:
            value = _parse(param, _encode(st.session_state.get(_MEMORY + param)), options, cast)
        if value is None:
            value = default
        current = list(value) if list_like else value
    # Always (re)assign: a widget of the same key on another page is a new widget, which would otherwise
    # ignore the value its predecessor left in session state and fall back to its default.
    st.session_state[key] = current
    st.session_state[_SEEN + param] = raw or ""
    return key


def _encode(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def put(param: str, value: Any) -> None:
    """Write `param` to the URL (removed when empty) and remember it for the session's other pages.

    A value equal to the default is still written, so that a link names the view exactly (a link to
    "the latest year" would otherwise change meaning when a new year is published).
    """
    encoded = _encode(value)
    st.session_state[_MEMORY + param] = value
    if encoded is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != encoded:
        st.query_params[param] = encoded
    st.session_state[_SEEN + param] = encoded or ""


def link_params(**values: Any) -> dict[str, str]:
    """Query parameters for a link to another page: the given values plus the current language."""
    out = {k: v for k, v in ((k, _encode(v)) for k, v in values.items()) if v is not None}
    lang = st.session_state.get(_MEMORY + "lang")
    if lang and "lang" not in out:
        out["lang"] = str(lang)
    return out
