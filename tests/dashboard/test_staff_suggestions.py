"""The suggestions queue page: who reaches it, what each role sees, confirm and dismiss from the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.i18n import fill
from dashboard.staff import queue
from dashboard.staff.session import STAFF_PAGES, TOKEN_KEY
from dashboard.text import CATALOGUE
from db.accounts import security
from db.store.engine import transaction
from db.store.models import Finding, Suggestion, User
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, PASSWORD
from tests.dashboard.staff_helpers import (
    TIMEOUT,
    check_no_exception,
    errors,
    open_page,
    reachable,
    shown_text,
    sign_in,
)
from tests.db.queue_factory import A_NAME, AS_OF, B_NAME, YEAR, A, store_records

PAGE = str(Path(__file__).resolve().parents[2] / STAFF_PAGES["suggestions"][0])


def zh(key: str, **values) -> str:
    return fill(CATALOGUE[key][0], values)


def open_queue(at: AppTest, who: str) -> AppTest:
    """Sign in as `who`, open the queue, and look at the test records' year as of a day after its deadlines."""
    sign_in(at, who)
    open_page(at, "suggestions")
    at.number_input(key="sq_year").set_value(YEAR).run()
    at.date_input(key="sq_as_of").set_value(AS_OF).run()
    check_no_exception(at)
    return at


def open_table(at: AppTest):
    return at.dataframe[0].value


def pick(at: AppTest, agency: str, clause: str) -> AppTest:
    """Choose the open suggestion of `agency` under `clause` in the picker."""
    box = at.selectbox(key="sq_pick")
    wanted = [o for o in box.options if agency in o and f"　{clause}　" in o]
    assert len(wanted) == 1, box.options
    return box.select_index(box.options.index(wanted[0])).run()


def _count(engine, model) -> int:
    with Session(engine) as s:
        return len(s.exec(select(model)).all())


@pytest.fixture
def queue_db(staff_db):
    store_records(staff_db)
    return staff_db


def test_a_visitor_who_is_not_signed_in_cannot_reach_the_queue(staff_app):
    assert "suggestions" not in reachable(staff_app)
    with pytest.raises(ValueError):  # not in this session's navigation: its URL leads nowhere either
        open_page(staff_app, "suggestions")


@pytest.mark.parametrize("who", ["town", "staff", "admin"])
def test_every_staff_role_reaches_the_queue(staff_app, who):
    sign_in(staff_app, who)
    assert "suggestions" in reachable(staff_app)
    open_page(staff_app, "suggestions")
    check_no_exception(staff_app)
    assert staff_app.title[0].value == zh("staff.page_suggestions")


def test_the_page_run_directly_without_signing_in_shows_nothing_of_the_queue(queue_db):
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    check_no_exception(at)
    assert [w.value for w in at.warning] == [zh("staff.not_allowed")]
    assert not at.dataframe and A_NAME not in shown_text(at)


def test_an_agency_account_cannot_reach_the_queue(staff_app, queue_db):
    # An account of a role outside the staff table (the agency portal's accounts are bound to a credit code).
    with transaction(queue_db) as s:
        s.add(User(username="agency1", display_name="甲", role="agency", credit_code=A,
                   password_hash=security.hash_password(PASSWORD)))
    sign_in(staff_app, "agency1")
    assert TOKEN_KEY in staff_app.session_state  # signed in: the page is missing for the role, not for a typo
    assert "suggestions" not in reachable(staff_app)
    with pytest.raises(ValueError):
        open_page(staff_app, "suggestions")


def test_with_no_records_the_page_says_how_to_upload_them(staff_app):
    sign_in(staff_app, "staff")
    open_page(staff_app, "suggestions")
    check_no_exception(staff_app)
    assert [i.value for i in staff_app.info] == [zh("staff.sq_no_records")]
    assert not staff_app.dataframe


def test_town_staff_see_only_their_towns_suggestions(staff_app, queue_db):
    at = open_queue(staff_app, "town")
    table = open_table(at)
    assert table[zh("common.assessor")].tolist() == [ACCOUNT_TOWN]
    assert table[zh("common.agency_full_name")].tolist() == [A_NAME]
    assert B_NAME not in shown_text(at) and OTHER_ACCOUNT_TOWN not in shown_text(at)
    assert [m.value for m in at.metric][:1] == ["1"]


