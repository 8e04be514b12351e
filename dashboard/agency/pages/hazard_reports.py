"""拒不整改报告: the agency reports an enterprise that refused to fix a hazard (第十三条), and sees each of its reports'
status and outcome."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, hazard_report_view, plain
from dashboard.agency import session, widgets
from dashboard.i18n import t
from db.supervision import hazard_reports

user = session.require()
acting = session.actor(user)  # the services re-read this account; the credit code comes from it
engine = data.engine()
st.title(t("agency.page_hazard_reports"))
st.caption(t("agency.hr_intro"))
done = st.session_state.pop("agency_hr_outcome", None)
if done:
    st.success(done)

st.subheader(t("agency.hr_form"))
with st.form("agency_hr_form", clear_on_submit=False):
    form, upload = hazard_report_view.report_form("agency_hr")
    submitted = st.form_submit_button(t("agency.hr_file"), type="primary")
if submitted:
    try:
        stored = hazard_reports.file_report(engine=engine, user=acting, form=form,
                                            scan=hazard_report_view.checked_scan(upload))
    except CreditBoardError as exc:
        widgets.show_refusal(exc)
    else:
        st.session_state["agency_hr_outcome"] = t("agency.hr_filed", id=stored["id"],
                                                  due=stored["acknowledge_due"].isoformat())
        st.rerun()

st.subheader(t("agency.hr_mine"))
mine = hazard_reports.own_reports(engine=engine, user=acting)
if mine.empty:
    st.info(t("agency.hr_none"))
else:
    keys = {"id": "common.hr_id", "received_on": "common.hr_received_on", "enterprise_name": "common.hr_enterprise_name",
            "town": "common.hr_town", "addressee": "common.hr_addressee", "status": "common.hr_status",
            "acknowledged_on": "common.hr_acknowledged_on", "outcome": "common.hr_outcome",
            "case_no": "common.hr_case_no", "outcome_reason": "common.hr_outcome_reason",
            "closed_on": "common.hr_closed_on", "close_due": "common.hr_close_due", "major": "common.hr_major",
            "hazard": "common.hr_hazard"}
    words = hazard_report_view.shown(mine)
    for raw, row in zip(mine.itertuples(), words.itertuples(), strict=True):
        status = row.status + (f" · {row.outcome}" if row.outcome else "")
        if raw.case_no:
            status += t("agency.hr_line_case", case_no=raw.case_no)
        elif raw.status != "closed":
            status += t("agency.hr_line_due", due=raw.close_due.isoformat())
        line = t("agency.hr_line", id=raw.id, received_on=raw.received_on.isoformat(), enterprise=raw.enterprise_name,
                 addressee=row.addressee, status=status)
        (st.success if raw.status == "closed" else st.info)(plain.md(line))
    table = words[list(keys)]
    for column in ("received_on", "acknowledged_on", "closed_on", "close_due"):
        table[column] = table[column].map(lambda d: "" if d is None or d != d else d.isoformat())
    plain.dataframe(table.rename(columns={k: t(v) for k, v in keys.items()}), hide_index=True, width="stretch")
