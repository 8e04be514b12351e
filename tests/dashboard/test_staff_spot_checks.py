"""The staff page 监督抽查管理: bureau admins only; add an expert, draw an announced plan on its day, record a check."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from core import china_time
from core import draw as core_draw
from db.accounts.actor import Actor
from db.spotcheck import plans, pool, reads
from tests.builders import credit_code
from tests.dashboard.staff_helpers import check_no_exception, errors, open_page, reachable, shown_text, sign_in
from tests.db.test_spot_checks import keygen_in_memory


def test_only_the_bureau_admin_has_the_page(staff_app):
    sign_in(staff_app, "staff")
    assert "spot_checks" not in reachable(staff_app)


def test_the_admin_adds_an_expert_draws_a_plan_and_records_a_check(staff_app, staff_db):
    sign_in(staff_app, "admin")
    open_page(staff_app, "spot_checks")
    check_no_exception(staff_app)
    form = {w.label: w for w in staff_app.text_input}
    form["专家编号"].input("E01")
    form["专家姓名"].input("张工")
    form["专业领域"].input("化工")
    staff_app.text_area[0].input(credit_code(1))
    next(b for b in staff_app.button if b.label == "加入专家库").click().run()
    assert errors(staff_app) == []
    assert [(e["code"], e["conflicts"]) for e in pool.experts(staff_db)] == [("E01", [credit_code(1)])]
    pool.add_expert(engine=staff_db, user=Actor.operator("test"), code="E02", name="李工", field="机械")

    today = china_time.today()
    plans.announce_plan(engine=staff_db, user=Actor.operator("test"), plan_id="T-1", year=today.year,
                        population_rule="测试", population=[(credit_code(i), "璜土镇") for i in (1, 2, 3)],
                        quotas={"*": 2}, team_size=1, draw_day=today, today=today - dt.timedelta(days=7))
    st.cache_data.clear()  # announced outside the page: the page's cached list would show it within a minute
    open_page(staff_app, "spot_checks")
    staff_app.selectbox(key="spot_draw_plan").select("T-1").run()
    next(w for w in staff_app.text_input if w.label == "公开随机值").input("01 02 03")
    staff_app.button(key="spot_draw_button").click().run()
    assert errors(staff_app) == []
    drawn = reads.public_plans(staff_db)[0]["drawn"]
    assert drawn["public_value"] == "01 02 03" and len(drawn["rows"]) == 2
    assert core_draw.verify_draw(json.loads(reads.draw_file(staff_db, "T-1", keygen_in_memory()))).same

    first = drawn["rows"][0]["credit_code"]
    staff_app.selectbox(key="spot_result_plan").select("T-1").run()
    staff_app.selectbox(key="spot_result_agency").select(first).run()
    staff_app.button(key="spot_result_button").click().run()
    assert errors(staff_app) == []
    rows = {r["credit_code"]: r for r in reads.public_plans(staff_db)[0]["drawn"]["rows"]}
    assert rows[first]["outcome"] == "clear" and "检查结果已保存" in shown_text(staff_app)
