"""The audit log in words: the data layer's English detail phrases and JSON before/after as readable zh/en text."""

from __future__ import annotations

import json
import re
from typing import Any

from dashboard.i18n import current
from dashboard.staff.text import AUDIT_FIELDS, t

# What db/accounts/users.py and db/uploads/imports.py write as `detail` → the label that says it in both languages.
# Anything else (a correction's reason, a listing's bilingual summary) is a person's text and is shown as written.
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), key) for p, key in (
    (r"wrong password", "audit_wrong_password"),
    (r"wrong password \((?P<n>\d+) of (?P<of>\d+)\)", "audit_wrong_password_count"),
    (r"unknown user", "audit_unknown_user"),
    (r"deactivated", "audit_deactivated"),
    (r"waiting until (?P<until>\S+); not checked", "audit_waiting"),
    (r"(?P<scope>this client|every (?:unknown )?client \(account-wide ceiling\)) waits (?P<minutes>\d+) min, until (?P<until>\S+)",
     "audit_waits"),
    (r"password reset", "audit_password_reset"),
    (r"change refused: current password wrong", "audit_change_refused"),
    (r"changed own password", "audit_changed_own"),
    (r"upload (?P<upload>\d+)", "audit_upload"),
    (r"signed out", "audit_signed_out"),
    (r"idle timeout", "audit_idle"),
    (r"account deactivated", "audit_account_deactivated"),
))
# "every client" is how entries written before known clients (db/accounts/throttle.py) said it.
_SCOPES = {"this client": "audit_scope_client", "every unknown client (account-wide ceiling)": "audit_scope_account",
           "every client (account-wide ceiling)": "audit_scope_account"}


def detail_text(detail: Any) -> str:
    """An entry's detail in the visitor's language when it is one of the data layer's phrases; else as written."""
    text = "" if detail is None else str(detail)
    for pattern, key in _DETAILS:
        match = pattern.fullmatch(text.strip())
        if match:
            values = match.groupdict()
            if "scope" in values:
                values["scope"] = t(_SCOPES[values["scope"]])
            return t(key, **values)
    return text


def json_text(value: Any) -> str:
    """A stored before/after (JSON text) as `年度：2025；版本：2` / `year: 2025; version: 2`; not JSON: as written."""
    if value is None or value == "":
        return ""
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return str(value)
    return _words(parsed)


def _words(value: Any) -> str:
    en = current() == "en"
    if isinstance(value, dict):
        sep, colon = ("; ", ": ") if en else ("；", "：")
        return sep.join(f"{_field(k)}{colon}{_words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return (", " if en else "、").join(_words(v) for v in value)
    if isinstance(value, bool):
        return t("audit_yes") if value else t("audit_no")
    return "—" if value is None else str(value)


def _field(key: str) -> str:
    zh, en = AUDIT_FIELDS.get(key, (key, key))
    return en if current() == "en" else zh
