"""一企双查 Inspections: a town records its inspection of an enterprise and the checks of the agency serving it, each
beside the agency's records; failed checks become the town's findings, notes, or 1.x referrals to the bureau. The
bureau reads every town's inspections; everyone reads 服务成效 per agency."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError, InputError
from core.inspection_file import inspection_template_csv
from core.problem_table import problems_frame
from core.values import YEAR_MAX, YEAR_MIN, is_valid_credit_code, normalize_credit_code
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.staff import session, widgets
from db.accounts.roles import may, own_town
from db.store.text import TEXT_LIMIT
from db.supervision.effectiveness import effectiveness
from db.supervision.inspections import (
    CHECKS,
    CheckInput,
    InspectionInput,
    import_inspections,
    inspection_checks,
    inspection_list,
    record_inspection,
    records_beside,
    serving_agencies,
)

user = session.require("read_supervision")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
rulebook = data.rulebook()
town = own_town(user)
today = china_time.today()
BLACKLIST_CLAUSES = list(rulebook.blacklist_codes)
CLAUSE_LABELS = {c: widgets.clause_label(c, rulebook) for c in BLACKLIST_CLAUSES}  # in this run's language

st.title(t("staff.page_inspections"))
st.caption(t("staff.insp_intro"))
st.caption(t("staff.insp_scope_town", town=plain.md(town)) if town else t("staff.insp_scope_bureau"))
widgets.outcome("insp_outcome")


def record_form() -> None:
    """The town's inspection form: enterprise, the agency offered from its contracts, each check beside the records."""
    st.subheader(t("staff.insp_record"))
    left, middle, right = st.columns([1, 2, 2])
    day = left.date_input(t("staff.insp_date"), value=today, max_value=today, key="insp_date", format="YYYY-MM-DD")
    code = normalize_credit_code(middle.text_input(t("staff.insp_enterprise_code"), key="insp_code", max_chars=24))
    name = right.text_input(t("staff.insp_enterprise_name"), key="insp_name", max_chars=200)
    left, right = st.columns(2)
    hazards = int(left.number_input(t("staff.insp_hazards"), min_value=0, max_value=999, step=1, key="insp_hazards"))
    major = int(right.number_input(t("staff.insp_major"), min_value=0, max_value=999, step=1, key="insp_major"))
    serving = serving_agencies(engine=engine, enterprise_code=code, day=day) if is_valid_credit_code(code) else None
    offers = {}
    if serving is not None:
        for row in serving.itertuples():
            offers[f"contract|{row.credit_code}|{row.contract_no}"] = t(
                "staff.insp_agency_contract", agency=plain.text(row.agency_name), contract=plain.text(row.contract_no),
                start=row.start, end=row.end)
        if serving.empty:
            st.caption(t("staff.insp_no_contract"))
    offers["other"] = t("staff.insp_agency_other")
    offers["none"] = t("staff.insp_agency_none")
    # Another enterprise or day offers other agencies: start again from the first offer (its own contract's agency).
    if st.session_state.get("insp_agency_for") != (code, day):
        st.session_state["insp_agency_for"] = (code, day)
        st.session_state.pop("insp_agency", None)
    if st.session_state.get("insp_agency") not in offers:
        st.session_state.pop("insp_agency", None)
    choice = st.selectbox(t("staff.insp_agency"), list(offers), key=widgets.keep("insp_agency", next(iter(offers))),
                          format_func=widgets.labels_of(offers))
    source, agency_code, contract_no, agency_name = choice.split("|")[0], "", "", ""
    if source == "contract":
        agency_code, contract_no = choice.split("|")[1:]
    elif source == "other":
        left, right = st.columns(2)
        agency_code = left.text_input(t("staff.credit_code"), key="insp_other_code", max_chars=24).strip()
        agency_name = right.text_input(t("common.agency_full_name"), key="insp_other_name", max_chars=200).strip()
    checks: dict[str, CheckInput] = {}
    if source != "none" and is_valid_credit_code(agency_code) and is_valid_credit_code(code):
        beside = records_beside(engine=engine, agency_code=agency_code, client_code=code, day=day)
        st.subheader(t("staff.insp_checks"))
        probe = InspectionInput(date=day, enterprise_code=code, enterprise_name=name, hazards=hazards,
                                major_hazards=major)
        results = {"pass": t("staff.insp_pass"), "fail": t("staff.insp_fail"), "unchecked": t("staff.insp_unchecked")}
        for check in CHECKS:
            with st.container(border=True):
                st.markdown(f"**{t(f'staff.check_{check.key}')}**")
                shown = beside.shown(check.key, probe)
                if shown:
                    st.caption(t("staff.insp_records", shown=plain.md(shown)))
                result = st.radio(t("staff.insp_result"), list(results), horizontal=True,
                                  key=widgets.keep(f"insp_result_{check.key}", "unchecked"),
                                  format_func=widgets.labels_of(results))
                outcome, clause, note = "", "", ""
                if result == "fail":
                    outcomes = {"finding": t("staff.insp_outcome_finding", clause=check.clause),
                                "note": t("staff.insp_outcome_note"), "referral": t("staff.insp_outcome_referral")}
                    outcome = st.radio(t("staff.insp_outcome"), list(outcomes), horizontal=True,
                                       key=widgets.keep(f"insp_outcome_{check.key}", "finding"),
                                       format_func=widgets.labels_of(outcomes))
                    if outcome == "referral":
                        clause = st.selectbox(t("staff.insp_referral_clause"), BLACKLIST_CLAUSES,
                                              key=widgets.keep(f"insp_clause_{check.key}", BLACKLIST_CLAUSES[0]),
                                              format_func=widgets.labels_of(CLAUSE_LABELS))
                    note = st.text_input(t("staff.insp_note"), key=f"insp_note_{check.key}", max_chars=TEXT_LIMIT)
                checks[check.key] = CheckInput(result, outcome, note, referral_clause=clause)
    if st.button(t("staff.insp_save"), type="primary", key="insp_save"):
        item = InspectionInput(date=day, enterprise_code=code, enterprise_name=name, hazards=hazards,
                               major_hazards=major, agency_source=source, agency_code=agency_code,
                               agency_name=agency_name, contract_no=contract_no, checks=checks)
        try:
            stored = record_inspection(engine=engine, user=acting, inspection=item, rulebook=rulebook)
        except CreditBoardError as exc:
            st.error(refusal(exc))
        else:
            widgets.outcome("insp_outcome", "success", t("staff.insp_saved", id=stored["id"],
                                                         findings=len(stored["findings"]),
                                                         referrals=len(stored["referrals"])))
            st.rerun()


