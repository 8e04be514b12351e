"""The browser's sign-in cookie: read from the connection's request, written by a small script on the page.

Streamlit hands the app the cookies the browser sent when it opened the connection (st.context.cookies, read-only);
a reload or a bookmark opens a new connection, which carries the cookie. Writing one needs JavaScript in the page:
st.html with unsafe_allow_javascript runs a fixed script we write here, with only the token (checked to be URL-safe
base64) and a number filled in. Nothing is fetched from anywhere. The cookie is SameSite=Strict, path=/, Secure
when the page is served over https, and expires with the server-side session's idle limit (renewed when the
session's activity is written). It cannot be HttpOnly: a script sets it (README, "Sign-in sessions").
"""

from __future__ import annotations

import re

import streamlit as st

COOKIE_NAME = "jy_credit_session"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")  # what security.new_session_token makes; anything else is ignored

_SCRIPT = """<script>
(function () {{
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "{name}={value}; Max-Age={max_age}; Path=/; SameSite=Strict" + secure;
}})();
</script>"""


def read() -> str | None:
    """The token the browser sent when this session connected, or None (no cookie, or not a token of ours)."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (a test harness): no cookie  # noqa: BLE001
        return None
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def script(token: str | None, max_age: int) -> str:
    """The script that sets the cookie to `token` for `max_age` seconds, or clears it (token None)."""
    if token is not None and not _TOKEN.fullmatch(token):
        raise ValueError("not a session token")
    value, age = (token, max(1, int(max_age))) if token else ("", 0)
    return _SCRIPT.format(name=COOKIE_NAME, value=value, max_age=age)


def put(token: str | None, max_age: int = 0) -> None:
    """Write (or clear) the cookie from this run; the same script again is not run twice by the browser."""
    with st.sidebar:
        st.html(script(token, max_age), unsafe_allow_javascript=True, width="content")
