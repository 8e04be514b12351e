"""The README is checked: every command, subcommand and setting is documented, and set-up stays two commands."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import core.cli
import db.cli.commands
from core.limits import ENVIRONMENT

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SETTINGS_SOURCE = (Path(__file__).resolve().parents[1] / "db" / "store" / "settings.py").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_core_subcommand_is_in_the_readme():
    names = subcommands(core.cli._parser())
    assert names == ["explain", "rate", "template", "watch"]
    assert [n for n in names if f"python -m core {n}" not in README] == []


def test_every_db_subcommand_is_in_the_readme():
    names = subcommands(db.cli.commands.build_parser())
    assert {"import", "publish", "export", "verify", "create-user"} <= set(names)
    assert [n for n in names if not re.search(rf"python -m db {re.escape(n)}\b", README)] == []


def test_every_import_kind_is_in_the_readme():
    parser = db.cli.commands.build_parser()
    import_parser = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)][0].choices["import"]
    kinds = next(a.choices for a in import_parser._actions if a.dest == "kind")
    assert {"findings", "roster", "registry", "practitioners", "changes", "contracts", "visits", "reports"} <= set(kinds)
    assert [k for k in kinds if k != "findings" and not re.search(rf"--kind [a-z|]*\b{k}\b", README)] == []


def test_every_setting_read_from_the_environment_is_in_the_readme():
    settings = set(re.findall(r'env\.get\("([A-Z_]+)"', SETTINGS_SOURCE))
    assert {"DATABASE_URL", "SEED_DEMO", "DATA_DIR"} <= settings
    assert [s for s in sorted(settings) if f"`{s}" not in README] == []


def test_every_read_limit_setting_is_in_the_readme():
    assert [s for s in ENVIRONMENT if f"`{s}`" not in README] == []


def test_set_up_is_exactly_two_commands_one_starts_the_app_one_runs_the_tests():
    set_up = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", set_up, flags=re.S)
    assert len(commands) == 2
    assert "requirements.txt" in commands[0] and "streamlit run streamlit_app.py" in commands[0]
    assert "requirements-dev.txt" in commands[1] and "pytest" in commands[1]
    assert commands[1] in (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
