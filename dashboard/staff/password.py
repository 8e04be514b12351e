"""The one "change your password" widget, for staff and agency accounts alike (the same service and policy)."""

from __future__ import annotations

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data
from dashboard.i18n import refusal, t
from dashboard.staff.widgets import outcome, take_secret
from db.accounts.actor import Actor
from db.accounts.security import MIN_PASSWORD_LENGTH
from db.accounts.users import change_own_password


def password_change(user: dict, prefix: str) -> None:
    """An expander with the current password, the new one twice and 保存; `prefix` keeps its widget keys apart
    (`{prefix}_current_password`, …) from the page's other widgets."""
    with st.expander(t("staff.change_password")):
        with st.form(f"{prefix}_change_password"):
            st.text_input(t("staff.current_password"), type="password", key=f"{prefix}_current_password",
                          autocomplete="current-password")
            st.text_input(t("staff.new_password", n=MIN_PASSWORD_LENGTH), type="password", key=f"{prefix}_new_password",
                          autocomplete="new-password")
            st.text_input(t("staff.new_password_again"), type="password", key=f"{prefix}_new_password_again",
                          autocomplete="new-password")
            st.form_submit_button(t("staff.save"), on_click=_submit, args=(user, prefix))
        outcome(f"{prefix}_password_outcome")


def _submit(user: dict, prefix: str) -> None:
    # A callback: it runs before the script, reads the password fields and blanks them (never kept in the session).
    current_password = take_secret(f"{prefix}_current_password")
    new_password = take_secret(f"{prefix}_new_password")
    again = take_secret(f"{prefix}_new_password_again")
    key = f"{prefix}_password_outcome"
    if new_password != again:
        outcome(key, "error", t("staff.passwords_differ"))
        return
    try:
        ok = change_own_password(engine=data.engine(), user=Actor.of(user), current_password=current_password,
                                 new_password=new_password)
    except CreditBoardError as exc:
        outcome(key, "error", refusal(exc))
        return
    outcome(key, *(("success", t("staff.password_changed")) if ok else ("error", t("staff.current_password_wrong"))))
