"""发布 Publish (bureau admins): the agencies the year rates (with sources, and a warning when fewer than last year's
publication), the year's 公示 (open it, its objections), the diff against the current publication, a confirm step,
a reason for corrections; the button stays off until the notice has ended with no objection open."""

import datetime as dt

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, ui
from dashboard.i18n import refusal, t
from dashboard.staff import edition_line, session, widgets
from db.publishing import actions, notice
from db.store.text import TEXT_LIMIT

user = session.require("publish")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
today = china_time.today()


def notice_section(year: int, version: int) -> bool:
    """The year's 公示: open one, or its dates and objections (and cancel it); True while publishing is blocked."""
    st.subheader(t("staff.notice_heading"))
    st.caption(t("staff.notice_rule"))
    listed = notice.notice_list(engine=engine, year=year)
    pending = listed[listed["status"] == "open"]
    if pending.empty:
        st.info(t("staff.notice_none", year=year))
        try:
            suggested = notice.default_end(today)
        except CreditBoardError as exc:  # a year the holiday calendar does not cover yet: say so, pick by hand
            st.warning(refusal(exc))
            suggested = today + dt.timedelta(days=7)
        ends = st.date_input(t("staff.notice_ends_on"), value=suggested, min_value=today + dt.timedelta(days=1),
                             key=f"notice_ends_{year}", format="YYYY-MM-DD")
        st.caption(t("staff.notice_default", days=data.settings().notice_working_days))
        if st.button(t("staff.notice_open"), key="notice_open", icon=":material/campaign:"):
            try:
                opened = notice.open_notice(engine=engine, by=acting, year=year, ends_on=ends)
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                data.clear()  # the public pages show the notice at once
                widgets.saved("notice", "success", t("staff.notice_opened", ends_on=opened.ends_on))
    else:
        row = pending.iloc[0]
        key = "staff.notice_running" if today <= row["ends_on"] else "staff.notice_ended"
        st.info(t(key, year=year, opened_on=row["opened_on"], ends_on=row["ends_on"], total=row["objections"],
                  open=row["open_objections"]))
        st.page_link(session.page_path("objections"), label=t("staff.page_objections"), icon=":material/rate_review:")
        if st.button(t("staff.notice_cancel"), key="notice_cancel"):
            try:
                notice.cancel_notice(engine=engine, by=acting, notice_id=int(row["id"]))
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                data.clear()
                widgets.saved("notice", "success", t("staff.notice_cancelled"))
    widgets.outcome("notice_outcome")
    try:
        notice.check_publishable(engine=engine, year=year, version=version)
    except CreditBoardError as exc:
        st.warning(t("staff.publish_blocked", why=refusal(exc)))
        return True
    return False


st.title(t("staff.page_publish"))
done = st.session_state.pop("publish_done", None)
if done:
    st.success(t("staff.published", year=done[0], version=done[1]))
    st.page_link(ui.PAGES["overview"][0], label=t("staff.open_public"), icon=":material/public:")
edition_line.show_edition_state()  # the static edition's rewrite under way, or its failure

years = actions.years_to_publish(engine=engine, user=acting)
if not years:
    st.info(t("staff.nothing_to_publish"))
    st.stop()
# The year still running keeps its year-end assessment open until 31 March: the clerk's usual task is the latest
# year that has ended, so that is the default (the running year is offered below it in the list, newest first).
ended = [y for y in years if y < today.year]
year = st.selectbox(t("staff.publish_year"), years, index=years.index(ended[0]) if ended else 0, key="publish_year")
preview = actions.publish_preview(engine=engine, user=acting, year=int(year))
version = 1 if preview.current is None else int(preview.current["version"]) + 1
widgets.current_caption(preview.current)
# Who the draft rates, and who of last year's publication is missing: before anything is put under notice.
widgets.show_population(actions.publish_population(engine=engine, user=acting, year=int(year)))
if preview.current is not None and preview.diff.empty:
    # An identical version would only add noise to the public correction list: nothing to publish.
    st.info(t("staff.no_change"))
    st.stop()
st.markdown(t("staff.will_be_version", year=year, version=version))
blocked = notice_section(int(year), version)

widgets.show_changes(preview, rulebook, t("staff.no_grade_change") if preview.current else t("staff.first_version"))

reason = ""
if preview.current:
    st.warning(t("staff.correction_note"))
    reason = st.text_area(t("staff.reason"), key="publish_reason", max_chars=TEXT_LIMIT)
confirmed = st.checkbox(t("staff.confirm"), key="publish_confirm")
if st.button(t("staff.publish"), type="primary", disabled=not confirmed or blocked, key="publish_go",
             icon=":material/publish:"):
    if preview.current and not reason.strip():
        st.error(t("staff.reason_required"))
        st.stop()
    try:
        publication = actions.publish(engine=engine, user=acting, year=int(year), reason=reason or None)
    except CreditBoardError as exc:
        st.error(refusal(exc))
    else:
        data.clear()  # the public pages' cached reads: the new version shows at once
        st.session_state["publish_done"] = (publication.year, publication.version)
        # After the commit, in the background (minutes at 10,000 agencies): the page says it is being rewritten,
        # and a failure (which never undoes the publication) when it comes (edition_line).
        data.refresh_edition(f"published {publication.year} version {publication.version}")
        st.rerun()
