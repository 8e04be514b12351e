"""Entry point of the Streamlit site: page config, language (with its page style), navigation. Nothing else."""

import streamlit as st

from dashboard import data, i18n, navigation, page_style, ui

st.set_page_config(page_title="江阴市安全生产技术服务机构诚信等级公示", page_icon="🛡️", layout="wide")
page_style.apply(i18n.language_switch())  # <html lang> and CSS follow the chosen language
with ui.failure_guard():  # a database that is down or a bad setting must read as a message, not a traceback
    data.settings()  # checked before any page runs: a bad SEED_DEMO or MAX_… is refused by name
    st.navigation(navigation.sections(), position="sidebar", expanded=True).run()  # staff menus run past ten pages
