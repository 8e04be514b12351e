"""合规监测建议 The suggestions queue: the watch over the stored service records; confirm one (a finding) or dismiss it."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.rulebook import clause_order
from core.towns import own_assessor
from core.values import YEAR_MAX, YEAR_MIN
from dashboard import data, plain
from dashboard.i18n import pick, refusal, t
from dashboard.labels import assessor_label, local_date, local_time, period_labels, record_rows
from dashboard.staff import queue, session, widgets
from db.accounts.roles import may, own_town
from db.findings.suggestions import (
    confirm_suggestion,
    decided_suggestions,
    dismiss_suggestion,
    evidence_rows,
    has_records,
    matching,
    open_suggestions,
    waiting_counts,
)
from db.publishing.notice import draft_change
from db.store.text import TEXT_LIMIT

user = session.require("work_suggestions")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
town = own_town(user)
unit = own_assessor(town)  # the assessor whose suggestions this account may decide
periods = period_labels(rulebook)
SHOWN_LIMIT = 500  # suggestions in the table and the picker at once: a province has tens of thousands; filters narrow

st.title(t("staff.page_suggestions"))
st.caption(t("staff.sq_intro"))
st.caption(t("staff.sq_scope_town", town=plain.md(town)) if town else t("staff.sq_scope_bureau"))
widgets.empty_after_save("sq", {"sq_pick": None, "sq_reason": ""})
widgets.outcome("sq_outcome")

today = china_time.today()
left, middle, right = st.columns([1, 1, 1], vertical_alignment="bottom")
year = int(left.number_input(t("common.year"), min_value=YEAR_MIN, max_value=YEAR_MAX, value=today.year, step=1, key="sq_year"))
as_of = middle.date_input(t("staff.sq_as_of"), value=today, key="sq_as_of", format="YYYY-MM-DD", help=t("staff.sq_as_of_help"))
recheck = right.button(t("staff.sq_refresh"), key="sq_refresh", icon=":material/refresh:", help=t("staff.sq_refresh_help"))

fingerprint = queue.fingerprint()
if not has_records(fingerprint):
    st.info(t("staff.sq_no_records"))
    if may(user, "upload"):
        st.page_link(session.page_path("upload"), label=t("staff.page_upload"), icon=":material/upload_file:")
    st.stop()
# The watch never runs here: the page reads its stored run (computed after each import or filing), and starts a
# background run only when none is stored for these records.
stored = queue.latest(year, as_of, rulebook.name, fingerprint)
if recheck or stored is None or not stored.fresh:
    worker = queue.refresh(year, as_of, rulebook.name, force=recheck)
    if stored is None:  # nothing to show yet: a small database is done in a moment
        worker.join(queue.FIRST_WAIT_SECONDS)
        stored = queue.latest(year, as_of, rulebook.name, fingerprint)
if stored is None:
    st.info(t("staff.sq_computing", year=year))
    st.button(t("staff.sq_reload"), key="sq_reload", icon=":material/refresh:")
    st.stop()
if not stored.fresh:
    st.info(t("staff.sq_updating", as_of=stored.as_of.isoformat(), at=local_time(stored.finished_at)),
            icon=":material/sync:")
    st.button(t("staff.sq_reload"), key="sq_reload", icon=":material/refresh:")
elif recheck:
    st.caption(t("staff.sq_rechecking"))
if stored.status == "failed":  # e.g. a year the working-day calendar does not cover yet
    st.error(plain.md(pick(stored.error_zh, stored.error_en)))
    st.stop()
try:
    found = queue.result(stored.id, stored.finished_at)
except CreditBoardError as exc:  # replaced by a newer run a moment ago
    st.error(refusal(exc))
    st.stop()
open_rows = open_suggestions(engine=engine, user=acting, suggestions=found, year=year)
for missing_year, n in waiting_counts(engine=engine, user=acting, suggestions=found).items():
    st.warning(t("staff.sq_waiting", n=n, year=missing_year), icon=":material/event_busy:")
decided = decided_suggestions(engine=engine, user=acting, year=year)

counts = st.columns(3)
counts[0].metric(t("staff.sq_open"), len(open_rows))
counts[1].metric(t("staff.sq_confirmed"), int((decided["status"] == "confirmed").sum()))
counts[2].metric(t("staff.sq_dismissed"), int((decided["status"] == "dismissed").sum()))


def rule_words(rule: str) -> str:
    return t(f"clause.{rule}")


def open_table(rows):
    """The open suggestions for people: agency, clause with its text, date, assessor, rule in words, evidence."""
    return widgets.relabel(rows.assign(
        clause_text=rows["clause"].map(lambda c: rulebook.clause(c).text_zh),
        assessor=rows["assessor"].map(assessor_label), rule=rows["rule"].map(rule_words),
    ), {"agency_name": "common.agency_full_name", "credit_code": "staff.credit_code", "clause": "common.clause", "clause_text": "staff.clause_text",
        "date": "common.date", "assessor": "common.assessor", "rule": "staff.sq_rule", "evidence": "staff.sq_evidence"})


def show_evidence(suggestion) -> None:
    """The suggestion's evidence in words, then the stored rows it names, file by file."""
    st.markdown(f"**{t('staff.sq_evidence')}**：{plain.md(suggestion['evidence'])}")
    st.markdown(f"**{t('staff.sq_evidence_rows')}**")
    for kind, rows in evidence_rows(engine=engine, user=acting, suggestion=suggestion).items():
        st.caption(t(f"common.kind_{kind}"))
        if rows.empty:
            st.caption(t("staff.sq_no_evidence_rows"))
        else:
            plain.dataframe(record_rows(rows), hide_index=True, width="stretch")


