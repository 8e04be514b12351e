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
from dashboard.staff import queue
from db.agency import filings, overview

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()
VISIT_KEYS = ("client_code", "client_name", "town", "contract_no", "visit_date", "practitioner", "hazards",
              "written_advice")
# This month and the 23 before it, newest first: a late report of last year is still accepted.
months = [dt.date(index // 12, index % 12 + 1, 1)
          for index in range(today.year * 12 + today.month - 1, today.year * 12 + today.month - 25, -1)]

OUTCOME = "monthly_outcome"  # what the last filing did, said after the rerun that shows the month as filed


def month_row(month: dt.date) -> pd.Series:
    """The month as the watch reads it now: its due day (core.watch.report_due_dates: the rest-day move included),
    first filing and status."""
    record = overview.report_record(engine=engine, user=acting, year=month.year, rulebook=data.rulebook())
    return record[record["month"] == pd.Timestamp(month)].iloc[0]


def filed_line(row: pd.Series) -> str:
    """`已于X提交，截止日为Y，逾期N天` or on time: what a filed month is."""
    on, due = row["submitted_on"].date(), row["due"].date()
    if row["status"] == "late":
        return t("agency.month_filed_late", on=on.isoformat(), due=due.isoformat(), n=(on - due).days)
    return t("agency.month_filed_on_time", on=on.isoformat(), due=due.isoformat())


def filed(results: list) -> None:
    """Store what the filing did, then rerun: the page then reads the month as filed (never "will be late")."""
    added = sum(r.added for r in results)
    if not added:
        st.session_state[OUTCOME] = ("info", t("agency.filed_nothing_new"))
    else:
        queue.records_changed()  # the staff queue's watch runs now, in the background
        after = month_row(month)
        line = "" if pd.isna(after["submitted_on"]) else "  \n" + filed_line(after)
        st.session_state[OUTCOME] = ("success", t("agency.filed", n=added) + line)
    st.rerun()


st.title(t("common.kind_reports"))
st.caption(t("agency.only_yours"))
month = st.selectbox(t("agency.report_month"), months, index=1, format_func={m: month_label(m) for m in months}.__getitem__, key="monthly_month")
said = st.session_state.pop(OUTCOME, None)
if said is not None:
    getattr(st, said[0])(said[1], icon=":material/check_circle:")
row = month_row(month)
due = row["due"].date()
if pd.isna(row["submitted_on"]):
    st.info(t("agency.will_be_late" if today > due else "agency.on_time_until", due=due.isoformat()))
elif said is None:
    st.caption(filed_line(row))

how = st.radio(t("agency.how"), ("none", "form", "file"), key="monthly_how", horizontal=True,
               format_func={h: t(f"agency.how_{h}") for h in ("none", "form", "file")}.__getitem__)
try:
    if how == "none":
        if st.button(t("agency.file"), type="primary", key="monthly_file_none"):
            filed([filings.file_month(engine=engine, user=acting, month=month)])
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
                filed([filings.file_month(engine=engine, user=acting, month=month, visits=rows)])
            else:  # an empty table is no report: "no visits" is the other choice, said on purpose
                st.warning(t("agency.how_none"))
    else:
        st.download_button(t("agency.template"), data=lambda: filings.template(engine=engine, kind="visits"),
                           file_name="附件2-template.xlsx", on_click="ignore", key="monthly_template",
                           icon=":material/download:")
        upload = st.file_uploader(t("agency.upload_file"), type=["csv", "xlsx"], key="monthly_upload")
        if upload is not None and st.button(t("agency.file"), type="primary", key="monthly_file_upload"):
            filed([filings.file_records(engine=engine, user=acting, kind="visits", content=upload.getvalue(),
                                                file_name=upload.name)])
except CreditBoardError as exc:
    widgets.show_refusal(exc)
