"""The README and docs/ are checked: set-up stays two commands, the README stays short and links every page, the
settings table names every setting with its default, and the role table is `PERMISSIONS` (the command lines:
tests/test_cli_doc.py)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

import db.cli.commands
from core.cli_common import DEBUG
from core.limits import LIMITS
from core.setting import Whole, markdown_table
from db.accounts.roles import PERMISSIONS, ROLES
from db.store.settings import APP_SETTINGS, settings_markdown

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO
README = (REPO / "README.md").read_text(encoding="utf-8")
STAFF_GUIDE = (REPO / "docs" / "staff-guide.md").read_text(encoding="utf-8")
AGENCY_GUIDE = (REPO / "docs" / "agency-guide.md").read_text(encoding="utf-8")
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


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


GENERATED = re.compile(r"<!-- generated from ([\w.]+) .*?-->\n(.*?)\n<!-- end of generated table -->", re.S)


def _generated_tables() -> dict[str, list[str]]:
    """Every generated table in the README and docs/, by what it is generated from."""
    found: dict[str, list[str]] = {}
    for doc in DOCS:
        for source, text in GENERATED.findall(doc.read_text(encoding="utf-8")):
            found.setdefault(source, []).append(text)
    return found


@pytest.mark.parametrize(("source", "expected"), [("core.limits.LIMITS", markdown_table(LIMITS)),
                                                  ("db.store.settings.Settings", settings_markdown())])
def test_the_docs_list_every_setting_as_declared_once_with_its_default(source, expected):
    """The settings tables are generated from the declarations: a setting missing, added or with another default or
    range fails here (paste the table this prints)."""
    assert _generated_tables().get(source) == [expected], f"the table generated from {source}:\n{expected}"


def test_every_setting_is_in_a_generated_table():
    names = {s.name for s in (*LIMITS, *APP_SETTINGS, DEBUG)}
    assert {"DATABASE_URL", "SEED_DEMO", "DATA_DIR", "LISTING_TERM_MONTHS", "REPAIR_MINIMUM_MONTHS",
            "NOTICE_WORKING_DAYS", "SESSION_IDLE_SECONDS", "MAX_READ_MEMORY_MB", "CORE_DEBUG"} <= names
    tables = "\n".join(text for texts in _generated_tables().values() for text in texts)
    assert [n for n in sorted(names) if f"| `{n}` |" not in tables] == []


def test_a_default_stated_in_prose_is_the_declared_one():
    """`NAME` (default N …) anywhere in the README or docs/ says the declared default, in the declared unit."""
    wholes = {s.name: s.default for s in (*LIMITS, *APP_SETTINGS) if isinstance(s, Whole)}
    stated = [(doc.name, name, int(number.replace(",", ""))) for doc in DOCS for name, number in re.findall(
        r"`([A-Z_]+)`\s*[(,]\s*default\s+([0-9][0-9,]*)", doc.read_text(encoding="utf-8"))]
    assert {name for _, name, _ in stated} >= {"SESSION_IDLE_SECONDS", "LISTING_TERM_MONTHS"}
    assert [(doc, name, n) for doc, name, n in stated if wholes.get(name) != n] == []


def test_core_db_and_the_dashboard_read_the_environment_only_through_the_declared_settings():
    """No setting read on the side: core.setting reads os.environ for every declared setting; core.isolation only
    sets the fork server's own environment."""
    allowed = {ROOT / "core" / "setting.py", ROOT / "core" / "isolation.py", ROOT / "db" / "store" / "settings.py"}
    sources = [ROOT / "streamlit_app.py", *(p for folder in ("core", "db", "dashboard") for p in (ROOT / folder).rglob("*.py"))]
    reads = [str(p.relative_to(ROOT)) for p in sources if p not in allowed
             and re.search(r"os\.environ|os\.getenv|getenv\(", p.read_text(encoding="utf-8"))]
    assert reads == []


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


def test_every_benchmark_is_described_in_the_performance_page():
    performance = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in (REPO / "benchmarks").glob("*.py"))
    assert {"bench_publish.py", "bench_site.py"} <= set(scripts)
    assert [s for s in scripts if s.removesuffix(".py") not in performance] == []