def decide(suggestion) -> None:
    """Confirm / dismiss buttons for a suggestion this account may decide; each outcome shown after a rerun."""
    if suggestion["refusal_zh"]:
        st.warning(t("staff.sq_cannot_place", why=plain.md(suggestion[pick("refusal_zh", "refusal_en")])))
    else:
        st.caption(t("staff.sq_places_in", year=int(suggestion["rating_year"]), period=periods[suggestion["period"]]))
    if suggestion["assessor"] != unit:
        st.info(t("staff.sq_not_your_unit", assessor=plain.md(assessor_label(suggestion["assessor"]))))
        return
    if not stored.fresh:  # the records changed since this run: the evidence rows above are read as they are now
        st.warning(t("staff.sq_decide_stale"), icon=":material/sync_problem:")
    if not suggestion["refusal_zh"]:  # a confirmed finding of a year under notice changes the draft the agencies saw
        widgets.warn_draft_change(draft_change(engine=engine, year=int(suggestion["rating_year"])))
    if st.button(t("staff.sq_confirm"), type="primary", key="sq_confirm", disabled=bool(suggestion["refusal_zh"])):
        try:
            saved = confirm_suggestion(engine=engine, user=acting, suggestion=suggestion, year=year, rulebook=rulebook)
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            widgets.saved_with_change(
                "sq", t("staff.sq_confirmed_done", finding=saved["finding_id"], agency=plain.md(saved["agency_name"]),
                        clause=saved["clause"], year=int(suggestion["rating_year"]),
                        period=periods[suggestion["period"]]),
                draft_change(engine=engine, year=int(suggestion["rating_year"])))
    reason = st.text_area(t("staff.sq_dismiss_reason"), key="sq_reason", max_chars=TEXT_LIMIT)
    if st.button(t("staff.sq_dismiss"), key="sq_dismiss"):
        try:
            saved = dismiss_suggestion(engine=engine, user=acting, suggestion=suggestion, year=year, reason=reason)
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            done(t("staff.sq_dismissed_done", agency=plain.md(saved["agency_name"]), clause=saved["clause"]))


def done(message: str) -> None:
    # The decided suggestion leaves the list: the rerun starts with no choice and an empty reason.
    widgets.saved("sq", "success", message)


open_tab, decided_tab = st.tabs([t("staff.sq_tab_open"), t("staff.sq_tab_decided")])
with open_tab:
    if open_rows.empty:
        st.info(t("staff.sq_none_open", year=year))
    else:
        codes = sorted(set(open_rows["clause"]), key=clause_order)
        f1, f2 = st.columns(2)
        clause = f1.selectbox(t("common.clause"), ["", *codes], key=widgets.keep("sq_clause", ""),
                              format_func=widgets.labels_of({"": t("staff.sq_all_clauses")},
                                                            lambda c: widgets.clause_label(c, rulebook)))
        search = f2.text_input(t("staff.sq_search"), key="sq_search", max_chars=200)
        shown = matching(open_rows, clause=clause or None, search=search)
        if shown.empty:
            st.info(t("staff.sq_none_match"))
        else:
            if len(shown) > SHOWN_LIMIT:
                st.caption(t("staff.sq_shown_first", n=SHOWN_LIMIT, total=len(shown)))
            shown = shown.head(SHOWN_LIMIT)
            plain.dataframe(open_table(shown), hide_index=True, width="stretch")
            by_key = {row["key"]: row for row in shown.to_dict("records")}
            labels = {k: plain.text(f"{r['agency_name'] or r['credit_code']}　{r['clause']}　{r['date']}　"
                                    f"{rule_words(r['rule'])}") for k, r in by_key.items()}
            if st.session_state.get("sq_pick") not in by_key:
                st.session_state.pop("sq_pick", None)
            key = st.selectbox(t("staff.sq_pick"), list(by_key), index=None, key="sq_pick", placeholder=t("common.choose"),
                               format_func=widgets.labels_of(labels), help=t("staff.sq_pick_hint"))
            if key:
                chosen = by_key[key]
                st.subheader(plain.md(f"{chosen['agency_name'] or chosen['credit_code']} · {chosen['clause']}"))
                st.markdown(f"**{t('staff.clause_text')}（{chosen['clause']}）**：{widgets.clause_text(chosen['clause'], rulebook)}")
                st.markdown(f"**{t('common.date')}**：{chosen['date']}　**{t('common.assessor')}**："
                            f"{plain.md(assessor_label(chosen['assessor']))}　**{t('staff.sq_rule')}**：{rule_words(chosen['rule'])}")
                show_evidence(chosen)
                decide(chosen)

with decided_tab:
    if decided.empty:
        st.info(t("staff.sq_none_decided", year=year))
    else:
        status = {"confirmed": t("staff.sq_status_confirmed"), "dismissed": t("staff.sq_status_dismissed")}
        # A confirmation whose finding was withdrawn since no longer counts: it says so.
        shown_status = decided["status"].map(status).where(~decided["finding_withdrawn"],
                                                           t("staff.sq_status_withdrawn"))
        plain.dataframe(widgets.relabel(decided.drop(columns="finding_withdrawn").assign(
            status=shown_status, assessor=decided["assessor"].map(assessor_label),
            rule=decided["rule"].map(rule_words), decided_at=decided["decided_at"].map(local_date),
            finding_id=decided["finding_id"].map(lambda f: "" if f is None or f != f else str(int(f))),
        ), {"agency_name": "common.agency_full_name", "credit_code": "staff.credit_code", "clause": "common.clause", "date": "common.date",
            "assessor": "common.assessor", "rule": "staff.sq_rule", "status": "staff.sq_status", "reason": "staff.sq_reason",
            "finding_id": "common.finding_id", "decided_by": "staff.sq_decided_by", "decided_at": "staff.sq_decided_at"}),
            hide_index=True, width="stretch")
