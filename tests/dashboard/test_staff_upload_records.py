"""The six service-record files uploaded on an agency's behalf: check → preview (no full ID number) → import."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.store.models import AuditEntry, PractitionerRecord, Upload, VisitRecord
from tests.builders import id_number, records_csv
from tests.dashboard.staff_helpers import check_no_exception, errors, open_page, problems_shown, shown_text, sign_in
from tests.db.test_service_record_imports import ROWS

PERSON, OTHER = id_number(7), id_number(8, born="19900101")
PRACTITIONERS = records_csv("practitioners", ROWS["practitioners"])


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def _upload(at, kind: str, content: bytes, name: str):
    open_page(at, "upload")
    at.radio(key="upload_kind").set_value(kind).run()
    at.file_uploader(key="upload_file").set_value((name, content, "text/csv")).run()
    check_no_exception(at)
    return at


def _page_dump(at) -> str:
    """Everything the page sends, as text: shown text plus every element's repr (a stray number shows up here)."""
    return shown_text(at) + "\n" + repr(at._tree)


def test_a_practitioners_file_previews_without_id_numbers_then_imports_audited(staff_app, staff_db):
    sign_in(staff_app, "staff")
    _upload(staff_app, "practitioners", PRACTITIONERS, "people.csv")
    text = _page_dump(staff_app)
    assert fill(CATALOGUE["staff.records_valid"][0], dict(rows=2, n=2)) in text
    for number in (PERSON, OTHER, PERSON.lower()):
        assert number not in text and number[:-4] not in text
    preview = staff_app.dataframe[0].value
    assert preview[CATALOGUE["staff.id_last4"][0]].tolist() == [PERSON[-4:], OTHER[-4:]]
    assert preview["姓名"].tolist() == ["张三", "王五"]
    assert _count(staff_db, PractitionerRecord) == 0  # a check stores nothing

    staff_app.button(key="upload_import").click().run()
    check_no_exception(staff_app)
    assert fill(CATALOGUE["staff.records_imported"][0], dict(kind=CATALOGUE["common.kind_practitioners"][0], added=2, upload=1)) in \
        shown_text(staff_app)
    assert PERSON not in _page_dump(staff_app)
    assert _count(staff_db, PractitionerRecord) == 2
    with staff_db.connect() as conn:
        actors = conn.execute(select(AuditEntry.actor).where(AuditEntry.action == "upload")).scalars().all()
    assert actors == ["staff"]

    # The same file again: already imported, nothing added.
    _upload(staff_app, "practitioners", PRACTITIONERS, "people-again.csv")
    assert fill(CATALOGUE["staff.records_duplicate"][0], dict(kind=CATALOGUE["common.kind_practitioners"][0])) in shown_text(staff_app)
    staff_app.button(key="upload_import").click().run()
    assert CATALOGUE["staff.imported_duplicate"][0] in shown_text(staff_app)
    assert (_count(staff_db, PractitionerRecord), _count(staff_db, Upload)) == (2, 1)


def test_a_bad_visits_file_shows_every_problem_and_stores_nothing(staff_app, staff_db):
    sign_in(staff_app, "admin")
    bad = records_csv("visits", [{**ROWS["visits"][0], "client_code": "123", "hazards": "many"},
                                 {**ROWS["visits"][1], "visit_date": ""}])
    _upload(staff_app, "visits", bad, "visits.csv")
    table = problems_shown(staff_app)
    assert errors(staff_app) == [fill(CATALOGUE["staff.problems_found"][0], dict(n=len(table)))]
    assert sorted(set(table["行"].astype(int))) == [2, 3]
    assert {"client_code", "hazards", "visit_date"} <= set(table["列"])  # as the file names its columns
    assert [b for b in staff_app.button if b.key == "upload_import"] == []
    assert CATALOGUE["staff.submitted_on_note"][0] in shown_text(staff_app)
    assert (_count(staff_db, VisitRecord), _count(staff_db, Upload)) == (0, 0)


def test_rows_stored_before_are_named_and_need_the_tick(staff_app, staff_db):
    sign_in(staff_app, "staff")
    visits = records_csv("visits", ROWS["visits"])
    _upload(staff_app, "visits", visits, "visits.csv")
    staff_app.button(key="upload_import").click().run()
    assert _count(staff_db, VisitRecord) == 2
    _upload(staff_app, "visits", visits.replace(b"\n", b"\r\n"), "visits-again.csv")  # other bytes, same rows
    [warning] = [w.value for w in staff_app.warning]
    assert fill(CATALOGUE["staff.records_repeats"][0], dict(rows="2, 3")) == warning
    assert staff_app.button(key="upload_import").disabled
    assert staff_app.checkbox(key="upload_allow_repeats").label == CATALOGUE["staff.import_repeats"][0]
    staff_app.checkbox(key="upload_allow_repeats").check().run()
    staff_app.button(key="upload_import").click().run()
    check_no_exception(staff_app)
    assert _count(staff_db, VisitRecord) == 4


def test_english_labels_under_the_english_switch(staff_app, staff_db):
    sign_in(staff_app, "staff")
    staff_app.sidebar.radio[0].set_value("en").run()
    _upload(staff_app, "reports", records_csv("reports", ROWS["reports"]), "reports.csv")
    text = shown_text(staff_app)
    assert fill(CATALOGUE["staff.records_valid"][1], dict(rows=1, n=1)) in text and CATALOGUE["staff.submitted_on_note"][1] in text
    assert list(staff_app.dataframe[0].value.columns) == [CATALOGUE["common.row"][1], "credit_code", "month", "submitted_on"]
    kinds = staff_app.radio(key="upload_kind")
    assert {CATALOGUE["common.kind_practitioners"][1], CATALOGUE["common.kind_visits"][1]} <= set(kinds.options)
    staff_app.button(key="upload_import").click().run()
    assert fill(CATALOGUE["staff.records_imported"][1], dict(kind=CATALOGUE["common.kind_reports"][1], added=1, upload=1)) in \
        shown_text(staff_app)
    assert CATALOGUE["staff.imported_state"][1] in shown_text(staff_app)
    assert [b for b in staff_app.button if b.key == "upload_import"] == []  # stored: no second import


def test_the_page_is_titled_upload_files_and_offers_the_chosen_kind_s_template(staff_app, staff_db):
    sign_in(staff_app, "staff")
    open_page(staff_app, "upload")
    assert staff_app.title[0].value == CATALOGUE["staff.page_upload"][0] == "上传文件"
    for kind in ("findings", "visits", "reports", "roster"):
        staff_app.radio(key="upload_kind").set_value(kind).run()
        check_no_exception(staff_app)
        labels = [e.label for e in staff_app.expander]
        assert fill(CATALOGUE["staff.template_of"][0], dict(kind=CATALOGUE[f"common.kind_{kind}"][0])) in labels
    assert CATALOGUE["staff.roster_template_help"][0] in shown_text(staff_app)
    staff_app.radio(key="upload_kind").set_value("reports").run()
    assert CATALOGUE["staff.submitted_on_note"][0] in shown_text(staff_app)  # a report by post keeps its received date
