"""服务合同: the signed-in agency's contracts, and uploading its contracts file (the template's columns)."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data
from dashboard.agency import session, widgets
from dashboard.i18n import t
from db.agency import filings, overview

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
st.title(t("agency.page_contracts"))
st.caption(t("agency.only_yours"))

st.download_button(t("agency.template"), data=lambda: filings.template(engine=engine, kind="contracts"),
                   file_name="服务合同-template.xlsx", on_click="ignore", key="contracts_template",
                   icon=":material/download:")
upload = st.file_uploader(t("agency.upload_file"), type=["csv", "xlsx"], key="contracts_upload")
if upload is not None and st.button(t("agency.file"), type="primary", key="contracts_file"):
    try:
        widgets.filed([filings.file_records(engine=engine, user=acting, kind="contracts", content=upload.getvalue(),
                                            file_name=upload.name)])
    except CreditBoardError as exc:
        widgets.show_refusal(exc)

st.subheader(t("agency.contracts_now"))
contracts = overview.own_contracts(engine=engine, user=acting)
if contracts.empty:
    st.info(t("agency.no_contracts"))
else:
    widgets.table(contracts, ("contract_no", "client_name", "client_code", "town", "signed_on", "start", "end",
                              "visits_per_year"), dates=("signed_on", "start", "end"))
