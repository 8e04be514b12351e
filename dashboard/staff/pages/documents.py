"""机构扫描件 Agency scans (bureau roles): the commitment letters and signed 附件1 agencies filed; staff download them."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.labels import local_time
from dashboard.staff import session, widgets
from db.agency.documents import agencies_with_documents, agency_documents, document_content

user = session.require("read_documents")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()

st.title(t("staff.page_documents"))
st.caption(t("staff.doc_intro"))
filers = agencies_with_documents(engine=engine, user=acting)
if filers.empty:
    st.info(t("staff.doc_none"))
    st.stop()

search = st.text_input(t("staff.doc_search"), key="doc_search", max_chars=200).strip()
if search:
    hit = (filers["agency_name"].str.contains(search, case=False, regex=False)
           | filers["credit_code"].str.contains(search.upper(), regex=False))
    filers = filers[hit]
labels = {r.credit_code: plain.text(f"{r.agency_name or r.credit_code}（{r.credit_code}）　{t('staff.doc_count', n=r.documents)}")
          for r in filers.itertuples()}
code = st.selectbox(t("common.agency_short"), list(labels), index=None, key="doc_agency", placeholder=t("common.choose"),
                    format_func=widgets.labels_of(labels))
if not code:
    st.stop()

scans = agency_documents(engine=engine, user=acting, credit_code=code)
kinds = {k: t(f"common.scan_{k}") for k in ("commitment", "registry")}
plain.dataframe(widgets.relabel(scans.assign(kind=scans["kind"].map(kinds), uploaded_at=scans["uploaded_at"].map(
    local_time)), {"id": "staff.doc_id", "kind": "common.kind", "file_name": "common.file_name", "content_type": "staff.doc_type",
                   "size": "common.size", "sha256": "staff.doc_sha256", "uploaded_by": "staff.doc_uploaded_by",
                   "uploaded_at": "staff.doc_uploaded_at"}), hide_index=True, width="stretch")


def download(document_id: int) -> bytes:
    # Read when the button is pressed, not on every rerun: a scan is up to 5 MB.
    return document_content(engine=engine, user=acting, document_id=document_id).content


# Streamlit serves a download button's file with `Content-Disposition: attachment` and this name (RFC 5987 form when
# it is not plain ASCII), and the type as Content-Type: the browser saves the scan, never opens it as a page.
for scan in scans.itertuples():
    try:
        st.download_button(t("staff.doc_download", id=scan.id, kind=kinds[scan.kind]), data=lambda i=scan.id: download(i),
                           file_name=scan.file_name, mime=scan.content_type, on_click="ignore",
                           key=f"doc_download_{scan.id}", icon=":material/download:")
    except CreditBoardError as exc:  # a scan that no longer matches its SHA-256
        st.error(refusal(exc))
