"""上传文件 Upload files: findings, a roster or a service-record file, each with its template; check the whole file,
show every problem or a preview with the diff, then import.

The six service-record files (core.service_records) go the same way on an agency's behalf: every problem, or the
row count and a preview of the first rows (an ID number only by its last 4 characters), then 导入.
"""

import streamlit as st

from core import problem_table
from core.errors import CreditBoardError, InputError
from core.service_records import RECORD_COLUMNS, RECORD_KINDS
from core.values import YEAR_MAX, YEAR_MIN
from dashboard import data, plain
from dashboard.i18n import pick, refusal, t
from dashboard.staff import queue, session, widgets
from db.accounts.roles import may
from db.publishing.notice import draft_change
from db.records import workspace as record_workspace
from db.records.imports import RepeatedRecords
from db.uploads import workspace
from db.uploads.repeats import RepeatedFindings, warning_text

user = session.require("upload")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
limits = data.settings().read_limits
NOTICE_KEY = "upload_notice_changes"  # the years under notice the imported file changed, said again after the import
CHECK_KEY = "upload_check"  # (file digest, kind, year) → UploadCheck: checked once per file, not on every rerun
REPEATS_KEY = "upload_allow_repeats"  # the "import anyway" tick; reset for every newly checked file
# (file ident, upload id of the picker, duplicate, rows added, upload id) of the file just imported: the same bytes
# chosen again are a new upload (the page then says they were imported before), not this one.
IMPORTED_KEY = "upload_imported"

st.title(t("staff.page_upload"))

kind = st.radio(t("staff.kind"), workspace.UPLOAD_KINDS, horizontal=True,
                key=widgets.keep("upload_kind", workspace.UPLOAD_KINDS[0]),
                format_func=widgets.labels_of({k: t(f"common.kind_{k}") for k in workspace.UPLOAD_KINDS}))
records = kind in RECORD_KINDS

with st.expander(t("staff.template_of", kind=t(f"common.kind_{kind}")), icon=":material/description:"):
    if kind in workspace.TEMPLATE_KINDS:
        st.caption(t("staff.template_help"))
        cols = st.columns(2)
        for col, (fmt, mime) in zip(cols, (("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml"
                                                     ".sheet"), ("csv", "text/csv")), strict=True):
            col.download_button(t("staff.download_template", fmt=fmt.upper()), file_name=f"{kind}-template.{fmt}", mime=mime,
                                data=lambda f=fmt, k=kind: workspace.template(engine=engine, fmt=f, kind=k),
                                on_click="ignore", key=f"template_{kind}_{fmt}", icon=":material/download:")
    else:
        st.caption(t("staff.roster_template_help"))
if records:
    st.caption(t("staff.records_on_behalf", kind=t(f"common.kind_{kind}")))
    if any(c.key == "submitted_on" for c in RECORD_COLUMNS[kind]):
        st.caption(t("staff.submitted_on_note"))
year = None
if kind == "roster":
    year = int(st.number_input(t("staff.roster_year"), min_value=YEAR_MIN, max_value=YEAR_MAX, step=1, key="upload_year",
                               value=max(data.published_years() or [2025])))
uploaded = st.file_uploader(t("staff.file"), type=["csv", "xlsx"], key="upload_file")
if uploaded is None:
    st.session_state.pop(CHECK_KEY, None)
    st.stop()

refused = workspace.too_large(size=uploaded.size, file_name=uploaded.name, kind=kind, limits=limits)
if refused is not None:  # refused from its size, before its bytes are read
    widgets.show_problems(refused.problems)
    st.stop()
content = uploaded.getvalue()
ident = (workspace.file_digest(kind=kind, content=content, year=year), kind)
imported = st.session_state.get(IMPORTED_KEY)
if imported is not None and imported[:2] == (ident, uploaded.file_id):
    # The file still sits in the picker after its import: say it is stored, offer the next step, and no second
    # import (the check would now read "valid, not stored yet", which is no longer true).
    _, _, duplicate, added, upload_id = imported
    st.success(t("staff.imported_duplicate") if duplicate else
               t("staff.records_imported", kind=t(f"common.kind_{kind}"), added=added, upload=upload_id) if records else
               t("staff.imported", added=added, upload=upload_id))
    if not records and not duplicate and added:  # after the write: what it did to a year under notice
        for change in st.session_state.get(NOTICE_KEY, []):
            st.warning(t("staff.draft_changed_new", year=change.year), icon=":material/campaign:")
    st.caption(t("staff.imported_state"))
    if not records and may(user, "publish"):
        st.page_link(session.page_path("publish"), label=t("staff.page_publish"), icon=":material/publish:")
    elif not records:
        st.caption(t("staff.publish_next"))
    st.stop()
st.session_state.pop(IMPORTED_KEY, None)
cached = st.session_state.get(CHECK_KEY)
if cached is None or cached[0] != ident:
    try:
        if records:
            check = record_workspace.check_records(engine=engine, user=acting, content=content, file_name=uploaded.name,
                                            kind=kind, limits=limits)
        else:
            check = workspace.check_upload(engine=engine, user=acting, content=content, file_name=uploaded.name,
                                           kind=kind, year=year, limits=limits)
    except CreditBoardError as exc:
        st.error(refusal(exc))
        st.stop()
    st.session_state[CHECK_KEY] = (ident, check)
    st.session_state.pop(REPEATS_KEY, None)
