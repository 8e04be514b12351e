"""监督抽查 Spot-checks: each draw's list (teams by field) with each check's result first; on request each plan (announced
with its commitment before its draw) and each draw's inputs, seed, signed files and the one command that re-runs it."""

import streamlit as st

from dashboard import data, plain, ui
from dashboard.i18n import current, t
from dashboard.labels import kv, local_date, paren, specialty_label

JSON = "application/json"

ui.header("public.spot_checks_title")
st.markdown(t("public.spot_checks_intro"))
plans = data.spot_checks()
if not plans:
    st.info(t("public.spot_checks_none"))
    st.stop()
ui.demo_notice(any(p["demo"] for p in plans))


def quotas_text(quotas: dict) -> str:
    if "*" in quotas:
        return t("public.spot_quota_all", n=quotas["*"])
    return pick_join([f"{town} {n}" for town, n in quotas.items()])


def pick_join(parts: list[str]) -> str:
    return ("、" if current() == "zh" else ", ").join(parts)


def team_text(team: list[dict]) -> str:
    # Teams by field; an expert's name only where the plan said names are published.
    return pick_join([f"{specialty_label(e['field'])}: {e['id']}" + (paren(e["name"]) if e["name"] else "")
                      for e in team])


def plan_details(plan: dict) -> None:
    """What was announced before the draw: the population, the quotas, the team, the commitment and the plan file."""
    with st.container(border=True):
        st.markdown(f"**{plan_title(plan)}**")
        st.markdown(kv(t("public.spot_population_rule"), plan["population_rule"]))
        st.markdown(kv(t("public.spot_population"), plan["population"]) + "　"
                    + kv(t("public.spot_quotas"), quotas_text(plan["quotas"])) + "　"
                    + kv(t("public.spot_team"), t("public.spot_team_value", k=plan["team_size"], n=plan["experts"])))
        st.markdown(f"**{t('public.spot_commitment')}**")
        st.code(plan["commitment"], language=None, wrap_lines=True)
        plan_name = f"jiangyin-spot-check-{plan['plan_id']}-plan.json"
        st.download_button(t("public.spot_download_plan"), data=lambda p=plan["plan_id"]: data.spot_check_file("plan", p),
                           file_name=plan_name, mime=JSON, on_click="ignore", key=f"dl-plan-{plan['plan_id']}",
                           icon=":material/download:")


def draw_inputs(plan: dict) -> None:
    """How the draw can be re-run by anyone: its inputs, the draw file and the one command."""
    drawn = plan["drawn"]
    with st.container(border=True):
        st.markdown(f"**{plan_title(plan)}**")
        if not drawn:
            st.caption(t("public.spot_not_drawn"))
            return
        st.markdown(f"**{t('public.spot_inputs')}**")
        st.markdown(kv(t("common.spot_public_value"), drawn["public_value"]))
        for label, value in (("public.spot_secret", drawn["secret"]), ("public.spot_seed", drawn["seed"])):
            st.markdown(f"**{t(label)}**")
            st.code(value, language=None, wrap_lines=True)
        draw_name = f"jiangyin-spot-check-{plan['plan_id']}-draw.json"
        st.download_button(t("public.spot_download_draw"), data=lambda p=plan["plan_id"]: data.spot_check_file("draw", p),
                           file_name=draw_name, mime=JSON, on_click="ignore", key=f"dl-draw-{plan['plan_id']}",
                           icon=":material/download:")
        st.markdown(t("public.spot_rerun"))
        st.code(f"python -m core draw --verify {draw_name}", language="bash", wrap_lines=True)


def plan_title(plan: dict) -> str:
    status = t("public.spot_status_drawn") if plan["drawn"] else t("public.spot_status_announced")
    return t("public.spot_plan_title", plan_id=plan["plan_id"], year=plan["year"]) + paren(status)


# Each plan's list of drawn agencies with their results is the page's answer; what each plan announced and how each
# draw re-runs are drawn only when chosen (every plan's code blocks and buttons took the browser twice a bare page's
# time).
for plan in plans:
    drawn = plan["drawn"]
    st.subheader(plan_title(plan))
    st.markdown(kv(t("common.spot_draw_day"), local_date(plan["draw_day"])))
    if not drawn:
        st.caption(t("public.spot_not_drawn"))
        continue
    # A list, not a table: each line wraps on a phone and at 1366 px alike, and every word is text a reader can copy.
    lines = []
    for row in drawn["rows"]:
        outcome = t(f"public.spot_outcome_{row['outcome']}") if row["outcome"] else t("public.spot_outcome_pending")
        parts = [f"`{row['credit_code']}` {plain.md(row['agency_name'])}" + paren(plain.md(row["town"])),
                 kv(t("public.spot_team"), team_text(row["team"])),
                 kv(t("public.spot_outcome"), outcome)
                 + (paren(local_date(row["checked_on"])) if row["checked_on"] else "")]
        if row["clauses"]:
            parts.append(kv(t("public.spot_clauses"), "、".join(row["clauses"])))
        lines.append(f"{row['rank']}. " + "；".join(parts) if current() == "zh" else f"{row['rank']}. " + "; ".join(parts))
    st.markdown(f"**{t('public.spot_list')}**")
    st.markdown("\n".join(lines))
    st.caption(t("public.spot_clauses_note"))

shown = ui.more("spot_checks", {"plans": "public.spot_plans", "draws": "public.spot_draws"})
if shown == "plans":
    st.subheader(t("public.spot_plans"))
    for plan in plans:
        plan_details(plan)
elif shown == "draws":
    st.subheader(t("public.spot_draws"))
    for plan in plans:
        draw_inputs(plan)
