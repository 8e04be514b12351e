"""The comparison tables: one column per agency, so that an enterprise reads them side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from dashboard.i18n import pick, t
from dashboard.labels import clause_codes_text, grade_label, group_label, listed_by_label, paren

COMPARE_MAX = 4  # agencies side by side at most (Compare's picker; Find's ticks)


def column_names(codes: list[str], index: pd.DataFrame) -> dict[str, str]:
    """Agency code → column heading (its name; the code is added when two names are the same)."""
    name_of = dict(zip(index["credit_code"], index["agency_name"], strict=True))
    names = [name_of.get(c, c) for c in codes]
    return {c: (n if names.count(n) == 1 else n + paren(c[-6:])) for c, n in zip(codes, names, strict=True)}


# Four agencies of 176 px beside their row label (up to 190 px) fit the 904 px of a 1366 px screen without a
# sideways scroll.
AGENCY_COLUMN_WIDTH = 176


def columns(table: pd.DataFrame) -> dict[str, Any]:
    """Column settings of a comparison table: its first column (what a row is) pinned, the agencies 200 px each."""
    first, *agencies = table.columns
    cc = st.column_config
    return {first: cc.TextColumn(pinned=True, width=190),
            **{name: cc.TextColumn(width=AGENCY_COLUMN_WIDTH) for name in agencies}}


def grades_by_year(years: pd.DataFrame, codes: list[str], names: dict[str, str], rulebook: Rulebook) -> pd.DataFrame:
    """Rows: years (newest first); columns: agencies; cells: `A 优秀 · 95`."""
    all_years = sorted(years["year"].unique(), reverse=True)
    cell = {(r.credit_code, r.year): f"{grade_label(r.grade, rulebook)} · {r.total}" for r in years.itertuples()}
    rows = [{t("common.year"): str(y), **{names[c]: cell.get((c, y), t("public.not_rated")) for c in codes}} for y in all_years]
    return pd.DataFrame(rows, columns=[t("common.year"), *(names[c] for c in codes)])


def points_lost(lost: pd.DataFrame, codes: list[str], names: dict[str, str], rulebook: Rulebook) -> pd.DataFrame:
    """Rows: clause groups (blacklist / 10-point / 5-point); columns: agencies; all published years together."""
    totals = lost.groupby(["credit_code", "group"])[["findings", "points"]].sum()
    blacklist_groups = {rulebook.clause(code).group for code in rulebook.blacklist_codes}
    rows = []
    for group in rulebook.groups:
        row = {t("public.clause_group"): group_label(group.key, rulebook)}
        for code in codes:
            n, points = (totals.loc[(code, group.key)] if (code, group.key) in totals.index else (0, 0))
            if group.key in blacklist_groups:
                row[names[code]] = t("public.blacklist_times", n=int(n)) if n else "—"
            else:
                row[names[code]] = t("public.points_value", points=int(points), n=int(n)) if n else "—"
        rows.append(row)
    return pd.DataFrame(rows, columns=[t("public.clause_group"), *(names[c] for c in codes)])


def blacklist_history(listed: pd.DataFrame, codes: list[str], names: dict[str, str], rulebook: Rulebook) -> pd.DataFrame:
    """One row per agency: the years it was blacklisted and how, or that it never was."""
    rows = []
    for code in codes:
        own = listed[listed["credit_code"] == code].sort_values("year")
        text = pick("；", "; ").join(
            t("public.year_value", year=int(r.year)) + paren(
                listed_by_label(r.listed_by, rulebook)
                + (f" {clause_codes_text(r.blacklist_clauses)}" if r.blacklist_clauses else ""))
            for r in own.itertuples()
        )
        rows.append({t("common.agency"): names[code], t("public.blacklist_history_compare"): text or t("public.never_blacklisted")})
    return pd.DataFrame(rows, columns=[t("common.agency"), t("public.blacklist_history_compare")])
