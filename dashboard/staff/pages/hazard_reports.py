"""拒不整改报告 (staff): the queue of hazard-refusal reports per addressee, overdue ones first and marked; 受理 and 办结
(with an outcome) on each; a paper report entered on an agency's behalf. A town sees only the reports addressed to
it; the bureau sees every one."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, hazard_report_view, plain
from dashboard.i18n import current, refusal, t
from dashboard.labels import kv, paren
from dashboard.staff import session, widgets
from db.store.text import TEXT_LIMIT
from db.supervision import hazard_reports

ACTION = hazard_reports.ACTION
user = session.require(ACTION)
acting = session.actor(user)  # the services re-read this account, its role and its town
engine = data.engine()
settings = data.settings()
st.title(t("staff.page_hazard_reports"))
st.caption(t("staff.hr_intro", ack=settings.report_acknowledge_working_days,
             close=settings.report_close_working_days))
widgets.outcome("hazard_reports_outcome")

left, right = st.columns([2, 1])
addressee = None
if not user.get("town"):  # the bureau picks whose queue to see
    options = [widgets.NO_CHOICE, hazard_report_view.TO_BUREAU, *data.town_names()]
    addressee = left.selectbox(t("common.hr_addressee"), options, key=widgets.keep("hr_addressee", ""),
                               format_func=widgets.labels_of({widgets.NO_CHOICE: t("staff.hr_all"),
                                                              hazard_report_view.TO_BUREAU: t("common.bureau")},
                                                             plain.text)) or None
overdue_only = right.checkbox(t("staff.hr_overdue_only"), key="hr_overdue_only")
reports = hazard_reports.queue(engine=engine, user=acting, addressee=addressee, overdue_only=overdue_only)


def saved(text: str) -> None:
    data.clear()  # the public counts read fresh
    widgets.saved("hazard_reports", "success", text)


st.subheader(t("staff.hr_queue"))
if reports.empty:
    st.caption(t("staff.hr_none"))
for _, row in reports.iterrows():
    rid = int(row["id"])
    line = t("staff.hr_report_line", id=rid, received_on=row["received_on"].isoformat(),
             enterprise=row["enterprise_name"], town=row["town"],
             addressee=hazard_report_view.addressee_label(row["addressee"]), status=t(f"common.hr_status_{row['status']}"))
    if row["status"] == "closed":
        line += f" · {t('common.hr_outcome_' + row['outcome'])}"
    if row["overdue"]:
        line = f"{t('staff.hr_overdue_line')} · {line}"
    with st.expander(plain.md(line), expanded=bool(row["overdue"]) and row["status"] != "closed"):
        if row["overdue"]:
            st.error(t("staff.hr_overdue"))
        facts = {
            "staff.hr_agency": row["agency_name"] + paren(row["credit_code"]),
            "common.hr_enterprise_code": row["enterprise_code"], "common.hr_hazard": row["hazard"],
            "common.hr_major": t("common.hr_major_yes") if row["major"] else t("common.hr_major_no"),
            "common.hr_found_on": row["found_on"].isoformat(), "common.hr_advice_on": row["advice_on"].isoformat(),
            "common.hr_advice_no": row["advice_no"], "common.hr_rectify_by": row["rectify_by"].isoformat(),
            "common.hr_response": row["response"], "common.hr_bureau_reason": row["bureau_reason"],
            "common.hr_received_on": row["received_on"].isoformat() + paren(t("staff.hr_channel_" + row["channel"])),
            "common.hr_acknowledge_due": row["acknowledge_due"].isoformat(),
            "common.hr_close_due": row["close_due"].isoformat(),
            "common.hr_acknowledged_on": "" if row["acknowledged_on"] is None else
            f"{row['acknowledged_on'].isoformat()} · {row['acknowledged_by']}",
            "common.hr_closed_on": "" if row["closed_on"] is None else f"{row['closed_on'].isoformat()} · {row['closed_by']}",
            "common.hr_case_no": row["case_no"], "common.hr_outcome_reason": row["outcome_reason"],
        }
        for key, value in facts.items():
            if value:
                st.markdown(kv(t(key), value))
        if row["scan_name"]:
            try:
                scan = hazard_reports.scan_of(engine=engine, user=acting, report_id=rid)
                st.download_button(t("staff.hr_download_scan"), scan.content, file_name=scan.file_name,
                                   mime=scan.content_type, key=f"hr_scan_{rid}")
            except CreditBoardError as exc:
                st.error(refusal(exc))
        if row["status"] == "received" and st.button(t("staff.hr_acknowledge"), type="primary", key=f"hr_ack_{rid}"):
            try:
                hazard_reports.acknowledge(engine=engine, user=acting, report_id=rid)
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                saved(t("staff.hr_acknowledged", id=rid))
        if row["status"] == "acknowledged":
            # A form: picking the outcome does not rerun the page (and fold this report away) before 办结.
            with st.form(f"hr_close_form_{rid}", border=False):
                outcome = st.radio(t("common.hr_outcome"), hazard_reports.OUTCOMES, horizontal=True,
                                   key=f"hr_outcome_{rid}_{current()}",  # see hazard_report_view: no keep here
                                   format_func=widgets.labels_of({o: t(f"common.hr_outcome_{o}")
                                                                  for o in hazard_reports.OUTCOMES}))
                case_no = st.text_input(t("common.hr_case_no"), max_chars=64, key=f"hr_case_no_{rid}")
                reason = st.text_area(t("common.hr_outcome_reason"), max_chars=TEXT_LIMIT, key=f"hr_reason_{rid}")
                close = st.form_submit_button(t("staff.hr_close"), type="primary")
            if close:
                try:
                    hazard_reports.close(engine=engine, user=acting, report_id=rid, outcome=outcome, case_no=case_no,
                                         reason=reason)
                except CreditBoardError as exc:
                    st.error(refusal(exc))
                else:
                    saved(t("staff.hr_closed", id=rid))

# --- a paper report -------------------------------------------------------------------------------------------------
st.subheader(t("staff.hr_paper"))
with st.expander(t("staff.hr_paper")):
    code, _ = widgets.agency_picker("hr_paper")
    with st.form("hr_paper_form"):
        received_on = st.date_input(t("common.hr_received_on"), value=None, key="hr_paper_received_on")
        form, upload = hazard_report_view.report_form("hr_paper")
        submitted = st.form_submit_button(t("staff.record"), type="primary")
    if submitted:
        try:
            stored = hazard_reports.file_report(engine=engine, user=acting, form=form, credit_code=code or "",
                                                received_on=received_on, scan=hazard_report_view.checked_scan(upload))
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            saved(t("staff.hr_filed", id=stored["id"]))
