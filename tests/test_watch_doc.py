"""docs/watch.md is checked against the code: its rules and clauses, the as-of table, the settings and every worked
deadline are what core.watch and the rulebook do."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from core.rulebook import WATCH_FLAGS, WATCH_RULES, WatchRules, load_rulebook
from core.watch import DATE_KNOWN_BY, ROW_KNOWN_BY, SOURCE_ROWS_MAX, report_due_dates
from core.workdays import WorkCalendar

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "watch.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
RULES = load_rulebook().watch
FLAT = " ".join(DOC.split())  # the text with its line breaks as spaces, for phrases that wrap


def _table(after: str) -> list[list[str]]:
    """The rows of the first table after the heading line `after`, as cells (header and rule line left out)."""
    lines = DOC.split(after, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[2:]


def test_every_rule_is_stated_with_its_rulebook_clause():
    stated = {row[0]: row[1] for row in _table("## The rules")}
    assert list(stated) == list(WATCH_RULES)
    assert stated == RULES.clauses


def test_the_as_of_table_is_how_the_records_are_read():
    table = {row[0]: row for row in _table("## As known on the as-of day")}
    assert set(table) == set(ROW_KNOWN_BY)
    for kind, (_, rows, dates) in table.items():
        assert tuple(c.strip() for c in rows.split(",")) == ROW_KNOWN_BY[kind], kind
        assert tuple(c.strip() for c in dates.split(",") if c.strip()) == DATE_KNOWN_BY.get(kind, ()), kind


def test_the_numbers_and_the_setting_are_the_rulebooks():
    assert f"day {RULES.report_due_day} of the next month (`report_due_day`" in FLAT
    assert f"within {RULES.change_deadline_workdays} working days (`change_deadline_workdays`)" in FLAT
    assert f"shorter than {RULES.contract_min_months} months" in FLAT
    assert f"fewer than {RULES.visits_min_per_year} visits a year" in FLAT
    assert set(WATCH_FLAGS) == {"move_rest_day_deadlines"} and RULES.move_rest_day_deadlines
    assert "`move_rest_day_deadlines`, on by default" in FLAT
    assert WatchRules.__dataclass_fields__["move_rest_day_deadlines"].default is True


def test_every_worked_deadline_is_the_codes():
    calendar = WorkCalendar.default()
    rows = _table("Worked deadlines")
    assert len(rows) >= 6
    for what, rule_day, last in rows:
        if what.startswith("report of "):
            due = report_due_dates(pd.Series([pd.Timestamp(what.removeprefix("report of ") + "-01")]), RULES, calendar)
            assert due["nominal"].iat[0].date().isoformat() == rule_day, what
            assert due["due"].iat[0].date().isoformat() == last, what
        else:
            changed = dt.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", what).group())
            assert rule_day == f"{RULES.change_deadline_workdays} working days"
            assert calendar.after(changed, RULES.change_deadline_workdays).isoformat() == last, what


def test_every_rule_says_which_rows_it_shows_as_evidence():
    stated = [row[0].strip("`") for row in _table("## What a suggestion shows as evidence")]
    assert stated == list(WATCH_RULES)
    assert f"(`sources`, at most {SOURCE_ROWS_MAX} rows)" in FLAT


def test_the_readme_links_the_page():
    assert "docs/watch.md" in README
