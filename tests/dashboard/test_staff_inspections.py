"""The 一企双查 and 上报 pages: a town records an inspection with two failed checks confirmed as findings and one 1.x
referral; the bureau confirms the referral on its queue; the town sees the outcome; a town cannot decide."""

from __future__ import annotations

from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.store.models import Finding, Referral
from tests.dashboard.staff_helpers import check_no_exception, errors, open_page, shown_text, sign_in, sign_out
from tests.db.supervision_records import AGENCY, CONTRACT, DAY, ENTERPRISE, ENTERPRISE_NAME, store_supervision_records


def zh(key: str, **values) -> str:
    return fill(CATALOGUE[key][0], values)


def test_a_town_inspection_becomes_two_findings_and_a_referral_the_bureau_confirms(staff_db, staff_app):
    store_supervision_records(staff_db)
    at = sign_in(staff_app, "town")
    open_page(at, "inspections")
    at.date_input(key="insp_date").set_value(DAY).run()
    at.text_input(key="insp_code").input(ENTERPRISE).run()
    at.text_input(key="insp_name").input(ENTERPRISE_NAME).run()
    at.number_input(key="insp_hazards").set_value(2).run()
    assert at.selectbox(key="insp_agency").value == f"contract|{AGENCY}|{CONTRACT}"
    assert "截至该日已记录服务3次，本年应服务6次" in shown_text(at)  # the contract number is Markdown-escaped
    for check in ("contract", "on_site"):
        at.radio(key=f"insp_result_{check}").set_value("pass").run()
    for check in ("visits", "advice", "rules_fit"):
        at.radio(key=f"insp_result_{check}").set_value("fail").run()
    at.radio(key="insp_outcome_rules_fit").set_value("referral").run()
    at.selectbox(key="insp_clause_rules_fit").set_value("1.3").run()
    at.text_input(key="insp_note_rules_fit").input("代替企业编制不符合实际的操作规程").run()
    at.button(key="insp_save").click().run()
    check_no_exception(at)
    assert not errors(at), errors(at)
    assert zh("staff.insp_saved", id=1, findings=2, referrals=1) in shown_text(at)
    with Session(staff_db) as session:
        assert sorted(f.clause for f in session.exec(select(Finding)).all()) == ["3.6", "3.7"]
        assert session.exec(select(Referral)).one().state == "referred"
    open_page(at, "referrals")
    assert not any(b.key == "ref_confirm" for b in at.button)  # a town never decides

    sign_out(at)
    sign_in(at, "staff")
    open_page(at, "referrals")
    at.selectbox(key="ref_pick").set_value(1).run()
    at.button(key="ref_confirm").click().run()
    check_no_exception(at)
    with Session(staff_db) as session:
        referral = session.exec(select(Referral)).one()
        assert referral.state == "confirmed"
        assert session.get(Finding, referral.finding_id).clause == "1.3"
    sign_out(at)
    sign_in(at, "town")
    open_page(at, "referrals")
    assert zh("staff.state_confirmed") in at.dataframe[-1].value.to_string()
