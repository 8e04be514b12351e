"""月度报送 (附件2): one month's report by form (its visits, or "no visits"), or by uploading the template; late is marked."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.service_records import YES_NO
from dashboard import data
from dashboard.agency import session, widgets
from dashboard.i18n import t
from dashboard.labels import month_label
from db.agency import filings, overview

user = session.require()
engine = data.engine()
today = china_time.today()
VISIT_KEYS = ("client_code", "client_name", "town", "contract_no", "visit_date", "practitioner", "hazards",
              "written_advice")
# This month and the 23 before it, newest first: a late report of last year is still accepted.
months = [dt.date(index // 12, index % 12 + 1, 1)
          for index in range(today.year * 12 + today.month - 1, today.year * 12 + today.month - 25, -1)]

st.title(t("common.kind_reports"))
st.caption(t("agency.only_yours"))
month = st.selectbox(t("agency.report_month"), months, index=1, format_func={m: month_label(m) for m in months}.__getitem__, key="monthly_month")
record = overview.report_record(engine=engine, user=user, year=month.year, rulebook=data.rulebook())
row = record[record["month"] == pd.Timestamp(month)].iloc[0]
due = row["due"].date()
st.info(t("agency.will_be_late" if today > due else "agency.on_time_until", due=due.isoformat()))
if not pd.isna(row["submitted_on"]):
    st.caption(f"{t('agency.submitted_on')}：{row['submitted_on'].date().isoformat()}（{t('agency.status_' + row['status'])}）")

how = st.radio(t("agency.how"), ("none", "form", "file"), key="monthly_how", horizontal=True,
               format_func={h: t(f"agency.how_{h}") for h in ("none", "form", "file")}.__getitem__)
try:
    if how == "none":
        if st.button(t("agency.file"), type="primary", key="monthly_file_none"):
            widgets.filed([filings.file_month(engine=engine, user=user, month=month)])
    elif how == "form":
        blank = pd.DataFrame({key: pd.Series(dtype=str) for key in VISIT_KEYS})
        config = {key: st.column_config.TextColumn(widgets.column_label(key)) for key in VISIT_KEYS}
        config["written_advice"] = st.column_config.SelectboxColumn(t("agency.written_advice"), options=list(YES_NO))
        st.caption(t("agency.visits_table"))
        edited = st.data_editor(blank, num_rows="dynamic", column_config=config, key="monthly_visits",
                                hide_index=True, width="stretch")
        if st.button(t("agency.file"), type="primary", key="monthly_file_form"):
            rows = [{k: ("" if pd.isna(v) else str(v)) for k, v in r.items()} for r in edited.to_dict("records")]
            rows = [r for r in rows if any(v.strip() for v in r.values())]
            if rows:
                widgets.filed([filings.file_month(engine=engine, user=user, month=month, visits=rows)])
            else:  # an empty table is no report: "no visits" is the other choice, said on purpose
                st.warning(t("agency.how_none"))
    else:
        st.download_button(t("agency.template"), data=lambda: filings.template(engine=engine, kind="visits"),
                           file_name="附件2-template.xlsx", on_click="ignore", key="monthly_template",
                           icon=":material/download:")
        upload = st.file_uploader(t("agency.upload_file"), type=["csv", "xlsx"], key="monthly_upload")
        if upload is not None and st.button(t("agency.file"), type="primary", key="monthly_file_upload"):
            widgets.filed([filings.file_records(engine=engine, user=user, kind="visits", content=upload.getvalue(),
                                                file_name=upload.name)])
except CreditBoardError as exc:
    widgets.show_refusal(exc)
