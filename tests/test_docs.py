"""The README and docs/ are checked: set-up stays two commands, the README stays short and links every page, the
settings table names every setting with its default, and the role table is `PERMISSIONS` (the command lines:
tests/test_cli_doc.py)."""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import db.cli.commands
from core.limits import ENVIRONMENT, ReadLimits
from db.accounts.roles import PERMISSIONS, ROLES
from db.store.settings import Settings

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
OPERATIONS = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
STAFF_GUIDE = (REPO / "docs" / "staff-guide.md").read_text(encoding="utf-8")
AGENCY_GUIDE = (REPO / "docs" / "agency-guide.md").read_text(encoding="utf-8")
SETTINGS_SOURCE = (REPO / "db" / "store" / "settings.py").read_text(encoding="utf-8")


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first table after the line `heading`, as cells (header row kept, rule line left out)."""
    lines = text.split(f"\n{heading}\n", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return [rows[0], *rows[2:]]


def test_the_readme_is_short_and_links_every_page_of_the_docs():
    assert len(README.splitlines()) <= 150
    pages = sorted(p.name for p in (REPO / "docs").glob("*.md"))
    assert {"architecture.md", "operations.md", "staff-guide.md", "agency-guide.md", "cli.md", "performance.md",
            "open-data.md", "scoring.md", "watch.md", "listings.md"} <= set(pages)
    assert [p for p in pages if f"(docs/{p})" not in README] == []
    assert [p for p in pages if (REPO / "docs" / p).read_text(encoding="utf-8").startswith("# ") is False] == []


def test_set_up_is_exactly_two_commands_one_starts_the_app_one_runs_the_tests():
    set_up = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", set_up, flags=re.S)
    assert len(commands) == 2
    assert "requirements.txt" in commands[0] and "streamlit run streamlit_app.py" in commands[0]
    assert "requirements-dev.txt" in commands[1] and "pytest" in commands[1]
    assert commands[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_import_kind_has_its_file_described_for_the_agencies():
    parser = db.cli.commands.build_parser()
    import_parser = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)][0].choices["import"]
    kinds = next(a.choices for a in import_parser._actions if a.dest == "kind")
    assert {"findings", "roster", "registry", "practitioners", "changes", "contracts", "visits", "reports"} <= set(kinds)
    described = [row[0].split("`")[1] for row in _table(AGENCY_GUIDE, "## The six service-record files")[1:]]
    assert described == [k for k in kinds if k not in ("findings", "roster")]


def _settings_table() -> dict[str, str]:
    return {row[0].strip("`"): row[1] for row in _table(OPERATIONS, "## Settings")[1:]}


def test_the_settings_table_names_every_setting_and_no_other():
    # Every variable name the settings module spells, whether read directly or handed to a parser of months or days.
    read = set(re.findall(r'"([A-Z][A-Z0-9_]{2,})"', SETTINGS_SOURCE))
    assert {"DATABASE_URL", "SEED_DEMO", "DATA_DIR", "SESSION_IDLE_SECONDS", "LISTING_TERM_MONTHS"} <= read
    assert set(_settings_table()) == read | set(ENVIRONMENT)


def test_the_settings_table_gives_each_whole_number_default():
    table = _settings_table()
    limits = ReadLimits()
    for name, (field, unit) in ENVIRONMENT.items():
        assert table[name].replace(",", "") == str(getattr(limits, field) // unit), name
    numbers = {f.name.upper(): f.default for f in dataclasses.fields(Settings) if isinstance(f.default, int)}
    assert {"SESSION_IDLE_SECONDS", "LISTING_TERM_MONTHS", "NOTICE_WORKING_DAYS"} <= set(numbers)
    for name, default in numbers.items():
        assert table[name].replace(",", "") == str(default), name


def test_the_role_table_is_the_permissions_table():
    header, *rows = _table(STAFF_GUIDE, "## Signing in and roles")
    roles = [cell.split("`")[1] for cell in header[2:]]
    assert roles == list(ROLES)
    assert [cell.split(" ", 1)[1] for cell in header[2:]] == [zh for zh, _ in ROLES.values()]
    documented = {row[0].strip("`"): tuple(role for role, cell in zip(roles, row[2:], strict=True) if cell == "✓")
                  for row in rows}
    assert all(cell in ("✓", "") for row in rows for cell in row[2:])
    assert documented == {action: tuple(r for r in roles if r in allowed) for action, allowed in PERMISSIONS.items()}
    assert "town_staff" in PERMISSIONS["work_suggestions"]  # the row the old README had lost
