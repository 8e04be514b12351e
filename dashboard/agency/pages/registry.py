"""基本情况（附件1）与承诺书: the agency's basic information on file, filing or updating it, and its scans."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.service_records import RECORD_COLUMNS
from dashboard import data, plain
from dashboard.agency import session, widgets
from dashboard.i18n import t
from db.agency import documents, filings, overview

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()
LABEL = {c.key: c.label_zh for c in RECORD_COLUMNS["registry"]}
st.title(t("agency.page_registry"))
st.caption(t("agency.only_yours"))

st.subheader(t("agency.scans"))
kind = st.radio(t("common.kind"), documents.DOCUMENT_KINDS, format_func={k: t(f"common.scan_{k}") for k in documents.DOCUMENT_KINDS}.__getitem__, horizontal=True,
                key="scan_kind")
scan = st.file_uploader(t("agency.scan_file", mb=documents.MAX_DOCUMENT_BYTES // (1024 * 1024)),
                        type=["pdf", "jpg", "jpeg", "png"], key="scan_upload")
if scan is not None and st.button(t("agency.scan_upload"), key="scan_save"):
    try:
        done = documents.file_document(engine=engine, user=acting, kind=kind, file_name=scan.name,
                                       content=scan.getvalue())
        st.info(t("agency.scan_duplicate")) if done.duplicate else st.success(t("agency.scan_saved"))
    except CreditBoardError as exc:
        widgets.show_refusal(exc)
scans = documents.own_documents(engine=engine, user=acting)
if scans.empty:
    st.caption(t("agency.no_scans"))
else:
    widgets.table(scans.assign(scan_kind=scans["kind"].map(lambda k: t(f"common.scan_{k}"))),
                  ("scan_kind", "file_name", "size", "uploaded_at"), dates=("uploaded_at",))

identity = overview.own_registry(engine=engine, user=acting)
on_file = identity["registry"]
st.subheader(t("agency.registry_form"))
try:
    with st.form("registry_form"):
        values = {}
        for key in filings.REGISTRY_FIELDS:
            default = on_file.get(key, identity["agency_name"] if key == "agency_name" else "")
            values[key] = st.text_input(LABEL[key], value=default, max_chars=500, key=f"registry_{key}")
        changed_on = st.date_input(t("agency.changed_on"), value=today, max_value=today, key="registry_changed_on")
        if st.form_submit_button(t("agency.file"), type="primary"):
            widgets.filed(filings.file_registry(engine=engine, user=acting, fields=values, changed_on=changed_on))
            identity = overview.own_registry(engine=engine, user=acting)
            on_file = identity["registry"]
except CreditBoardError as exc:
    widgets.show_refusal(exc)

st.subheader(t("agency.registry_now"))
if not on_file:
    st.info(t("agency.registry_none"))
else:
    for key, label in LABEL.items():
        value = on_file.get(key)
        st.markdown(f"**{plain.md(label)}**：{plain.md('' if value is None else value)}")
