"""镇街园管理 Towns (bureau admins): the town list and the short forms uploads may use."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.staff import session, widgets
from db.reference.towns import list_towns, save_town

admin = session.require("manage_towns")
acting = session.actor(admin)  # the services re-read this account
engine = data.engine()

st.title(t("staff.page_towns"))
towns = list_towns(engine=engine)
plain.dataframe(widgets.relabel(towns, {"name": "staff.town_name", "aliases": "staff.aliases", "active": "staff.active"}),
             hide_index=True, width="stretch")

st.subheader(t("staff.edit_town"))
choice = st.selectbox(t("common.town"), [widgets.NO_CHOICE, *towns["name"]], key=widgets.keep("towns_choice", widgets.NO_CHOICE),
                      format_func=widgets.labels_of({widgets.NO_CHOICE: t("staff.new_town")}, plain.text)) or None
current = towns.set_index("name").loc[choice] if choice else None
with st.form("edit_town"):
    # A chosen town's name is only shown (disabled; the choice is what is saved): bidi visible there.
    name = st.text_input(t("staff.town_name"), value=plain.text(choice), disabled=choice is not None, max_chars=64)
    aliases = st.text_input(t("staff.aliases"), value="" if current is None else current["aliases"], max_chars=512)
    active = st.checkbox(t("staff.active"), value=True if current is None else bool(current["active"]))
    save = st.form_submit_button(t("staff.save"), type="primary")
if save:
    try:
        saved = save_town(engine=engine, by=acting, name=choice or name, aliases=aliases, active=active)
    except CreditBoardError as exc:
        st.error(refusal(exc))
    else:
        st.success(t("staff.town_saved", name=plain.md(saved["name"])))
