"""Issue 19 items 7 and 8 on the staff pages: the publish page's population (count, sources, the shrink against last
year's publication, named) and the notice warnings before and after a write to a year under notice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core import china_time
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.findings.recording import record_finding
from db.publishing.notice import open_notice
from db.publishing.objections import file_objection
from db.store.models import Finding
from tests.builders import MINE, NAMES, THEIRS, credit_code, make_agencies, make_agency_user
from tests.dashboard.staff_helpers import APP, TIMEOUT, check_no_exception, errors, open_page, shown_text, sign_in
from tests.db.publishing import load_roster
from tests.db.queue_factory import A_NAME, YEAR, store_records
from tests.notices import publish_after_notice

TODAY = china_time.today()
ADMIN = Actor.of({"username": "admin", "role": "bureau_admin"})


def zh(key: str, **values) -> str:
    return fill(CATALOGUE[key][0], values)


def en(key: str, **values) -> str:
    return fill(CATALOGUE[key][1], values)


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def notice_of(engine, year: int = YEAR) -> dict:
    """Open `year`'s notice since yesterday until five days from now; the words the pages use for it."""
    notice = open_notice(engine=engine, by=Actor.operator("admin"), year=year, ends_on=TODAY + dt.timedelta(days=5),
                         today=TODAY - dt.timedelta(days=1))
    return {"year": year, "opened_on": notice.opened_on.isoformat(), "ends_on": notice.ends_on.isoformat()}


def population_table(at: AppTest):
    """The publish page's population table: the one with a sources column."""
    [frame] = [d.value for d in at.dataframe if zh("staff.col_sources") in d.value.columns]
    return frame


def dropped_table(at: AppTest):
    """The agencies of last year's publication not in this year: the table just after the population's."""
    frames = [d.value for d in at.dataframe]
    at_population = next(i for i, f in enumerate(frames) if zh("staff.col_sources") in f.columns)
    return frames[at_population + 1]


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def test_the_publish_page_shows_the_population_with_sources_and_names_who_dropped_out(staff_db):
    make_agencies(staff_db)
    load_roster(staff_db, [41, 42, 43], year=YEAR - 1)  # three agencies rated and published the year before
    publish_after_notice(engine=staff_db, year=YEAR - 1, by=Actor.operator("admin"))
    record_finding(engine=staff_db, user=ADMIN, credit_code=MINE, clause="2.1", assessor="bureau",
                   date=dt.date(YEAR, 3, 5))
    store_records(staff_db)  # the queue's records: agencies filed, contracted, visited in the year
    at = app()
    sign_in(at, "admin")
    open_page(at, "publish")
    at.selectbox(key="publish_year").select(YEAR).run()
    check_no_exception(at)
    population = population_table(at)
    codes = population[zh("staff.credit_code")].tolist()
    assert MINE in codes and len(codes) >= 2
    assert population.set_index(zh("staff.credit_code")).loc[MINE, zh("staff.col_sources")] == zh("staff.source_finding")
    assert any("、" in s for s in population[zh("staff.col_sources")])  # an agency known from several records
    assert zh("staff.population_count", year=YEAR, n=len(codes)) in shown_text(at)
    dropped = dropped_table(at)[zh("staff.credit_code")].tolist()
    from tests.builders import credit_code
    assert dropped == [credit_code(n) for n in (41, 42, 43)]
    # As many agencies as last year's three, but none of them: no shrink, yet the three are named.
    assert len(codes) == 3 and "少" not in warnings(at)
    assert zh("staff.population_dropped", dropped=3) in shown_text(at)


def test_the_shrink_warning_is_bilingual_and_absent_when_the_year_did_not_shrink(staff_db):
    make_agencies(staff_db)
    load_roster(staff_db, [41, 42], year=YEAR - 1)
    publish_after_notice(engine=staff_db, year=YEAR - 1, by=Actor.operator("admin"))
    load_roster(staff_db, [42])
    at = app()
    sign_in(at, "admin")
    open_page(at, "publish")
    at.selectbox(key="publish_year").select(YEAR).run()
    words = dict(year=YEAR, n=1, previous=YEAR - 1, count=2, dropped=1)
    assert zh("staff.population_shrank", **words) in warnings(at)
    assert dropped_table(at)[zh("staff.credit_code")].tolist() == [credit_code(41)]
    at.sidebar.radio[0].set_value("en").run()  # the site's language switch
    assert en("staff.population_shrank", **words) in warnings(at)
    load_roster(staff_db, [43])
    at.run()
    assert "Fewer agencies" not in warnings(at)
    assert en("staff.population_count", year=YEAR, n=2) in shown_text(at)


