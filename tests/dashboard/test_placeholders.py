"""Every drop-down that can show an empty choice gives its own placeholder: Streamlit's default is English only."""

from __future__ import annotations

import ast
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _without_placeholder(path: Path) -> list[str]:
    # A selectbox shows its placeholder only with index=None; a multiselect shows it whenever nothing is chosen.
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        empty = node.func.attr == "multiselect" or (
            node.func.attr == "selectbox" and isinstance(keywords.get("index"), ast.Constant)
            and keywords["index"].value is None)
        if empty and "placeholder" not in keywords:
            found.append(f"{path.relative_to(DASHBOARD.parent)}:{node.lineno}")
    return found


def test_every_empty_choice_has_a_translated_placeholder():
    assert [line for path in sorted(DASHBOARD.rglob("*.py")) for line in _without_placeholder(path)] == []
