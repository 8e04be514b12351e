"""黑名单管理 Listings (bureau roles): record 信用修复 applications from agencies' letters, grant or refuse them with a
reason, revoke a granted one; every listing with its status (docs/listings.md)."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.staff import edition_line, session, widgets
from db.public import listings as listing_reads
from db.publishing.listing_removal import apply_repair, decide_repair, revoke_repair
from db.store.text import TEXT_LIMIT

# The listings' and applications' columns → their labels.
COLUMNS: dict[str, str] = {
    "id": "staff.col_id", "year": "common.year", "subject_kind": "common.kind",
    "agency_name": "common.agency_name", "practitioner": "common.practitioner",
    "credit_code": "common.credit_code", "basis_text": "common.grounds", "department": "common.department",
    "listed_on": "common.listed_on", "planned_removal_on": "staff.col_planned_removal_on",
    "status": "common.status", "removed_on": "common.removed_on", "received_on": "staff.col_received_on",
    "recorded_by": "staff.col_recorded_by", "decided_by": "staff.col_decided_by",
    "decided_on": "staff.col_decided_on", "decision_reason": "staff.col_decision_reason",
    "revoked_by": "staff.col_revoked_by", "revoked_on": "staff.col_revoked_on",
    "revoke_reason": "staff.col_revoke_reason",
}

user = session.require("decide_listings")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()

st.title(t("staff.page_listings"))
st.caption(t("staff.listings_staff_intro"))
widgets.outcome("listings_outcome")
everything = data.listings(today)["listings"]  # records removals at term end first (db expire_listings)
edition_line.show_edition_state()  # after the read above: a listing it ended has asked for a rewrite
applications = listing_reads.applications(engine)


def subject(row) -> str:
    """Who a listing is about, as text: name (agency) · year."""
    who = f"{row['practitioner']}（{row['agency_name']}）" if row["subject_kind"] == "practitioner" else row["agency_name"]
    return f"{who} · {row['year']}"


def done(text: str, public: bool = True) -> None:
    """After a decision: the public blacklist shows it at once; for a public change the static edition is rewritten
    in the background (the page's edition line says so, and says a failure, which never undoes the decision)."""
    data.clear()
    if public:
        data.refresh_edition("a listing decision")
    widgets.saved("listings", "success", text)


# --- record an application --------------------------------------------------------------------------------------
st.subheader(t("staff.repair_apply"))
in_force = listing_reads.repairable(everything)
if in_force.empty:
    st.caption(t("staff.no_listings_in_force"))
else:
    widgets.empty_after_save("listings", {"repair_listing": None, "repair_summary": ""})
    labels = {int(r["id"]): f"{subject(r)} · {t('public.listing_event_listed')} {r['listed_on']}" for _, r in in_force.iterrows()}
    listing_id = st.selectbox(t("staff.listing"), list(labels), format_func=lambda i: plain.text(labels[i]),
                              index=None, key="repair_listing", placeholder=t("common.choose"))
    received = st.date_input(t("staff.received_on"), value=today, max_value=today, key="repair_received",
                             format="YYYY-MM-DD")
    summary = st.text_area(t("staff.repair_summary"), key="repair_summary", max_chars=TEXT_LIMIT)
    if st.button(t("staff.record"), type="primary", disabled=listing_id is None, key="repair_save") and listing_id:
        try:
            apply_repair(engine=engine, by=acting, listing_id=int(listing_id), received_on=received, summary=summary)
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            done(t("staff.repair_recorded"), public=False)  # an application is not public

# --- decide -----------------------------------------------------------------------------------------------------
st.subheader(t("staff.repair_pending"))
pending = applications[applications["status"] == "pending"]
if pending.empty:
    st.caption(t("staff.no_pending_repairs"))
for _, row in pending.iterrows():
    with st.container(border=True):
        app_id = int(row["id"])
        st.markdown(f"**{plain.md(subject(row))}**")
        st.caption(t("staff.repair_dates", listed_on=row["listed_on"], received_on=row["received_on"],
                     repair_from=row["repair_from"]))
        if row["summary"]:
            st.text(plain.text(row["summary"]))
        reason = st.text_area(t("staff.decision_reason"), key=f"repair_reason_{app_id}", max_chars=TEXT_LIMIT)
        grant, refuse = st.columns(2)
        choice = None
        if grant.button(t("staff.repair_grant"), type="primary", key=f"repair_grant_{app_id}"):
            choice = True
        if refuse.button(t("staff.repair_refuse"), key=f"repair_refuse_{app_id}"):
            choice = False
        if choice is not None:
            try:
                decide_repair(engine=engine, by=acting, application_id=app_id, grant=choice, reason=reason)
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                done(t("staff.repair_granted") if choice else t("staff.repair_refused"))

# --- revoke -----------------------------------------------------------------------------------------------------
st.subheader(t("staff.repair_granted_list"))
granted = applications[applications["status"] == "granted"]
if granted.empty:
    st.caption(t("staff.no_granted_repairs"))
for _, row in granted.iterrows():
    with st.container(border=True):
        app_id = int(row["id"])
        st.markdown(f"**{plain.md(subject(row))}**")
        st.caption(t("staff.repair_granted_on", decided_on=row["decided_on"]))
        reason = st.text_area(t("staff.revoke_reason"), key=f"revoke_reason_{app_id}", max_chars=TEXT_LIMIT)
        if st.button(t("staff.repair_revoke"), key=f"repair_revoke_{app_id}"):
            try:
                revoke_repair(engine=engine, by=acting, application_id=app_id, reason=reason)
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                done(t("staff.repair_revoked"))

# --- every listing and application --------------------------------------------------------------------------------
st.subheader(t("staff.all_listings"))
if everything.empty:
    st.caption(t("staff.no_listings_at_all"))
else:
    shown = everything[["year", "subject_kind", "agency_name", "practitioner", "credit_code", "basis_text",
                        "department", "listed_on", "planned_removal_on", "status", "removed_on"]].copy()
    shown["status"] = shown["status"].map(lambda s: t(f"public.listing_{s}"))
    plain.dataframe(widgets.relabel(shown, {c: COLUMNS[c] for c in shown.columns}), hide_index=True,
                    key="staff_listings")
if not applications.empty:
    st.subheader(t("staff.all_repairs"))
    shown = applications[["id", "agency_name", "practitioner", "year", "received_on", "status", "recorded_by",
                          "decided_by", "decided_on", "decision_reason", "revoked_by", "revoked_on", "revoke_reason"]]
    plain.dataframe(widgets.relabel(shown, {c: COLUMNS[c] for c in shown.columns}), hide_index=True,
                    key="staff_repairs")
