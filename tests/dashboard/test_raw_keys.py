"""No raw code on any staff or agency page (issue 22 item 1): every page, signed in as a bureau admin, a town clerk
and an agency, in both languages, over data like the demo's — service records with open and decided suggestions,
bureau and town findings with periods, a notice with objections (one upheld, so the audit log names it) — shows
`bureau`, `Q3`, `YE`, `Y`, `submitted_on`, `town_staff`, `user_create` or a month as `2026-02-01` only in words.
The check is shown to catch a key planted in a label."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core import china_time
from dashboard.agency.session import AGENCY_PAGES
from dashboard.staff.session import STAFF_PAGES
from dashboard.text import CATALOGUE
from db.accounts.actor import Actor
from db.findings.recording import record_finding
from db.findings.suggestions import confirm_suggestion, dismiss_suggestion, run_watch
from db.publishing.notice import open_notice
from db.publishing.objections import file_objection, resolve_objection
from tests.builders import ACCOUNT_TOWN as TOWN
from tests.builders import make_agency_user
from tests.dashboard.raw_keys import page_items, raw_keys
from tests.dashboard.staff_helpers import APP, TIMEOUT, check_no_exception, reachable, sign_in
from tests.db.queue_factory import A_NAME, AS_OF, YEAR, A, store_records

ADMIN = Actor.of({"username": "admin", "role": "bureau_admin"})
USERNAMES = ("admin", "staff", "town", "jia")  # tests/builders.make_staff's accounts, and the agency's
TOWN_CLERK = Actor.of({"username": "town", "role": "town_staff", "town": TOWN})


@pytest.fixture
def words_db(staff_db):
    """The queue's service records (visits without a contract, reports, 附件1), one suggestion confirmed and one
    dismissed, bureau and town findings of A (Q3, YE), A's account, the year under notice with two objections of A,
    one upheld."""
    store_records(staff_db)
    found = run_watch(engine=staff_db, year=YEAR, as_of=AS_OF)
    bureau = found[found["assessor"] == "bureau"].to_dict("records")
    confirm_suggestion(engine=staff_db, user=ADMIN, suggestion=bureau[0], year=YEAR)
    if len(bureau) > 1:
        dismiss_suggestion(engine=staff_db, user=ADMIN, suggestion=bureau[1], year=YEAR, reason="核实无误")
    ids = [record_finding(engine=staff_db, user=ADMIN, credit_code=A, agency_name=A_NAME, clause="2.1",
                          assessor="bureau", date=dt.date(YEAR, 3, 5))["id"]]
    for period, day in (("Q3", dt.date(YEAR, 8, 8)), ("YE", dt.date(YEAR, 12, 1))):
        ids.append(record_finding(engine=staff_db, user=TOWN_CLERK, credit_code=A, clause="2.2", assessor=TOWN,
                                  period=period, date=day)["id"])
    # A bureau finding nobody objected to: it stays in force, and the agency may still object to it.
    record_finding(engine=staff_db, user=ADMIN, credit_code=A, clause="2.3", assessor="bureau", date=dt.date(YEAR, 4, 9))
    agency = make_agency_user(staff_db, "jia", A)
    today = china_time.today()
    open_notice(engine=staff_db, by=Actor.operator("admin"), year=YEAR, ends_on=today + dt.timedelta(days=3),
                today=today - dt.timedelta(days=1))
    upheld = file_objection(engine=staff_db, user=agency, finding_id=ids[0], text="情况已整改")
    file_objection(engine=staff_db, user=agency, finding_id=ids[1], text="日期有误")
    resolve_objection(engine=staff_db, user=ADMIN, objection_id=upheld.id, uphold=True, reason="核实成立")
    return staff_db


def _run(at: AppTest, script: str, lang: str) -> AppTest:
    at.switch_page(script).run()
    if script == STAFF_PAGES["suggestions"][0]:  # the watched year, and one open suggestion with its evidence rows
        at.number_input(key="sq_year").set_value(YEAR).run()
        at.date_input(key="sq_as_of").set_value(AS_OF).run()
        picker = at.selectbox(key="sq_pick")
        if picker.options:
            picker.select_index(0).run()
    check_no_exception(at)
    return at


def choose_language(at: AppTest, lang: str) -> None:
    """The site's language switch, once after signing in (each page then reads in it)."""
    if at.sidebar.radio[0].value != lang:
        at.sidebar.radio[0].set_value(lang).run()


