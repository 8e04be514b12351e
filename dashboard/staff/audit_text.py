"""The audit log in words: the data layer's English detail phrases and JSON before/after as readable zh/en text."""

from __future__ import annotations

import json
import re
from typing import Any

from dashboard import data
from dashboard.i18n import known, pick, t
from dashboard.labels import assessor_label, period_label

# What db/accounts/users.py and db/uploads/imports.py write as `detail` → the label that says it in both languages.
# Anything else (a correction's reason, a listing's bilingual summary) is a person's text and is shown as written.
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), key) for p, key in (
    (r"wrong password", "staff.audit_wrong_password"),
    (r"wrong password \((?P<n>\d+) of (?P<of>\d+)\)", "staff.audit_wrong_password_count"),
    (r"unknown user", "staff.audit_unknown_user"),
    (r"deactivated", "staff.audit_deactivated"),
    (r"waiting until (?P<until>\S+); not checked", "staff.audit_waiting"),
    (r"(?P<scope>this client|every (?:unknown )?client \(account-wide ceiling\)) waits (?P<minutes>\d+) min, until (?P<until>\S+)",
     "staff.audit_waits"),
    (r"password reset", "staff.audit_password_reset"),
    (r"change refused: current password wrong", "staff.audit_change_refused"),
    (r"changed own password", "staff.audit_changed_own"),
    (r"upload (?P<upload>\d+)", "staff.audit_upload"),
    (r"signed out", "staff.audit_signed_out"),
    (r"idle timeout", "staff.audit_idle"),
    (r"account deactivated", "staff.audit_account_deactivated"),
    (r"objection (?P<objection>\d+)", "staff.audit_objection_upheld"),
))
# "every client" is how entries written before known clients (db/accounts/throttle.py) said it.
_SCOPES = {"this client": "staff.audit_scope_client", "every unknown client (account-wide ceiling)": "staff.audit_scope_account",
           "every client (account-wide ceiling)": "staff.audit_scope_account"}


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


def _words(value: Any, field: str = "") -> str:
    if isinstance(value, dict):
        return pick("；", "; ").join(f"{_field(k)}{pick('：', ': ')}{_words(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return pick("、", ", ").join(_words(v) for v in value)
    if isinstance(value, bool):
        return t("staff.audit_yes") if value else t("staff.audit_no")
    if value is None:
        return "—"
    return _coded(field, value) if isinstance(value, str) else str(value)


# A stored code under these fields → the label that says it (first one the catalogue has); others stay as stored.
_CODED: dict[str, tuple[str, ...]] = {
    "role": ("role.{}",), "kind": ("common.kind_{}", "common.scan_{}"),
    "channel": ("staff.channel_{}", "staff.hr_channel_{}"), "finding_action": ("common.finding_{}",),
    "rule": ("clause.{}",), "outcome": ("common.hr_outcome_{}",), "addressee": ("common.{}",),
    "status": ("common.objection_{}", "staff.sq_status_{}", "public.listing_{}", "staff.audit_status_{}",
               "common.hr_status_{}"),
}


def _coded(field: str, value: str) -> str:
    """A code stored in a before/after (a role, a period, an assessor, a status…) in words."""
    if field == "assessor":
        return assessor_label(value)
    if field == "period":
        return period_label(value, data.rulebook())
    for pattern in _CODED.get(field, ()):
        if known(pattern.format(value)):
            return t(pattern.format(value))
    return value


def _field(key: str) -> str:
    return t(f"audit_field.{key}") if known(f"audit_field.{key}") else key


def term(code: str) -> str:
    """An audit code (an action or an entity) in the visitor's language: `发布` / `publication`, never the code
    itself (the CSV download keeps the codes); unknown codes as they are."""
    return t(f"audit_term.{code}") if known(f"audit_term.{code}") else code
