"""异议处理 Objections (bureau staff): open objections to uphold (the finding is withdrawn) or reject with a reason
the agency sees; record one from an agency's letter; every objection with its outcome."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.labels import assessor_label, local_date
from dashboard.staff import session, widgets
from db.publishing import objections
from db.publishing.notice import draft_change
from db.store.text import TEXT_LIMIT

# The objections table's columns → their labels.
COLUMNS: dict[str, str] = {
    "id": "staff.col_id", "year": "common.year", "agency_name": "common.agency_name",
    "credit_code": "common.credit_code", "finding_id": "common.finding_id", "clause": "common.clause",
    "date": "common.date", "channel": "staff.col_channel", "filed_by": "staff.col_filed_by",
    "filed_on": "common.filed_on", "text": "common.objection", "status": "common.status",
    "reason": "common.resolution_reason", "finding_action": "common.finding_action",
    "resolved_by": "staff.col_resolved_by", "resolved_at": "staff.col_resolved_at",
}

user = session.require("resolve_objections")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()

st.title(t("staff.page_objections"))
st.caption(t("staff.objections_intro"))
widgets.outcome("objections_outcome")
widgets.outcome("letter_outcome")
everything = objections.objections(engine=engine, user=acting)


def done(text: str, year: int | None = None) -> None:
    data.clear()  # the agency's draft and the public notice read fresh
    widgets.saved_with_change("objections", text, None if year is None else
                              draft_change(engine=engine, year=year, withdrawal=True))


def finding_line(row) -> str:
    return t("staff.objection_from", agency=row["agency_name"], code=row["credit_code"], year=row["year"],
             clause=row["clause"], date=local_date(row["date"]), assessor=assessor_label(row["assessor"]))


# --- open objections ----------------------------------------------------------------------------------------------
st.subheader(t("staff.objections_open"))
pending = everything[everything["status"] == "open"]
if pending.empty:
    st.caption(t("staff.objections_none_open"))
for _, row in pending.iterrows():
    with st.container(border=True):
        oid = int(row["id"])
        st.markdown(plain.md(finding_line(row)))  # data inside: never bold, so no markup is made of it
        st.caption(plain.md(t("staff.objection_filed", channel=t(f"staff.channel_{row['channel']}"),
                              filed_on=local_date(row["filed_on"]), id=oid)))
        st.text(plain.text(row["text"]))
        reason = st.text_area(t("staff.resolution_reason"), key=f"objection_reason_{oid}", max_chars=TEXT_LIMIT)
        # Upholding withdraws the finding: say before what that does to the year's notice.
        widgets.warn_draft_change(draft_change(engine=engine, year=int(row["year"]), withdrawal=True))
        uphold, reject = st.columns(2)
        choice = None
        if uphold.button(t("staff.uphold"), type="primary", key=f"objection_uphold_{oid}"):
            choice = True
        if reject.button(t("staff.reject"), key=f"objection_reject_{oid}"):
            choice = False
        if choice is not None:
            try:
                objections.resolve_objection(engine=engine, user=acting, objection_id=oid, uphold=choice, reason=reason)
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                done(t("staff.objection_upheld"), int(row["year"])) if choice else done(t("staff.objection_rejected"))

# --- from a letter --------------------------------------------------------------------------------------------------
st.subheader(t("staff.letter_heading"))
choices = objections.findings_under_notice(engine=engine, user=acting)
if choices.empty:
    st.caption(t("staff.letter_none"))
else:
    widgets.empty_after_save("letter", {"letter_finding": None, "letter_text": ""})
    labels = {int(r["id"]): finding_line(r) for _, r in choices.iterrows()}
    finding_id = st.selectbox(t("staff.letter_finding"), list(labels), format_func=lambda i: plain.text(labels[i]),
                              index=None, key="letter_finding", placeholder=t("common.choose"))
    received = st.date_input(t("staff.col_received_on"), value=today, max_value=today, key="letter_received",
                             format="YYYY-MM-DD")
    text = st.text_area(t("staff.letter_text"), key="letter_text", max_chars=TEXT_LIMIT)
    if st.button(t("staff.record"), type="primary", disabled=finding_id is None, key="letter_save") and finding_id:
        try:
            objections.record_letter(engine=engine, user=acting, finding_id=int(finding_id), text=text,
                                     received_on=received)
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            widgets.saved("letter", "success", t("staff.letter_recorded"))

# --- every objection ----------------------------------------------------------------------------------------------
st.subheader(t("staff.objections_all"))
if not everything.empty:
    shown = everything[["id", "year", "agency_name", "credit_code", "finding_id", "clause", "date", "channel",
                        "filed_by", "filed_on", "text", "status", "reason", "finding_action", "resolved_by",
                        "resolved_at"]].copy()
    shown["channel"] = shown["channel"].map(lambda c: t(f"staff.channel_{c}"))
    shown["status"] = shown["status"].map(lambda s: t(f"common.objection_{s}"))
    shown["finding_action"] = shown["finding_action"].map(lambda a: t("common.finding_withdrawn") if a else "")
    for column in ("date", "filed_on", "resolved_at"):
        shown[column] = shown[column].map(local_date)
    plain.dataframe(widgets.relabel(shown, {c: COLUMNS[c] for c in shown.columns}), hide_index=True,
                    key="staff_objections")
