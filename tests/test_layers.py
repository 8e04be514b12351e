"""The layer contract (.importlinter, docs/architecture.md) holds, a planted breach is caught, no private name crosses files."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "db", "dashboard")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """`lint-imports` over the packages in `tree` with its .importlinter."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
               "sys.exit(lint_imports_command())", "--no-cache"]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def copy_tree(target: Path) -> Path:
    """The packages' Python files and the contract, copied: a place to plant a breach without touching the repo."""
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            destination = target / source.relative_to(ROOT)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    shutil.copyfile(ROOT / ".importlinter", target / ".importlinter")
    return target


def test_the_repository_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "planted", "contract"), [
    ("core/values.py", "import db.store.engine", "core is a pure library"),
    ("db/store/engine.py", "import streamlit", "db imports no Streamlit"),
    ("dashboard/pages/ratings.py", "from db.store.models import Agency", "pages hold no SQL"),
    ("db/documents/cells.py", "import db.publishing.publish", "db's folders in order"),
    ("db/store/inserts.py", "import db.accounts.roles", "db's folders in order"),
])
def test_a_planted_breach_is_named(tmp_path, module, planted, contract):
    tree = copy_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{planted}  # planted\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken and "planted" not in result.stderr


def private_imports(path: Path) -> list[str]:
    """`from project.module import _name` lines of one file: a private name used outside the file that defines it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_no_private_name_is_imported_across_files():
    # benchmarks/ holds throw-away probes of the reader's internals; the product and its tests do not.
    files = [p for d in (*PACKAGES, "tests") for p in (ROOT / d).rglob("*.py")] + [ROOT / "streamlit_app.py"]
    assert [line for path in files for line in private_imports(path)] == []
