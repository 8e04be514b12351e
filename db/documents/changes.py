"""What a correction changed, agency by agency: old → new score and grade, findings added and withdrawn.

Computed from the two published documents (never typed by anyone), so the public pages and the files say exactly
what differs between version N−1 and version N.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.towns import assessor_name_zh

CHANGE_COLUMNS = ("credit_code", "agency_name", "old_total", "new_total", "old_grade", "new_grade",
                  "findings_added", "findings_withdrawn")
_CHARGE_KEY = ("credit_code", "clause", "assessor", "period", "date")


def _findings(document: Mapping[str, Any] | None) -> pd.Series:
    """Each charged finding of the document as a counted (credit_code, `3.4 2025-03-20 新桥镇`) key — a finding as a
    reader identifies it; the same finding twice counts twice. Vectorised: a year holds tens of thousands."""
    rows = pd.DataFrame(document["charges"] if document else [], columns=[*_CHARGE_KEY, "points_charged"])
    assessors = rows["assessor"].map({a: assessor_name_zh(a) for a in rows["assessor"].unique()})
    keys = rows["clause"].astype(str) + " " + rows["date"].astype(str) + " " + assessors.astype(str)
    return pd.Series(list(zip(rows["credit_code"], keys, strict=True)), dtype=object).value_counts()


def _multiset_minus(a: pd.Series, b: pd.Series) -> dict[str, list[str]]:
    """(credit_code → findings) that `a` holds more often than `b`."""
    out: dict[str, list[str]] = {}
    for (code, finding), n in a.items():
        extra = int(n) - int(b.get((code, finding), 0))
        if extra > 0:
            out.setdefault(code, []).extend([finding] * extra)
    return out


def changes_between(previous: Mapping[str, Any] | None, current: Mapping[str, Any], separator: str = "；"
                    ) -> pd.DataFrame:
    """One row per agency whose total, grade or findings differ between `previous` and `current` (CHANGE_COLUMNS).

    An agency new in `current` has old_total/old_grade empty; one gone from it has new_total/new_grade empty.
    Findings are joined with `separator` (the pages' `；`; the files' edition says theirs), sorted. Version 1 (no
    previous) changes nothing.
    """
    if previous is None:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    old = {r["credit_code"]: r for r in previous["ratings"]}
    new = {r["credit_code"]: r for r in current["ratings"]}
    before, after = _findings(previous), _findings(current)
    added, withdrawn = _multiset_minus(after, before), _multiset_minus(before, after)
    rows = []
    for code in sorted(set(old) | set(new)):
        o, n = old.get(code), new.get(code)
        plus, minus = sorted(added.get(code, [])), sorted(withdrawn.get(code, []))
        same_score = o is not None and n is not None and (o["total"], o["grade"]) == (n["total"], n["grade"])
        if same_score and not plus and not minus:
            continue
        rows.append({
            "credit_code": code, "agency_name": (n or o)["agency_name"],
            "old_total": o["total"] if o else None, "new_total": n["total"] if n else None,
            "old_grade": o["grade"] if o else "", "new_grade": n["grade"] if n else "",
            "findings_added": separator.join(plus), "findings_withdrawn": separator.join(minus),
        })
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    return out.astype({"old_total": "Int64", "new_total": "Int64"})

