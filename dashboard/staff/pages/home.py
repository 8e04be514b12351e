"""工作人员登录 / 工作台: the sign-in form when signed out; who is signed in, their pages and sign-out otherwise."""

import math

import streamlit as st

from core import china_time
from core.china_time import utc_now
from dashboard import data, plain
from dashboard.i18n import pick, t
from dashboard.staff import edition_line, password, session, widgets
from db.accounts.roles import may
from db.supervision import hazard_reports
from db.supervision.referrals import overdue_referrals

IDLE_MINUTES = session.idle_minutes()
HOME_LINES = 5  # overdue hazard-refusal reports listed here; the rest are on their page


def submit_sign_in() -> None:
    # A callback: it runs before the script, so the menu of this very run already knows who signed in.
    username = st.session_state.get("sign_in_username", "")
    password = widgets.take_secret("sign_in_password")
    result = session.sign_in(username, password)
    if result:
        st.session_state["sign_in_username"] = ""
    elif result.reason == "locked":
        # Unknown names wait exactly like real ones, so this notice tells nobody whether the account exists.
        seconds = (result.locked_until - utc_now()).total_seconds()
        widgets.outcome("sign_in_outcome", "error", t("staff.locked", minutes=max(1, math.ceil(seconds / 60))))
    else:
        # One message for unknown user, wrong password and deactivated account: nobody learns which it was.
        widgets.outcome("sign_in_outcome", "error", t("staff.sign_in_failed"))


user = session.current_user()
if user is None:
    st.title(t("staff.page_home_signed_out"))
    if st.session_state.pop(session.NOTICE_KEY, None) == "idle":
        st.info(t("staff.idle_ended", minutes=IDLE_MINUTES))
    with st.form("sign_in"):
        st.text_input(t("staff.username"), key="sign_in_username", autocomplete="username")
        st.text_input(t("staff.password"), type="password", key="sign_in_password", autocomplete="current-password")
        st.form_submit_button(t("staff.sign_in"), type="primary", on_click=submit_sign_in)
    widgets.outcome("sign_in_outcome")
    st.caption(t("staff.sign_in_help"))
    st.caption(t("staff.agency_sign_in"))
    st.stop()

st.title(t("staff.page_home"))
town = f"{pick('，', ', ')}{plain.md(user['town'])}" if user["town"] else ""
st.markdown(t("staff.signed_in_as", name=plain.md(user["display_name"] or user["username"]), role=t(f"role.{user['role']}"),
              town=town))
st.caption(t("staff.idle_note", minutes=IDLE_MINUTES))

# Overdue hazard-refusal reports stand out here: a town's own, the bureau every town's (db/supervision).
if may(user, hazard_reports.ACTION):
    late = hazard_reports.queue(engine=data.engine(), user=session.actor(user), overdue_only=True)
    if not late.empty:
        lines = [t("staff.hr_home_line", id=r.id, enterprise=r.enterprise_name, town=r.town,
                   due=(r.acknowledge_due if r.status == "received" else r.close_due).isoformat(),
                   step=t("staff.hr_acknowledge" if r.status == "received" else "staff.hr_close"))
                 for r in late.head(HOME_LINES).itertuples()]
        st.warning("  \n".join([t("staff.hr_home_overdue", count=len(late)), *map(plain.md, lines)]),
                   icon=":material/report:")
        st.page_link(session.page_path("hazard_reports"), label=t("staff.page_hazard_reports"),
                     icon=session.STAFF_PAGES["hazard_reports"][2])
    else:
        st.caption(t("staff.hr_home_none"))
if may(user, "publish") or may(user, "decide_listings"):
    edition_line.show_edition_trouble()  # the static edition failed or is long behind: someone must look
if may(user, "decide_referrals"):
    # Towns' referrals (上报) past the bureau's working-day deadline stand out here, where the bureau starts its day.
    late = overdue_referrals(engine=data.engine(), user=session.actor(user), today=china_time.today())
    if not late.empty:
        st.warning(t("staff.home_overdue_referrals", n=len(late)), icon=":material/schedule:")
        st.page_link(session.page_path("referrals"), label=t("staff.page_referrals"), icon=":material/outgoing_mail:")

st.subheader(t("staff.your_pages"))
for key in session.allowed_pages(user):
    if key != "home":
        st.page_link(session.page_path(key), label=t(f"staff.page_{key}"), icon=session.STAFF_PAGES[key][2])

st.button(t("common.sign_out"), icon=":material/logout:", key="sign_out", on_click=session.sign_out)

password.password_change(user, "own")
