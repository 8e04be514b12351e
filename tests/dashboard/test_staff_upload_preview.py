"""The upload page's field-test fixes: problems wrap, the floor's effects are named before 导入, and after 导入 the
page says the file is stored (no "not stored yet", no second 导入)."""

from __future__ import annotations

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from tests import builders
from tests.dashboard.staff_helpers import check_no_exception, open_page, problems_shown, shown_text, sign_in
from tests.dashboard.test_staff_upload_publish import _publish
from tests.db.test_workspace import BASE, MORE, _finding

A0, A1 = builders.credit_code(0), builders.credit_code(1)


def _upload(at, content: bytes, name: str):
    open_page(at, "upload")
    at.file_uploader(key="upload_file").set_value((name, content, "text/csv")).run()
    check_no_exception(at)
    return at


def test_problems_are_a_static_table_so_a_long_message_wraps_whole(staff_app):
    sign_in(staff_app, "staff")
    bad = builders.findings_csv([{**_finding(0, "3.1"), "date": "2025-13-01"}])
    _upload(staff_app, bad, "bad.csv")
    assert [f for f in staff_app.dataframe] == []  # st.dataframe cuts a cell at its width
    table = problems_shown(staff_app)
    [message] = table[CATALOGUE["common.problem"][0]].tolist()
    assert len(message) > 8 and "2025-13-01" in table[CATALOGUE["common.value"][0]].tolist()


def test_after_import_the_page_says_stored_and_offers_no_second_import(staff_app):
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    assert fill(CATALOGUE["staff.file_valid"][0], dict(rows=3)) in shown_text(staff_app)
    staff_app.button(key="upload_import").click().run()
    check_no_exception(staff_app)
    text = shown_text(staff_app)
    assert CATALOGUE["staff.imported_state"][0] in text and "尚未保存" not in text
    assert [b for b in staff_app.button if b.key == "upload_import"] == []
    staff_app.run()  # any later rerun (a click elsewhere) keeps the stored state
    assert CATALOGUE["staff.imported_state"][0] in shown_text(staff_app)


def test_the_preview_names_rows_at_the_floor_and_stored_findings_pushed_to_zero(staff_app):
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")  # agency 1's Q2 at its floor; agency 0's Q2 lost 5 (3.1, 2025-05-10)
    staff_app.button(key="upload_import").click().run()
    floor = builders.findings_csv([_finding(1, "2.5", "2025-06-01"), _finding(0, "2.1", "2025-04-10")])
    _upload(staff_app, floor, "floor.csv")
    warnings = [w.value for w in staff_app.warning]
    assert fill(CATALOGUE["staff.at_floor"][0], dict(rows="2")) in warnings
    assert fill(CATALOGUE["staff.pushed_to_zero"][0], dict(n=1)) in warnings
    free, pushed = staff_app.dataframe[0].value, staff_app.dataframe[1].value
    assert free[[CATALOGUE["staff.credit_code"][0], CATALOGUE["staff.points_charged"][0]]].values.tolist() == [[A1, 0]]
    assert pushed[[CATALOGUE["staff.credit_code"][0], CATALOGUE["common.clause"][0], CATALOGUE["staff.charged_before"][0],
                   CATALOGUE["staff.charged_after"][0]]].values.tolist() == [[A0, "3.1", 5, 0]]


def test_the_preview_names_changes_in_words_in_english_never_by_their_keys(staff_app, staff_db):
    staff_app.query_params["lang"] = "en"
    staff_app.run()
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db)
    _upload(staff_app, MORE, "more.csv")
    changes = staff_app.dataframe[0].value
    assert dict(zip(changes[CATALOGUE["staff.credit_code"][1]], changes[CATALOGUE["staff.change"][1]], strict=True)) == {
        A1: "enters the blacklist", builders.credit_code(2): "grade changes"}
