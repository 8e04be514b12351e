"""机构工作台: who is signed in, this year's due dates and on-time record, the draft score and grade of this year and of
a year under notice, confirmed issues whose findings are still in force."""

import streamlit as st

from core import china_time
from dashboard import data, plain
from dashboard.agency import session, widgets
from dashboard.i18n import t
from dashboard.labels import grade_label, local_date, month_label
from dashboard.staff import session as staff_session
from db.agency import overview
from db.publishing.notice import public_notices

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
identity = overview.own_registry(engine=engine, user=acting)
year = china_time.today().year

st.title(t("agency.page_home"))
st.markdown(t("agency.signed_in_as", name=plain.md(user["display_name"] or user["username"]),
              agency=plain.md(identity["agency_name"]), code=plain.md(identity["credit_code"])))
st.caption(t("agency.only_yours"))
st.button(t("common.sign_out"), icon=":material/logout:", key="agency_sign_out", on_click=staff_session.sign_out)
widgets.password_change(user)

st.subheader(t("agency.reports_of_year", year=year))
st.caption(t("agency.due_rule", day=rulebook.watch.report_due_day))
months = overview.report_record(engine=engine, user=acting, year=year, rulebook=rulebook)
counts = months["status"].value_counts()
st.markdown(t("agency.on_time_count", on_time=int(counts.get("on_time", 0)), late=int(counts.get("late", 0)),
              missing=int(counts.get("missing", 0))))
months = months.assign(month=months["month"].map(month_label),
                       status=months["status"].map(lambda s: t(f"agency.status_{s}")))
widgets.table(months, ("month", "due", "submitted_on", "status"), dates=("due", "submitted_on"))

notices = public_notices(engine=engine)
for draft_year in overview.draft_years(engine=engine):
    # The year under notice too: in January its draft, not this year's empty one, is what the agency may object to.
    under = notices[(notices["year"] == draft_year) & notices["running"]]
    st.subheader(t("agency.draft_under_notice" if len(under) else "agency.draft", year=draft_year))
    draft = overview.draft_rating(engine=engine, user=acting, year=draft_year, rulebook=rulebook)
    if draft.total is None:
        st.info(t("agency.no_draft", year=draft_year))
        continue
    left, right = st.columns(2)
    left.metric(t("common.total"), draft.total)
    right.metric(t("agency.grade"), grade_label(draft.grade, rulebook))
    if len(under):
        st.caption(t("agency.draft_notice_note", ends_on=local_date(under.iloc[0]["ends_on"])))
    else:
        st.caption(t("agency.draft_note"))

st.subheader(t("agency.confirmed"))
confirmed = overview.confirmed_suggestions(engine=engine, user=acting)
if confirmed.empty:
    st.caption(t("agency.no_confirmed"))
else:
    widgets.table(confirmed, ("date", "clause", "evidence"), dates=("date",))
