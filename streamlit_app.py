"""Entry point of the Streamlit site: page config, language (with its page style), navigation. Nothing else."""

import streamlit as st

from dashboard import data, i18n, memory, navigation, page_style, ui
from dashboard.staff import session

memory.start()  # once per process: memory freed by visitors who left goes back to the system (dashboard/memory.py)
st.set_page_config(page_icon="🛡️", layout="wide")
session.new_run()  # this run looks the sign-in up afresh (once)
page_style.apply(i18n.language_switch())  # <html lang> and CSS follow the chosen language
st.set_page_config(page_title=i18n.t("public.site_title"))  # the browser tab follows the chosen language
with ui.failure_guard():  # a database that is down or a bad setting must read as a message, not a traceback
    data.settings()  # checked before any page runs: a bad SEED_DEMO or MAX_… is refused by name
    if not data.is_ready():  # a fresh install's first run migrates and seeds: a message meanwhile, not a blank page
        with st.spinner(i18n.t("public.preparing"), show_time=True):
            data.engine()
    menu = navigation.sections()  # resumes this browser's sign-in (from its cookie on a reload) or ends it
    session.keep_cookie()  # the browser's cookie follows the server-side session
    st.navigation(menu, position="sidebar", expanded=True).run()  # staff menus run past ten pages