def test_recording_a_finding_of_a_year_under_notice_warns_before_and_after(staff_db):
    make_agencies(staff_db)
    record_finding(engine=staff_db, user=ADMIN, credit_code=MINE, clause="2.1", assessor="bureau",
                   date=dt.date(YEAR, 3, 5))
    words = notice_of(staff_db)
    at = app()
    sign_in(at, "staff")
    open_page(at, "record_finding")
    at.selectbox(key="finding_agency").select(THEIRS)
    at.date_input(key="finding_date").set_value(dt.date(YEAR, 5, 12))
    at.selectbox(key="finding_clause").select("3.3").run()
    check_no_exception(at)
    assert zh("staff.draft_change_new", **words) in warnings(at)  # before the write
    at.button(key="finding_save").click().run()
    assert errors(at) == []
    assert zh("staff.draft_changed_new", year=YEAR) in warnings(at)  # and after it
    at.date_input(key="finding_date").set_value(dt.date(YEAR + 1, 1, 12)).run()  # another year: no notice, no word
    assert zh("staff.draft_change_new", **words) not in warnings(at)


def test_confirming_a_suggestion_of_a_year_under_notice_warns_before_and_after(staff_db):
    store_records(staff_db)
    load_roster(staff_db, [1])
    words = notice_of(staff_db)
    at = app()
    sign_in(at, "staff")
    open_page(at, "suggestions")
    at.number_input(key="sq_year").set_value(YEAR).run()
    at.date_input(key="sq_as_of").set_value(dt.date(YEAR + 1, 6, 30)).run()
    box = at.selectbox(key="sq_pick")
    [option] = [o for o in box.options if A_NAME in o and "　3.2　" in o]
    box.select_index(box.options.index(option)).run()
    assert zh("staff.draft_change_new", **words) in warnings(at)
    at.button(key="sq_confirm").click().run()
    check_no_exception(at)
    assert zh("staff.draft_changed_new", year=YEAR) in warnings(at)


def test_upholding_an_objection_says_the_draft_changes_and_needs_no_new_notice_as_the_gate_says(staff_db):
    make_agencies(staff_db)
    make_agency_user(staff_db, "jia", MINE)
    record_finding(engine=staff_db, user=ADMIN, credit_code=MINE, clause="2.1", assessor="bureau",
                   date=dt.date(YEAR, 3, 5))
    words = notice_of(staff_db)
    with Session(staff_db) as session:
        finding_id = session.exec(select(Finding.id)).one()
    file_objection(engine=staff_db, user=Actor.of({"username": "jia", "role": "agency"}), finding_id=finding_id,
                   text="该项已整改")
    at = app()
    sign_in(at, "staff")
    open_page(at, "objections")
    assert zh("staff.draft_change_kept", **words) in warnings(at)
    [objection] = [b.key for b in at.button if b.key.startswith("objection_uphold_")]
    at.text_area(key=objection.replace("uphold", "reason")).input("整改材料属实").run()
    at.button(key=objection).click().run()
    check_no_exception(at)
    assert any(zh("staff.draft_changed_kept", year=YEAR) in s.value for s in at.success)
    assert zh("staff.draft_changed_new", year=YEAR) not in warnings(at)
    assert NAMES[MINE]  # the agency the finding was against


@pytest.mark.parametrize("key", ["draft_change_new", "draft_change_kept", "draft_changed_new", "draft_changed_kept",
                                 "population_shrank"])
def test_the_notice_and_population_words_exist_in_both_languages(key):
    zh_text, en_text = CATALOGUE[f"staff.{key}"]
    assert "公示" in zh_text or "机构" in zh_text
    assert "notice" in en_text or "agencies" in en_text.lower()


def test_importing_findings_of_a_year_under_notice_warns_on_the_preview_and_after_the_import(staff_db):
    from db.uploads.imports import import_findings
    from tests.db.publishing import load as _  # noqa: F401  (the same import path the page uses)
    from tests.db.test_workspace import BASE, MORE

    import_findings(engine=staff_db, content=BASE, file_name="base.csv", by=Actor.operator("test"))
    words = notice_of(staff_db, 2025)
    at = app()
    sign_in(at, "admin")
    open_page(at, "upload")
    at.file_uploader(key="upload_file").set_value(("more.csv", MORE, "text/csv")).run()
    check_no_exception(at)
    assert zh("staff.draft_change_new", **words) in warnings(at)  # on the preview, before the import
    at.button(key="upload_import").click().run()
    check_no_exception(at)
    assert zh("staff.draft_changed_new", year=2025) in warnings(at)


def test_the_publish_page_opens_on_the_latest_year_that_has_ended_not_the_running_one(staff_db):
    """A year's year-end assessment runs until 31 March of the next: the running year is offered, not chosen."""
    make_agencies(staff_db)
    load_roster(staff_db, [41], year=TODAY.year - 1)
    load_roster(staff_db, [42], year=TODAY.year)
    at = app()
    sign_in(at, "admin")
    open_page(at, "publish")
    check_no_exception(at)
    box = at.selectbox(key="publish_year")
    assert box.options[:2] == [str(TODAY.year), str(TODAY.year - 1)] and box.value == TODAY.year - 1
