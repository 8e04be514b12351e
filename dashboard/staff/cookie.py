"""The browser's sign-in cookie: read from the connection's request, written by a small script on the page.

Streamlit hands the app the cookies the browser sent when it opened the connection (st.context.cookies, read-only);
a reload or a bookmark opens a new connection, which carries the cookie. Writing one needs JavaScript in the page:
st.html with unsafe_allow_javascript runs a fixed script we write here, with only the token (checked to be URL-safe
base64) and a number filled in. Nothing is fetched from anywhere. The cookie is SameSite=Strict, path=/, Secure
when the page is served over https, and expires with the server-side session's idle limit (renewed when the
session's activity is written). It cannot be HttpOnly: a script sets it (docs/operations.md, "Sign-in sessions").
"""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

COOKIE_NAME = "jy_credit_session"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")  # what security.new_session_token makes; anything else is ignored

_SCRIPT = """<script>
(function () {{
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "{name}={value}; Expires={expires}; Path=/; SameSite=Strict" + secure;
}})();
</script>"""


def read() -> str | None:
    """The token the browser sent when this session connected, or None (no cookie, or not a token of ours)."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (a test harness): no cookie  # noqa: BLE001
        return None
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def script(token: str | None, expires_at: dt.datetime | None = None) -> str:
    """The script that sets the cookie to `token` until `expires_at`, or clears it (token None).

    An absolute expiry, not Max-Age: the script stays the same from run to run until the session's expiry moves,
    so the page does not rerun it on every click.
    """
    if token is not None and (not _TOKEN.fullmatch(token) or expires_at is None):
        raise ValueError("not a session token and its expiry")
    value, when = (token, expires_at) if token else ("", _EPOCH)
    expires = when.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")  # RFC 7231 date, always English
    return _SCRIPT.format(name=COOKIE_NAME, value=value, expires=expires)


def put(token: str | None, expires_at: dt.datetime | None = None) -> None:
    """Write the cookie until `expires_at` from this run, or clear it (token None)."""
    with st.sidebar:
        st.html(script(token, expires_at), unsafe_allow_javascript=True, width="content")