else:
    check = cached[1]

if not check.ok:
    widgets.show_problems(check.problems)
    st.stop()


def preview_table(preview):
    """A record preview with its columns named in the visitor's language (Chinese labels, or the English keys)."""
    names = {"row": t("common.row"), record_workspace.ID_LAST4: t("staff.id_last4")}
    names |= {c.key: pick(c.label_zh, c.key) for c in RECORD_COLUMNS[kind]}
    return preview.rename(columns=names)


def show_record_repeats(repeats):
    """Rows identical to stored rows of the kind: named in both languages' sentence, then row by row."""
    st.warning(t("staff.records_repeats", rows=", ".join(str(int(r)) for r in repeats["row"]), n=repeats["row"].nunique()),
               icon=":material/content_copy:")
    names = {"row": t("common.row"), "file_name": t("staff.repeat_upload"), "upload_id": t("staff.upload_no")}
    plain.dataframe(repeats.rename(columns=names)[list(names.values())], hide_index=True, width="stretch")


if records:  # a service-record file: row count, preview, repeats, 导入
    st.success(t("staff.records_valid", rows=check.rows, n=len(check.preview)))
    plain.dataframe(preview_table(check.preview), hide_index=True, width="stretch")
    if check.duplicate:
        st.info(t("staff.records_duplicate", kind=t(f"common.kind_{kind}")))
    allow_repeats = False
    if not check.repeats.empty:
        show_record_repeats(check.repeats)
        allow_repeats = st.checkbox(t("staff.import_repeats"), key=REPEATS_KEY)
    blocked = not check.repeats.empty and not allow_repeats
    if st.button(t("staff.import"), type="primary", key="upload_import", icon=":material/database_upload:",
                 disabled=blocked) and not blocked:
        try:
            done = record_workspace.import_record_file(engine=engine, user=acting, content=content, file_name=uploaded.name,
                                                kind=kind, allow_repeats=allow_repeats, limits=limits)
        except RepeatedRecords as exc:  # stored by someone else since the check: name them again, store nothing
            st.session_state.pop(CHECK_KEY, None)
            show_record_repeats(exc.repeats)
        except InputError as exc:
            widgets.show_problems(problem_table.problems_frame(exc.problems))
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            st.session_state.pop(CHECK_KEY, None)
            if not done.duplicate:
                queue.records_changed()  # the suggestions queue's watch runs now, in the background
            st.session_state[IMPORTED_KEY] = (ident, uploaded.file_id, done.duplicate, done.added,
                                              done.upload_id)
            st.rerun()
    st.stop()

st.success(t("staff.file_valid", rows=check.rows))
if check.duplicate:
    st.info(t("staff.duplicate"))
allow_repeats = False
if not check.repeats.empty:
    # Both languages: whoever imports must not miss that these points would be deducted a second time.
    st.warning("  \n".join(warning_text(check.repeats)), icon=":material/content_copy:")
    plain.dataframe(widgets.repeats_table(check.repeats), hide_index=True, width="stretch")
    allow_repeats = st.checkbox(t("staff.import_repeats"), key=REPEATS_KEY)
changes = []
for preview in check.previews:
    st.subheader(t("staff.preview_year", year=preview.year))
    widgets.current_caption(preview.current)
    # Before the write: findings of a year under notice change the draft the agencies saw (the publish gate's rule).
    change = draft_change(engine=engine, year=preview.year)
    widgets.warn_draft_change(change)
    changes += [change] if change is not None else []
    widgets.show_floor_effects(preview, rulebook)
    widgets.show_changes(preview, rulebook, t("staff.no_grade_change"))

blocked = not check.repeats.empty and not allow_repeats
if st.button(t("staff.import"), type="primary", key="upload_import", icon=":material/database_upload:",
             disabled=blocked) and not blocked:
    try:
        result = workspace.import_upload(engine=engine, user=acting, content=content, file_name=uploaded.name,
                                         kind=kind, year=year, allow_repeats=allow_repeats, limits=limits)
    except RepeatedFindings as exc:  # stored by someone else since the check: warn again, store nothing
        st.session_state.pop(CHECK_KEY, None)
        st.warning("  \n".join(warning_text(exc.repeats)))
        plain.dataframe(widgets.repeats_table(exc.repeats), hide_index=True, width="stretch")
    except InputError as exc:  # e.g. a value longer than its column: every problem, nothing stored
        widgets.show_problems(problem_table.problems_frame(exc.problems))
    except CreditBoardError as exc:  # any other refusal (no right to import): one message
        st.error(refusal(exc))
    else:
        st.session_state.pop(CHECK_KEY, None)
        st.session_state[IMPORTED_KEY] = (ident, uploaded.file_id, result.duplicate, result.added, result.upload_id)
        st.session_state[NOTICE_KEY] = changes
        st.rerun()  # drawn again as imported: no "not stored yet", no live 导入 button
