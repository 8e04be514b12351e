"""操作日志 Audit log (bureau admins): every sign-in, upload, finding, publication and account change."""

import streamlit as st

from dashboard import data, plain
from dashboard.i18n import t
from dashboard.staff import audit_text, session, widgets
from db.accounts.audit_log import audit_csv, audit_entries, audit_facets

admin = session.require("read_audit")
acting = session.actor(admin)  # the services re-read this account
engine = data.engine()

st.title(t("staff.page_audit"))
facets = audit_facets(engine=engine, user=acting)
cols = st.columns(4)
actor = cols[0].selectbox(t("staff.actor"), [widgets.NO_CHOICE, *facets["actor"]],
                          key=widgets.keep("audit_actor", widgets.NO_CHOICE),
                          format_func=widgets.labels_of({widgets.NO_CHOICE: t("staff.all")}, plain.text)) or None
action = cols[1].selectbox(t("staff.action"), [widgets.NO_CHOICE, *facets["action"]],
                           key=widgets.keep("audit_action", widgets.NO_CHOICE),
                           format_func=widgets.labels_of({widgets.NO_CHOICE: t("staff.all"),
                                                          **{a: audit_text.term(a) for a in facets["action"]}})) or None
since = cols[2].date_input(t("staff.since"), value=None, key="audit_since", format="YYYY-MM-DD")
until = cols[3].date_input(t("staff.until"), value=None, key="audit_until", format="YYYY-MM-DD")

entries = audit_entries(engine=engine, user=acting, actor=actor, action=action, since=since, until=until)
st.caption(t("staff.entries", n=len(entries)))
# Details, before and after in words (readable zh/en), not the stored English phrases and JSON; the CSV keeps them.
shown = entries.assign(action=entries["action"].map(audit_text.term), entity=entries["entity"].map(audit_text.term),
                       detail=entries["detail"].map(audit_text.detail_text),
                       before=entries["before"].map(audit_text.json_text),
                       after=entries["after"].map(audit_text.json_text))
plain.dataframe(widgets.relabel(shown, {k: f"staff.{k}" for k in ("at", "actor", "action", "entity", "entity_id", "detail",
                                                      "before", "after")}),
             hide_index=True, width="stretch",
             column_config={t("staff.detail"): st.column_config.TextColumn(width="medium"),
                            t("staff.after"): st.column_config.TextColumn(width="large")})
st.download_button(t("staff.download_csv"), data=audit_csv(entries), file_name="audit-log.csv", mime="text/csv",
                   on_click="ignore", key="audit_download", icon=":material/download:")
