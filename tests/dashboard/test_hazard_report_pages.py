"""The 拒不整改报告 pages on the demo's reports, in both languages: the staff queue marks the overdue ones and a town
sees only its own; the staff home page counts the overdue ones; the public rules page counts without names."""

from __future__ import annotations

import pytest

from core import china_time
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.demo.hazard_reports import seed_hazard_reports
from db.demo.seed import DEMO_OPERATOR
from db.supervision import hazard_reports
from tests.builders import ACCOUNT_TOWN, MINE, OTHER_ACCOUNT_TOWN, THEIRS, make_agencies
from tests.dashboard.page_text import choose_section
from tests.dashboard.staff_helpers import (
    check_no_exception,
    open_page,
    shown_text,
    sign_in,
)


@pytest.fixture
def reports(staff_db):
    make_agencies(staff_db)
    seed_hazard_reports(engine=staff_db, by=DEMO_OPERATOR, agencies=[MINE, THEIRS],
                        towns=[ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, "青阳镇"], today=china_time.today(), seed=3)
    return hazard_reports.queue(engine=staff_db, user=DEMO_OPERATOR)


def _lang(at, lang: str):
    at.sidebar.radio[0].set_value(lang).run()
    return 0 if lang == "zh" else 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_bureau_sees_every_report_with_the_overdue_ones_marked_and_counted_on_its_home(staff_app, reports, lang):
    sign_in(staff_app, "admin")
    i = _lang(staff_app, lang)
    late = int(reports["overdue"].sum())
    assert late == 2
    warning = next(w.value for w in staff_app.warning if "#" in w.value)
    head, *lines = warning.split("  \n")
    assert head == fill(CATALOGUE["staff.hr_home_overdue"][i], {"count": late}) and len(lines) == late
    open_page(staff_app, "hazard_reports")
    check_no_exception(staff_app)
    headers = [e.label for e in staff_app.expander if "#" in e.label]  # not the paper report's
    assert len(headers) == len(reports)
    marked = [h for h in headers if h.startswith(CATALOGUE["staff.hr_overdue_line"][i])]
    assert len(marked) == late
    assert headers[:late] == marked  # overdue first


def test_a_town_sees_only_the_reports_addressed_to_it(staff_app, reports):
    sign_in(staff_app, "town")
    open_page(staff_app, "hazard_reports")
    check_no_exception(staff_app)
    own = reports[reports["addressee"] == ACCOUNT_TOWN]
    assert 0 < len(own) < len(reports)
    shown = [e.label.replace("\\", "") for e in staff_app.expander if "#" in e.label]
    assert len(shown) == len(own)
    assert all(f" → {ACCOUNT_TOWN} · " in label for label in shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_rules_page_counts_the_reports_per_town_and_names_no_enterprise(staff_app, reports, lang):
    staff_app.switch_page(PAGES["rules"][0]).run()
    _lang(staff_app, lang)
    check_no_exception(staff_app)
    assert CATALOGUE["public.hr_title"][0 if lang == "zh" else 1] not in [h.value for h in staff_app.subheader]
    choose_section(staff_app, "rules", "reports")  # drawn when chosen
    text = shown_text(staff_app)
    assert CATALOGUE["public.hr_title"][0 if lang == "zh" else 1] in text
    years = {d.year for d in reports["received_on"]}
    latest = max(years)
    table = staff_app.dataframe[-len(years)].value  # one table a year received, the newest first, at the page's end
    assert CATALOGUE["public.hr_year"][0 if lang == "zh" else 1].format(year=latest) in text
    total = table.iloc[-1].tolist()  # the year's total row, then the counts in PUBLIC_COLUMNS' order
    assert total[0] == CATALOGUE["public.hr_total"][0 if lang == "zh" else 1]
    assert int(total[1]) == sum(d.year == latest for d in reports["received_on"])
    for private in set(reports["enterprise_name"]) | set(reports["hazard"]):
        assert private not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_log_names_each_step_of_a_report_in_words(staff_app, reports, lang):
    sign_in(staff_app, "admin")
    i = _lang(staff_app, lang)
    open_page(staff_app, "audit")
    check_no_exception(staff_app)
    text = shown_text(staff_app)
    for code in ("hazard_report", "hazard_report_acknowledge", "hazard_report_close"):
        assert CATALOGUE[f"audit_term.{code}"][i] in text
    assert "hazard_report" not in text  # never the code
    assert CATALOGUE["common.hr_outcome_case"][i] in text  # the outcome in words in the before/after
