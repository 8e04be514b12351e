"""扣分记录: every finding recorded against the signed-in agency, with its description (it concerns the agency)."""

import streamlit as st

from dashboard import data
from dashboard.agency import session, widgets
from dashboard.agency.text import t
from db.agency import overview

user = session.require()
st.title(t("page_findings"))
st.caption(t("only_yours"))
found = overview.own_findings(engine=data.engine(), user=user)
if found.empty:
    st.info(t("no_findings"))
else:
    widgets.table(found, ("year", "date", "clause", "assessor", "period", "practitioner", "description",
                          "document_no"), dates=("date",))