def test_bureau_staff_see_every_suggestion_with_clause_text_and_rule_in_words(staff_app, queue_db):
    at = open_queue(staff_app, "staff")
    table = open_table(at)
    assert sorted(table[zh("common.assessor")]) == sorted([zh("common.bureau"), ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN])
    assert zh("clause.no_commitment") in table[zh("staff.sq_rule")].tolist()
    assert table[zh("staff.clause_text")].str.len().min() > 5
    at.selectbox(key="sq_clause").set_value("3.2").run()
    assert open_table(at)[zh("common.clause")].tolist() == ["3.2"]
    at.selectbox(key="sq_clause").set_value("").run()
    at.text_input(key="sq_search").input("乙技术").run()
    assert open_table(at)[zh("common.agency_full_name")].tolist() == [B_NAME]


def test_confirming_on_the_page_records_the_finding_and_moves_it_to_decided(staff_app, queue_db):
    at = open_queue(staff_app, "staff")
    pick(at, A_NAME, "3.2")
    assert any("未报送守法诚信承诺书" in m.value for m in at.markdown)  # its evidence in words
    assert any(A_NAME in frame.value.to_csv() for frame in at.dataframe[1:])  # and the registry row it names
    assert any(zh("staff.sq_places_in", year=YEAR, period="全年") in c.value for c in at.caption)
    at.button(key="sq_confirm").click().run()
    check_no_exception(at)
    assert errors(at) == []
    assert any("已确认" in s.value for s in at.success)
    assert _count(queue_db, Finding) == 1 and _count(queue_db, Suggestion) == 1
    assert "3.2" not in open_table(at)[zh("common.clause")].tolist()
    decided = at.dataframe[-1].value
    assert decided[zh("staff.sq_status")].tolist() == [zh("staff.sq_status_confirmed")]
    assert decided[zh("staff.sq_decided_by")].tolist() == ["staff"]
    assert [m.value for m in at.metric] == ["2", "1", "0"]


def test_a_dismissal_without_a_reason_is_refused_and_with_one_is_stored(staff_app, queue_db):
    at = open_queue(staff_app, "town")
    pick(at, A_NAME, "3.3")
    at.button(key="sq_dismiss").click().run()
    assert errors(at) == ["请填写驳回理由"] and _count(queue_db, Suggestion) == 0
    at.text_area(key="sq_reason").input("已补签合同，经核实").run()
    at.button(key="sq_dismiss").click().run()
    check_no_exception(at)
    assert errors(at) == [] and any("已驳回" in s.value for s in at.success)
    with Session(queue_db) as s:
        [row] = s.exec(select(Suggestion)).all()
    assert (row.status, row.reason, row.decided_by, row.assessor) == ("dismissed", "已补签合同，经核实", "town", ACCOUNT_TOWN)
    assert _count(queue_db, Finding) == 0
    assert [i.value for i in at.info][:1] == [zh("staff.sq_none_open", year=YEAR)]


def test_bureau_staff_see_a_towns_suggestion_without_the_buttons_to_decide_it(staff_app, queue_db):
    at = open_queue(staff_app, "admin")
    pick(at, A_NAME, "3.3")
    assert zh("staff.sq_not_your_unit", assessor=ACCOUNT_TOWN) in [i.value for i in at.info]
    assert not [b for b in at.button if b.key in ("sq_confirm", "sq_dismiss")]


def test_the_page_reads_in_english(staff_app, queue_db):
    at = open_queue(staff_app, "staff")
    at.sidebar.radio[0].set_value("en").run()  # the site's language switch
    check_no_exception(at)
    assert at.title[0].value == CATALOGUE["staff.page_suggestions"][1]
    assert CATALOGUE["clause.no_commitment"][1] in open_table(at)[CATALOGUE["staff.sq_rule"][1]].tolist()