def pages_of(who: str) -> list[str]:
    if who == "jia":
        return [script for script, *_ in AGENCY_PAGES.values()]
    return []  # staff: the pages the session reaches (below)


def leaks(who: str, lang: str) -> dict[str, list[str]]:
    """Raw codes on each page `who` reaches, in `lang` (page → the codes found)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    sign_in(at, who)
    choose_language(at, lang)
    scripts = pages_of(who) or [STAFF_PAGES[key][0] for key in sorted(reachable(at))]
    out: dict[str, list[str]] = {}
    for script in scripts:
        found = raw_keys(page_items(_run(at, script, lang)), lang, data=USERNAMES)
        if found:
            out[script] = found
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("who", ["admin", "town", "jia"])
def test_no_raw_code_reaches_a_staff_or_agency_page(words_db, who, lang):
    assert leaks(who, lang) == {}


def test_the_pages_checked_show_the_coded_values_in_words(words_db):
    """Not vacuous: the agency's findings page shows the bureau, both periods and the month labels in words."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    sign_in(at, "jia")
    choose_language(at, "en")
    text = "\n".join(page_items(_run(at, AGENCY_PAGES["findings"][0], "en")))
    assert CATALOGUE["common.bureau"][1] in text and "Q3 (Jul–Sep)" in text and "Year-end (Nov–Mar)" in text
    assert CATALOGUE["common.rec_submitted_on"][0] not in text  # (evidence rows are staff-only)

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    sign_in(at, "admin")
    choose_language(at, "en")
    text = "\n".join(page_items(_run(at, STAFF_PAGES["suggestions"][0], "en")))
    # An open suggestion's evidence: the visit's columns under their labels, its month as people write it.
    assert all(CATALOGUE[k][1] in text for k in ("agency.report_month", "common.rec_submitted_on", "common.rec_client_code"))
    assert "Mar 2025" in text or "May 2025" in text
    text = "\n".join(page_items(_run(at, STAFF_PAGES["audit"][0], "en")))
    assert "upheld: the finding is withdrawn" in text and CATALOGUE["audit_term.objection_resolve"][1] in text
    assert CATALOGUE["role.town_staff"][1] in text  # the town clerk's account, created (its role in words)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_check_catches_a_raw_key_planted_in_a_label(words_db, monkeypatch, lang):
    # The bureau's label made its own code: the agency's findings page then shows `bureau` raw, and the check says so.
    monkeypatch.setitem(CATALOGUE, "common.bureau", ("bureau", "bureau"))
    found = leaks("jia", lang)
    assert AGENCY_PAGES["findings"][0] in found
    assert any(item.startswith("bureau") for item in found[AGENCY_PAGES["findings"][0]])


@pytest.mark.parametrize("text, lang", [
    ("bureau", "zh"), ("bureau", "en"), ("2025 · clause 2.1 · 2025-03-05 · bureau", "en"), ("Q3", "en"),
    ("第三季度", "zh"), ("YE", "zh"), ("Y", "en"), ("submitted_on", "en"), ("报送日期 submitted_on", "zh"),
    ("town_staff", "en"), ("账号（user_create）", "zh"), ("month", "en"), ("ends_on: 2026-12-10", "en"),
])
def test_the_check_tells_codes_from_words(text, lang):
    found = raw_keys([text], lang)
    assert bool(found) == (text != "第三季度"), found


@pytest.mark.parametrize("text", ["City bureau", "Q3 (Jul–Sep)", "Year-end (Nov–Mar)", "Whole year", "Submitted on",
                                  "For bureau and town staff only.", "Feb 2026", "2026年2月", "Town staff"])
def test_words_pass_the_check(text):
    assert raw_keys([text], "en") == []
