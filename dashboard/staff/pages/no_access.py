"""无权访问 / No access: what a signed-in account sees at the URL of a page its role may not use, with its own pages."""

import streamlit as st

from dashboard import navigation
from dashboard.staff import session
from dashboard.staff.text import t

user = session.current_user()
st.title(t("page_no_access"))
if user is None:  # registered for signed-in sessions only; signed out, these URLs are the sign-in page
    st.stop()
st.warning(t("no_access", role=session.role_text(user)))
for script, _url, title, icon in navigation.own_pages(user):
    st.page_link(script, label=title, icon=icon)