def test_a_long_queue_shows_its_first_rows_and_says_how_many_there_are(staff_app, staff_db):
    from tests.builders import credit_code

    many = [{"credit_code": credit_code(1000 + i), "agency_name": f"机构{i}", "office_address": "澄江街道",
             "filed_on": "2025-01-02"} for i in range(503)]  # no commitment letter: one suggestion each
    store_records(staff_db, {"registry": many})
    at = open_queue(staff_app, "staff")
    assert len(open_table(at)) == 500 and len(at.selectbox(key="sq_pick").options) == 500
    total = int(at.metric[0].value)  # 503 letters missing, and each agency's monthly reports (none were filed)
    assert total > 503 and zh("staff.sq_shown_first", n=500, total=total) in [c.value for c in at.caption]
    at.selectbox(key="sq_clause").set_value("3.2").run()
    at.text_input(key="sq_search").input("机构502").run()
    assert open_table(at)[zh("common.agency_full_name")].tolist() == ["机构502"]


def _infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def test_after_new_records_the_page_shows_the_last_run_at_once_with_an_updating_note(staff_app, queue_db,
                                                                                     monkeypatch):
    from db.findings import watch_runs

    watch_runs.refresh(engine=queue_db, year=YEAR, as_of=AS_OF)
    # An agency files a report meanwhile: the stored run is stale.
    store_records(queue_db, {"reports": [{"credit_code": A, "month": "2024-12", "submitted_on": "2025-01-03"}]})
    monkeypatch.setattr(queue, "FIRST_WAIT_SECONDS", 0)
    at = open_queue(staff_app, "staff")
    assert "正在更新" in _infos(at) and len(open_table(at)) > 0  # the last result, not a wait
    queue.wait_all()
    at.button(key="sq_reload").click().run()
    assert "正在更新" not in _infos(at) and len(open_table(at)) > 0


def test_a_year_with_no_run_yet_says_it_is_being_computed_then_shows_it(staff_app, queue_db, monkeypatch):
    monkeypatch.setattr(queue, "FIRST_WAIT_SECONDS", 0)
    at = sign_in(staff_app, "staff")
    at.session_state["sq_year"] = YEAR
    at.session_state["sq_as_of"] = AS_OF
    open_page(at, "suggestions")
    check_no_exception(at)
    queue.wait_all()
    at.run()
    if not at.dataframe:  # the run was not done at the first render: the page said so instead of waiting
        pytest.fail(f"no table after the background run: {_infos(at)}")
    assert {A_NAME, B_NAME} <= set(open_table(at)[zh("common.agency_full_name")])


def test_the_watch_never_runs_while_the_page_renders(staff_app, queue_db, monkeypatch):
    from db.findings import suggestions, watch_runs

    watch_runs.refresh(engine=queue_db, year=YEAR, as_of=AS_OF)
    calls = []
    monkeypatch.setattr(suggestions, "judge", lambda *a, **k: calls.append(1))
    at = sign_in(staff_app, "staff")
    at.session_state["sq_year"] = YEAR
    at.session_state["sq_as_of"] = AS_OF
    open_page(at, "suggestions")
    check_no_exception(at)
    assert not calls and len(open_table(at)) > 0 and not queue.running()


def test_a_banner_names_the_missing_calendar_year_and_how_many_items_wait_for_it(staff_app, staff_db):
    from db.findings import watch_runs

    # 2099 has no working-day calendar: the unreported change's deadline waits; the reports, all filed by the 1st of
    # the next month, are on time under any calendar.
    store_records(staff_db, {
        "registry": [{"credit_code": A, "agency_name": A_NAME, "office_address": "澄江街道", "filed_on": "2099-01-05",
                      "commitment_on": "2099-01-05"}],
        "changes": [{"credit_code": A, "item": "地址变更", "changed_on": "2099-03-02"},
                    {"credit_code": A, "item": "电话变更", "changed_on": "2099-04-01"}],
        "reports": [{"credit_code": A, "month": f"2099-{m:02d}", "submitted_on": f"2099-{m + 1:02d}-01"}
                    for m in range(1, 5)]})
    as_of = dt.date(2099, 6, 1)
    watch_runs.refresh(engine=staff_db, year=2099, as_of=as_of)
    at = sign_in(staff_app, "staff")
    at.session_state["sq_year"] = 2099
    at.session_state["sq_as_of"] = as_of
    open_page(at, "suggestions")
    check_no_exception(at)
    assert [w.value for w in at.warning] == [zh("staff.sq_waiting", n=2, year=2099)]