def import_form() -> None:
    """Towns that keep Excel: the template, and a whole file imported at once or refused with every problem."""
    with st.expander(t("staff.insp_import")):
        st.caption(t("staff.insp_import_help"))
        st.download_button(t("staff.download_template", fmt="CSV"), data=inspection_template_csv(),
                           file_name="inspections-template.csv", mime="text/csv", key="insp_template")
        uploaded = st.file_uploader(t("staff.file"), type=["csv", "xlsx"], key="insp_file")
        if uploaded is not None and st.button(t("staff.insp_import_run"), key="insp_import_run"):
            try:
                stored = import_inspections(engine=engine, user=acting, content=uploaded.getvalue(),
                                            file_name=uploaded.name, rulebook=rulebook)
            except InputError as exc:
                widgets.show_problems(problems_frame(exc.problems))
            except CreditBoardError as exc:
                st.error(refusal(exc))
            else:
                st.success(t("staff.insp_imported", n=len(stored),
                             findings=sum(len(s["findings"]) for s in stored)))


if may(user, "inspect"):
    record_form()
    import_form()

year = int(st.number_input(t("common.year"), min_value=YEAR_MIN, max_value=YEAR_MAX, value=today.year, step=1,
                           key="insp_year"))
st.subheader(t("staff.insp_list", year=year))
listed = inspection_list(engine=engine, user=acting, year=year)
if listed.empty:
    st.info(t("staff.insp_none"))
else:
    plain.dataframe(widgets.relabel(listed.assign(enterprise=listed["enterprise_name"] + "（" + listed["enterprise_code"] + "）"), {
        "id": "staff.col_no", "town": "common.town", "date": "common.date", "enterprise": "staff.col_enterprise",
        "hazards": "staff.col_hazards", "major_hazards": "staff.col_major", "agency_name": "common.agency",
        "failed": "staff.col_failed", "findings": "staff.col_findings", "notes": "staff.col_notes",
        "referrals": "staff.col_referrals"}), hide_index=True, width="stretch")
    picked = st.selectbox(t("staff.insp_pick"), listed["id"].tolist(), index=None, key="insp_pick",
                          placeholder=t("common.choose"))
    if picked is not None:
        remark = listed.loc[listed["id"] == picked, "note"].iloc[0]
        if remark:  # the inspection's own note (from the form or an imported file), beside its checks' notes
            st.markdown(t("staff.insp_overall_note", note=plain.md(remark)))
        checks = inspection_checks(engine=engine, user=acting, inspection_id=int(picked))
        labels = {"pass": t("staff.insp_pass"), "fail": t("staff.insp_fail"), "unchecked": t("staff.insp_unchecked"),
                  "finding": t("staff.col_findings"), "note": t("staff.col_notes"), "referral": t("staff.col_referrals"),
                  "": ""}
        shown = checks.assign(check=checks["check"].map(lambda k: t(f"staff.check_{k}")),
                              result=checks["result"].map(labels), outcome=checks["outcome"].map(labels))
        plain.dataframe(widgets.relabel(shown, {"check": "staff.col_check", "result": "staff.col_result",
                                                "outcome": "staff.col_outcome", "note": "staff.insp_note",
                                                "shown": "staff.col_shown"}), hide_index=True, width="stretch")

st.subheader(t("staff.insp_effect"))
st.caption(t("staff.insp_effect_help"))
effect = effectiveness(engine=engine, user=acting, year=year)
if effect.empty:
    st.info(t("staff.insp_none"))
else:
    plain.dataframe(widgets.relabel(effect, {
        "agency_name": "common.agency", "credit_code": "staff.credit_code", "inspections": "staff.col_inspections",
        "checks_passed": "staff.col_passed", "checks_failed": "staff.col_failed_n", "failed_clauses": "staff.col_failed",
        "hazards_unseen": "staff.col_unseen"}), hide_index=True, width="stretch")
