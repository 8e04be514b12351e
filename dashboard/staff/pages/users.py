"""账号管理 Accounts (bureau admins): create, deactivate, reset a password, unlock. Never shows a hash."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.labels import local_date
from dashboard.staff import session, widgets
from db.accounts import users
from db.accounts.roles import BUREAU_STAFF, ROLES, is_agency_role, is_town_role
from db.accounts.security import MIN_PASSWORD_LENGTH
from db.reference.towns import load_towns

admin = session.require("manage_users")
acting = session.actor(admin)  # the services re-read this account
engine = data.engine()


def submit_create(admin: dict) -> None:
    # Callbacks read the password fields and blank them: the session keeps no copy of a password.
    password, again = widgets.take_secret("new_user_password"), widgets.take_secret("new_user_password_again")
    state = st.session_state
    if password != again:
        widgets.outcome("users_outcome", "error", t("staff.passwords_differ"))
        return
    role = state.get("new_user_role")
    try:
        made = users.create_user(engine=engine, username=state.get("new_user_name", ""), password=password, role=role,
                                 town=(state.get("new_user_town") or None) if is_town_role(role) else None, by=acting,
                                 display_name=state.get("new_user_display", ""),
                                 credit_code=(state.get("new_user_credit_code") or None) if is_agency_role(role)
                                 else None)
    except CreditBoardError as exc:
        widgets.outcome("users_outcome", "error", refusal(exc))
        return
    state["new_user_name"] = state["new_user_display"] = state["new_user_credit_code"] = ""
    widgets.outcome("users_outcome", "success", t("staff.user_created", name=plain.md(made["username"])))


def submit_reset(admin: dict, name: str) -> None:
    password, again = widgets.take_secret("reset_password"), widgets.take_secret("reset_password_again")
    if password != again:
        widgets.outcome("users_outcome", "error", t("staff.passwords_differ"))
        return
    try:
        users.set_password(engine=engine, username=name, password=password, by=acting)
    except CreditBoardError as exc:
        widgets.outcome("users_outcome", "error", refusal(exc))
        return
    widgets.outcome("users_outcome", "success", t("staff.done"))


def change(admin: dict, name: str, what: str) -> None:
    try:
        if what == "deactivate":
            users.deactivate(engine=engine, username=name, by=acting)  # ends its sessions in the same transaction
        elif what == "activate":
            users.set_active(engine=engine, username=name, active=True, by=acting)
        else:
            users.unlock(engine=engine, username=name, by=acting)
    except CreditBoardError as exc:
        widgets.outcome("users_outcome", "error", refusal(exc))
    else:
        widgets.outcome("users_outcome", "success", t("staff.done"))


st.title(t("staff.page_users"))
widgets.outcome("users_outcome")
accounts = users.list_users(engine=engine)
shown = accounts.assign(role=accounts["role"].map(lambda r: t(f"role.{r}")), created_at=accounts["created_at"].map(local_date))
plain.dataframe(widgets.relabel(shown, {
    "username": "staff.username", "display_name": "staff.display_name", "role": "staff.role", "town": "common.town",
    "credit_code": "staff.credit_code", "active": "staff.active",
    "locked": "staff.locked_col", "failed_attempts": "staff.failed_attempts", "created_at": "staff.created_at",
}), hide_index=True, width="stretch")

st.subheader(t("staff.create_user"))
with st.form("create_user"):
    left, right = st.columns(2)
    left.text_input(t("staff.username"), max_chars=64, key="new_user_name")
    right.text_input(t("staff.display_name"), max_chars=64, key="new_user_display")
    left.selectbox(t("staff.role"), list(ROLES), format_func=widgets.labels_of({r: t(f"role.{r}") for r in ROLES}),
                  key=widgets.keep("new_user_role", BUREAU_STAFF))
    right.selectbox(t("staff.town_only"), [widgets.NO_CHOICE, *load_towns(engine=engine).names],
                    key=widgets.keep("new_user_town", widgets.NO_CHOICE),
                    format_func=widgets.labels_of({widgets.NO_CHOICE: "—"}, plain.text))
    left.text_input(t("staff.credit_code_only"), max_chars=24, key="new_user_credit_code")
    left.text_input(t("staff.new_password", n=MIN_PASSWORD_LENGTH), type="password", autocomplete="new-password",
                    key="new_user_password")
    right.text_input(t("staff.new_password_again"), type="password", autocomplete="new-password",
                     key="new_user_password_again")
    st.form_submit_button(t("staff.create"), type="primary", on_click=submit_create, args=(admin,))

st.subheader(t("staff.manage_user"))
name = st.selectbox(t("staff.choose_user"), accounts["username"].tolist(), index=None, key="users_choice",
                    placeholder=t("common.choose"), format_func=plain.text)
if name:
    row = accounts.set_index("username").loc[name]
    cols = st.columns(3)
    if row["active"]:
        cols[0].button(t("staff.deactivate"), key="users_deactivate", on_click=change, args=(admin, name, "deactivate"))
    else:
        cols[0].button(t("staff.activate"), key="users_activate", on_click=change, args=(admin, name, "activate"))
    cols[1].button(t("staff.unlock"), key="users_unlock", on_click=change, args=(admin, name, "unlock"),
                   disabled=not (row["locked"] or row["failed_attempts"]))
    with st.form("reset_password_form"):
        st.markdown(f"**{t('staff.reset_password')}**：{plain.md(name)}")
        st.text_input(t("staff.new_password", n=MIN_PASSWORD_LENGTH), type="password", autocomplete="new-password",
                      key="reset_password")
        st.text_input(t("staff.new_password_again"), type="password", autocomplete="new-password",
                      key="reset_password_again")
        st.form_submit_button(t("staff.reset_password"), on_click=submit_reset, args=(admin, name))
