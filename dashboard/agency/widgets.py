"""Small UI pieces of the portal's pages: relabelled tables, refusals with their problems by row and column."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.agency.text import t
from dashboard.i18n import current
from dashboard.labels import local_date
from dashboard.staff import queue
from dashboard.staff import widgets as staff_widgets
from dashboard.staff.text import t as staff_t
from db.accounts.security import MIN_PASSWORD_LENGTH
from db.accounts.users import change_own_password


def table(frame: pd.DataFrame, keys: tuple[str, ...], dates: tuple[str, ...] = ()) -> None:
    """Show the columns `keys` of `frame` under labels in the visitor's language (dates as YYYY-MM-DD)."""
    shown = frame[list(keys)].copy()
    for key in dates:
        shown[key] = shown[key].map(local_date)
    plain.dataframe(shown.rename(columns={k: t(k) for k in keys}), hide_index=True, width="stretch")


def refusal(exc: CreditBoardError) -> None:
    """A refused filing: its message, and every problem by row and column when there are several."""
    problems = exc.problems
    if len(problems) <= 1 or all(p.row is None and p.column is None for p in problems):
        st.error(plain.md(exc.message_en if current() == "en" else exc.message_zh))
        return
    st.error(t("problems"))
    english = current() == "en"
    plain.dataframe(pd.DataFrame({
        t("row"): ["—" if p.row is None else str(p.row) for p in problems],
        t("column"): [p.column or "—" for p in problems],
        t("problem"): [p.message_en if english else p.message_zh for p in problems],
        t("value"): ["" if p.value is None else str(p.value) for p in problems],
    }), hide_index=True, width="stretch")


def filed(results: list) -> None:
    """What a filing stored: rows added, or that the same filing was on record already."""
    added = sum(r.added for r in results)
    if added:
        queue.records_changed()  # the staff queue's watch runs now, in the background, not when a clerk opens it
        st.success(t("filed", n=added))
    else:
        st.info(t("filed_nothing_new"))


def _submit_password(user: dict) -> None:
    # A callback, like the staff workspace's: it reads the password fields and blanks them.
    current_password = staff_widgets.take_secret("agency_current_password")
    new_password = staff_widgets.take_secret("agency_new_password")
    again = staff_widgets.take_secret("agency_new_password_again")
    if new_password != again:
        staff_widgets.outcome("agency_password_outcome", "error", staff_t("passwords_differ"))
        return
    try:
        ok = change_own_password(engine=data.engine(), user=user, current_password=current_password,
                                 new_password=new_password)
    except CreditBoardError as exc:
        staff_widgets.outcome("agency_password_outcome", "error", staff_widgets.refusal(exc))
        return
    staff_widgets.outcome("agency_password_outcome", *(("success", staff_t("password_changed")) if ok else
                                                       ("error", staff_t("current_password_wrong"))))


def password_change(user: dict) -> None:
    """The agency account changes its own password (the same service and policy as staff)."""
    with st.expander(staff_t("change_password")):
        with st.form("agency_change_password"):
            st.text_input(staff_t("current_password"), type="password", key="agency_current_password",
                          autocomplete="current-password")
            st.text_input(staff_t("new_password", n=MIN_PASSWORD_LENGTH), type="password",
                          key="agency_new_password", autocomplete="new-password")
            st.text_input(staff_t("new_password_again"), type="password", key="agency_new_password_again",
                          autocomplete="new-password")
            st.form_submit_button(staff_t("save"), on_click=_submit_password, args=(user,))
        staff_widgets.outcome("agency_password_outcome")
