"""无权访问 / No access: what a signed-in account sees at the URL of a page its role may not use, with its own pages."""

import streamlit as st

from dashboard import navigation
from dashboard.i18n import t
from dashboard.staff import session

user = session.current_user()
st.title(t("staff.page_no_access"))
if user is None:  # registered for signed-in sessions only; signed out, these URLs are the sign-in page
    st.stop()
st.warning(t("staff.no_access", role=t(f"role.{user['role']}")))
for script, _url, title, icon in navigation.own_pages(user):
    st.page_link(script, label=title, icon=icon)
