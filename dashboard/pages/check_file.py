"""核验文件 Check a file: a visitor uploads a downloaded file and learns which version it is, and whether current."""

import streamlit as st

from dashboard import data, plain, ui
from dashboard.i18n import pick, t

MAX_CHECK_MB = 64  # the largest export of a province-size year is well under this

ui.header("public.check_title")
pubs = data.publications()
ui.demo_notice(bool(not pubs.empty and pubs["demo"].any()))  # files of a demo database are demo files
st.markdown(t("public.check_intro"))
upload = st.file_uploader(t("public.check_upload"), type=["json", "csv", "xlsx"], key="check_file")
if upload is not None:
    if upload.size > MAX_CHECK_MB * 2**20:
        st.error(t("public.check_too_big", mb=MAX_CHECK_MB))
    else:
        found = data.identify(upload.getvalue())
        message = plain.md(pick(found.message_zh, found.message_en))  # a crafted file chooses the year it claims
        if found.status == "current":
            st.success(message, icon=":material/verified:")
        elif found.status == "superseded":
            st.warning(message, icon=":material/history:")
        else:
            st.error(message, icon=":material/gpp_bad:")
ui.page_link("open_data", t("public.check_open_data"), icon=":material/download:")
