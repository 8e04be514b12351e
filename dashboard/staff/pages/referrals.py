"""上报处理 Referrals: the bureau confirms a town's referral of 1.x conduct (its own 1.x finding) or dismisses it with a
reason, within the working-day deadline; a town refers a 1.x matter and sees each outcome."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.staff import session, widgets
from db.accounts.roles import may, own_town
from db.store.text import TEXT_LIMIT
from db.supervision.referrals import (
    ReferralInput,
    confirm_referral,
    dismiss_referral,
    refer,
    referral_list,
)

user = session.require("read_supervision")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
town = own_town(user)
today = china_time.today()
BLACKLIST_CLAUSES = list(rulebook.blacklist_codes)
CLAUSE_LABELS = {c: widgets.clause_label(c, rulebook) for c in BLACKLIST_CLAUSES}  # in this run's language
STATES = {"referred": t("staff.state_referred"), "confirmed": t("staff.state_confirmed"),
          "dismissed": t("staff.state_dismissed")}

st.title(t("staff.page_referrals"))
st.caption(t("staff.ref_intro", days=data.settings().referral_working_days))
widgets.empty_after_save("ref", {"ref_pick": None, "ref_reason": "", "ref_facts": "", "ref_evidence": ""})
widgets.outcome("ref_outcome")

listed = referral_list(engine=engine, user=acting, today=today)
overdue = int(listed["overdue"].astype(bool).sum()) if not listed.empty else 0
if overdue:
    st.warning(t("staff.ref_overdue", n=overdue), icon=":material/schedule:")

if may(user, "decide_referrals"):
    st.subheader(t("staff.ref_queue"))
    waiting = listed[listed["state"] == "referred"]
    if waiting.empty:
        st.info(t("staff.ref_none"))
    else:
        labels = {int(r.id): t("staff.ref_label", id=r.id, town=plain.text(r.town), agency=plain.text(r.agency_name),
                               clause=r.clause, due=r.due or "—") for r in waiting.itertuples()}
        picked = st.selectbox(t("staff.ref_pick"), list(labels), index=None, key=widgets.keep("ref_pick"),
                              placeholder=t("common.choose"), format_func=widgets.labels_of(labels))
        if picked is not None:
            row = waiting[waiting["id"] == picked].iloc[0]
            st.markdown(f"**{t('staff.ref_facts')}**：{plain.md(row['facts'])}")
            if row["evidence"]:
                st.markdown(f"**{t('staff.ref_evidence')}**：{plain.md(row['evidence'])}")
            st.markdown(widgets.clause_text(row["clause"], rulebook))
            left, right = st.columns(2)
            if left.button(t("staff.ref_confirm"), type="primary", key="ref_confirm"):
                try:
                    stored = confirm_referral(engine=engine, user=acting, referral_id=int(picked), rulebook=rulebook)
                except CreditBoardError as exc:
                    st.error(refusal(exc))
                else:
                    widgets.saved("ref", "success", t("staff.ref_confirmed", finding=stored["finding_id"]))
            reason = right.text_area(t("staff.ref_reason"), key="ref_reason", max_chars=TEXT_LIMIT)
            if right.button(t("staff.ref_dismiss"), key="ref_dismiss"):
                try:
                    dismiss_referral(engine=engine, user=acting, referral_id=int(picked), reason=reason)
                except CreditBoardError as exc:
                    st.error(refusal(exc))
                else:
                    widgets.saved("ref", "success", t("staff.ref_dismissed"))

if may(user, "inspect"):
    with st.expander(t("staff.ref_new")):
        code, name = widgets.agency_picker("ref")
        left, right = st.columns(2)
        clause = left.selectbox(t("staff.insp_referral_clause"), BLACKLIST_CLAUSES,
                                key=widgets.keep("ref_clause", BLACKLIST_CLAUSES[0]),
                                format_func=widgets.labels_of(CLAUSE_LABELS))
        day = right.date_input(t("staff.ref_date"), value=today, max_value=today, key="ref_date", format="YYYY-MM-DD")
        facts = st.text_area(t("staff.ref_facts"), key="ref_facts", max_chars=TEXT_LIMIT)
        evidence = st.text_area(t("staff.ref_evidence"), key="ref_evidence", max_chars=TEXT_LIMIT)
        if st.button(t("staff.ref_send"), type="primary", key="ref_send", disabled=not code) and code:
            try:
                stored = refer(engine=engine, user=acting, item=ReferralInput(
                    credit_code=code, clause=clause, date=day, facts=facts, evidence=evidence, agency_name=name or ""))
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                widgets.saved("ref", "success", t("staff.ref_sent", id=stored["id"]))

st.subheader(t("staff.ref_all"))
if listed.empty:
    st.info(t("staff.ref_none"))
else:
    shown = listed.assign(state=listed["state"].map(STATES), due=listed["due"].map(lambda d: d or "—"))
    plain.dataframe(widgets.relabel(shown, {
        "id": "staff.col_no", "town": "common.town", "agency_name": "common.agency", "clause": "common.clause",
        "date": "common.date", "facts": "staff.col_facts", "state": "staff.col_state", "due": "staff.col_due",
        "reason": "staff.col_reason", "finding_id": "common.finding_id"}), hide_index=True, width="stretch")
