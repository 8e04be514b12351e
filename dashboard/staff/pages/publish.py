"""发布 Publish (bureau admins): the diff against the current publication, a confirm step, a reason for corrections."""

import streamlit as st

from core.errors import CreditBoardError
from dashboard import data, ui
from dashboard.staff import session, widgets
from dashboard.staff.text import t
from db.uploads import workspace

user = session.require("publish")
engine = data.engine()
rulebook = data.rulebook()

st.title(t("page_publish"))
done = st.session_state.pop("publish_done", None)
if done:
    st.success(t("published", year=done[0], version=done[1]))
    st.page_link(ui.PAGES["overview"][0], label=t("open_public"), icon=":material/public:")

years = workspace.years_to_publish(engine=engine, user=user)
if not years:
    st.info(t("nothing_to_publish"))
    st.stop()
year = st.selectbox(t("publish_year"), years, key="publish_year")
preview = workspace.publish_preview(engine=engine, user=user, year=int(year))
version = 1 if preview.current is None else int(preview.current["version"]) + 1
widgets.current_caption(preview.current)
if preview.current is not None and preview.diff.empty:
    # An identical version would only add noise to the public correction list: nothing to publish.
    st.info(t("no_change"))
    st.stop()
st.markdown(t("will_be_version", year=year, version=version))

widgets.show_changes(preview, rulebook, t("no_grade_change") if preview.current else t("first_version"))

reason = ""
if preview.current:
    st.warning(t("correction_note"))
    reason = st.text_area(t("reason"), key="publish_reason", max_chars=2000)
confirmed = st.checkbox(t("confirm"), key="publish_confirm")
if st.button(t("publish"), type="primary", disabled=not confirmed, key="publish_go", icon=":material/publish:"):
    if preview.current and not reason.strip():
        st.error(t("reason_required"))
        st.stop()
    try:
        publication = workspace.publish(engine=engine, user=user, year=int(year), reason=reason or None)
    except CreditBoardError as exc:
        st.error(widgets.refusal(exc))
    else:
        data.clear()  # the public pages' cached reads: the new version shows at once
        st.session_state["publish_done"] = (publication.year, publication.version)
        st.rerun()
