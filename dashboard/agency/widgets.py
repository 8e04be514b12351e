"""Small UI pieces of the portal's pages: relabelled tables, refusals with their problems by row and column."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import CreditBoardError, Problem
from core.service_records import RECORD_COLUMNS
from dashboard import plain
from dashboard.i18n import pick, refusal, t
from dashboard.labels import local_date
from dashboard.staff import password, queue
from dashboard.text import CATALOGUE
from db.agency.filings import Unchanged

# Columns whose label the portal shares with the rest of the site; every other column `c` is labelled `agency.c`.
_SHARED_COLUMNS: dict[str, str] = {
    "year": "common.year", "finding_id": "common.finding_id", "clause": "common.clause", "date": "common.act_on",
    "status": "common.status", "reason": "common.resolution_reason", "finding_action": "common.finding_action",
    "filed_on": "common.filed_on", "text": "common.objection", "assessor": "common.assessor",
    "period": "common.period", "practitioner": "common.practitioner", "town": "common.town",
    "specialty": "common.specialty", "file_name": "common.file_name", "size": "common.size",
    "scan_kind": "common.kind",
}


def column_label(column: str) -> str:
    """The label of a portal table's column `column` in the visitor's language."""
    return t(_SHARED_COLUMNS.get(column, f"agency.{column}"))


def table(frame: pd.DataFrame, keys: tuple[str, ...], dates: tuple[str, ...] = ()) -> None:
    """Show the columns `keys` of `frame` under labels in the visitor's language (dates as YYYY-MM-DD)."""
    shown = frame[list(keys)].copy()
    for key in dates:
        shown[key] = shown[key].map(local_date)
    plain.dataframe(shown.rename(columns={k: column_label(k) for k in keys}), hide_index=True, width="stretch")


def field_label(column: str) -> str:
    """A form field named by its Chinese label (as the reader names columns) in the visitor's language:
    `身份证号`, or `身份证号 / ID number` in English."""
    key = next((c.key for columns in RECORD_COLUMNS.values() for c in columns if c.label_zh == column), None)
    shown = _SHARED_COLUMNS.get(key or "", f"agency.{key}")
    english = t(shown) if key and shown in CATALOGUE else ""
    return pick(column, f"{column} / {english}" if english and english != column else column)


def _field_line(problem: Problem) -> str:
    value = f" ({problem.value})" if problem.value else ""
    text = pick(problem.message_zh, problem.message_en) + value
    return t("agency.field_problem", field=field_label(problem.column), problem=text) if problem.column else text


def show_refusal(exc: CreditBoardError) -> None:
    """A refused filing: its message (dashboard.i18n.refusal), and every problem by row and column when there are
    several; a one-person form's problems (no row: db.agency.filings.one_person_problems) each name the field.
    Unchanged (the same as on file) is said, not shown as an error."""
    if isinstance(exc, Unchanged):
        st.info(refusal(exc))
        return
    problems = exc.problems
    if problems and all(p.row is None for p in problems) and any(p.column for p in problems):
        lines = [plain.md(_field_line(p)) for p in problems]
        st.error("  \n".join(lines if len(lines) == 1 else [t("agency.problems_fields"), *lines]))
        return
    if len(problems) <= 1 or all(p.row is None and p.column is None for p in problems):
        st.error(refusal(exc))
        return
    st.error(t("agency.problems"))
    plain.dataframe(pd.DataFrame({
        t("common.row"): ["—" if p.row is None else str(p.row) for p in problems],
        t("common.column"): [p.column or "—" for p in problems],
        t("common.problem"): [pick(p.message_zh, p.message_en) for p in problems],
        t("common.value"): ["" if p.value is None else str(p.value) for p in problems],
    }), hide_index=True, width="stretch")


def filed(results: list) -> None:
    """What a filing stored: rows added, or that the same filing was on record already."""
    added = sum(r.added for r in results)
    if added:
        queue.records_changed()  # the staff queue's watch runs now, in the background, not when a clerk opens it
        st.success(t("agency.filed", n=added))
    else:
        st.info(t("agency.filed_nothing_new"))


def password_change(user: dict) -> None:
    """The agency account changes its own password: the staff workspace's one widget (same service and policy)."""
    password.password_change(user, "agency")
