"""监督抽查管理 Spot-checks (bureau admin): the expert pool, announcing a plan, the draw on its day, check results.

Every write is a db.spotcheck service that re-checks the account; the plan's secret is made and kept by the service
and never reaches this page before the draw.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data, plain
from dashboard.i18n import refusal, t
from dashboard.labels import specialty_label
from dashboard.staff import session
from dashboard.text import CATALOGUE
from db.spotcheck import plans, pool, reads

user = session.require("spot_check")
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()

st.title(t("staff.page_spot_checks"))
st.caption(t("staff.spot_intro"))


def both(key: str, **values: object) -> str:
    """A stored text the public reads in either language: 中文 · English."""
    zh, en = CATALOGUE[key]
    return f"{zh.format(**values)} · {en.format(**values)}"


def attempt(action, success: str) -> None:
    """Run a service; a refusal in the visitor's language, else the success line (and fresh public data)."""
    try:
        action()
    except CreditBoardError as exc:
        st.error(refusal(exc))
    else:
        data.spot_checks.clear()
        st.success(success)


tab_pool, tab_plan, tab_draw, tab_results = st.tabs(
    [t("staff.spot_tab_pool"), t("staff.spot_tab_plan"), t("staff.spot_tab_draw"), t("staff.spot_tab_results")])

with tab_pool:
    experts = pool.experts(engine)
    if experts:
        plain.dataframe(pd.DataFrame([{
            t("staff.spot_expert_code"): e["code"], t("staff.spot_expert_name"): e["name"],
            t("staff.spot_expert_field"): specialty_label(e["field"]), t("staff.spot_expert_employer"): e["employer"],
            t("staff.spot_expert_conflicts"): "; ".join(e["conflicts"]),
        } for e in experts]), hide_index=True, key="spot_pool")
    else:
        st.caption(t("staff.spot_pool_empty"))
    with st.form("spot_expert", clear_on_submit=True):
        cols = st.columns(3)
        code = cols[0].text_input(t("staff.spot_expert_code"), max_chars=16)
        name = cols[1].text_input(t("staff.spot_expert_name"), max_chars=64)
        field = cols[2].text_input(t("staff.spot_expert_field"), max_chars=32)
        employer = st.text_input(t("staff.spot_expert_employer"), max_chars=200)
        conflicts = st.text_area(t("staff.spot_expert_conflicts_help"))
        if st.form_submit_button(t("staff.spot_add_expert"), type="primary"):
            attempt(lambda: pool.add_expert(engine=engine, user=acting, code=code, name=name, field=field,
                                            employer=employer, conflicts=conflicts),
                    t("staff.spot_expert_added", code=plain.md(code)))

with tab_plan, st.form("spot_plan"):
    cols = st.columns(3)
    plan_id = cols[0].text_input(t("staff.spot_plan_id"), value=f"{today.year}-1", max_chars=64)
    year = cols[1].number_input(t("common.year"), min_value=2000, max_value=2100, value=today.year, step=1)
    draw_day = cols[2].date_input(t("common.spot_draw_day"), value=today + dt.timedelta(days=14),
                                  format="YYYY-MM-DD")
    contracts_on = st.date_input(t("staff.spot_contracts_on"), value=today, format="YYYY-MM-DD")
    cols = st.columns(2)
    overall = cols[0].number_input(t("staff.spot_quota_all"), min_value=0, value=5, step=1)
    per_town = cols[1].text_area(t("staff.spot_quota_towns"), placeholder="璜土镇=2\n青阳镇=1")
    team_size = st.number_input(t("staff.spot_team_size"), min_value=1, max_value=9, value=2, step=1)
    show_names = st.checkbox(t("staff.spot_show_names"))
    if st.form_submit_button(t("staff.spot_announce"), type="primary"):
        def announce() -> None:
            quotas: dict[str, int] = {}
            for line in per_town.splitlines():
                if line.strip():
                    town, _, n = line.replace("＝", "=").partition("=")
                    if not n.strip().isdigit():
                        raise pool.SpotCheckError(f"名额写法应为“镇街园=数量”：{line}",
                                                  f"write a quota as town=number: {line}")
                    quotas[town.strip()] = int(n)
            plans.announce_plan(
                engine=engine, user=acting, plan_id=plan_id.strip(), year=int(year),
                population_rule=both("staff.spot_rule_contracts", day=contracts_on.isoformat()),
                population=plans.population_on(engine, contracts_on), quotas=quotas or {"*": int(overall)},
                team_size=int(team_size), draw_day=draw_day, show_expert_names=show_names, today=today)
        attempt(announce, t("staff.spot_announced", plan_id=plain.md(plan_id)))

announced = data.spot_checks()
with tab_draw:
    waiting = [p["plan_id"] for p in announced if p["drawn"] is None]
    chosen = st.selectbox(t("staff.spot_plan_id"), waiting, index=None, placeholder=t("staff.spot_choose_plan"),
                          key="spot_draw_plan")
    public_value = st.text_input(t("common.spot_public_value"), help=t("staff.spot_public_value_help"), max_chars=1000)
    if st.button(t("staff.spot_draw"), type="primary", disabled=not chosen, key="spot_draw_button") and chosen:
        attempt(lambda: plans.make_draw(engine=engine, user=acting, plan_id=chosen, public_value=public_value,
                                        today=today), t("staff.spot_drawn", plan_id=plain.md(chosen)))

with tab_results:
    # Read again: a draw just made on this run cleared the cache, and its plan is ready for results at once.
    drawn = {p["plan_id"]: p for p in data.spot_checks() if p["drawn"] is not None}
    chosen = st.selectbox(t("staff.spot_plan_id"), list(drawn), index=None, placeholder=t("staff.spot_choose_plan"),
                          key="spot_result_plan")
    if chosen:
        rows = drawn[chosen]["drawn"]["rows"]
        open_rows = [r["credit_code"] for r in rows if r["outcome"] is None]
        names = {r["credit_code"]: f"{r['credit_code']} {plain.text(r['agency_name'])}" for r in rows}
        agency = st.selectbox(t("common.agency_name"), open_rows, index=None, format_func=names.get,
                              placeholder=t("staff.spot_choose_agency"), key="spot_result_agency")
        checked_on = st.date_input(t("common.spot_checked_on"), value=today, format="YYYY-MM-DD", key="spot_checked_on")
        found = st.checkbox(t("staff.spot_found"), key="spot_found")
        clause = st.text_input(t("common.clause"), disabled=not found, key="spot_clause")
        description = st.text_area(t("staff.spot_description"), disabled=not found, key="spot_description")
        if st.button(t("staff.record"), type="primary", disabled=not agency, key="spot_result_button") and agency:
            findings = [{"clause": clause.strip(), "date": checked_on, "description": description}] if found else []
            attempt(lambda: plans.record_result(engine=engine, user=acting, plan_id=chosen, credit_code=agency,
                                                checked_on=checked_on, outcome="found" if found else "clear",
                                                findings=findings),
                    t("staff.spot_result_saved"))
        st.caption(t("staff.spot_results_public", link=reads.RERUN_COMMAND.format(draw_file="…")))
