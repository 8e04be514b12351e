"""The permission table in db/accounts/roles.py is the only place that decides by role name."""

from __future__ import annotations

import ast
from pathlib import Path

from db.accounts.roles import AGENCY, ROLES

ROOT = Path(__file__).resolve().parents[2]
# Decision code: the services, the pages and the app. The table itself and the migrations may name roles.
SCANNED = [*sorted((ROOT / "db").rglob("*.py")), *sorted((ROOT / "dashboard").rglob("*.py")), ROOT / "streamlit_app.py"]
ALLOWED = {ROOT / "db" / "accounts" / "roles.py", *sorted((ROOT / "db" / "store" / "migrations").rglob("*.py"))}
ROLE_CONSTANTS = {"BUREAU_ADMIN", "BUREAU_STAFF", "TOWN_STAFF", "AGENCY"}
# "agency" is also an everyday key (texts, audit entities, page state): as a role it is flagged where a role is
# decided — compared, or passed to require_role or as role= — not everywhere it is written.
COMMON_WORD_ROLES = {AGENCY}


def _role_literal(node: ast.AST | None, strict: bool) -> bool:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_role_literal(e, strict) for e in node.elts)
    roles = set(ROLES) - (set() if strict else COMMON_WORD_ROLES)
    return isinstance(node, ast.Constant) and node.value in roles


def _decides_with_common_word(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
    elif isinstance(node, ast.Call):
        parts = [*node.args] if _name(node.func) == "require_role" else []
        parts += [k.value for k in node.keywords if k.arg == "role"]
    else:
        return False
    return any(isinstance(p, ast.Constant) and p.value in COMMON_WORD_ROLES or
               isinstance(p, (ast.Tuple, ast.List, ast.Set)) and any(
                   isinstance(e, ast.Constant) and e.value in COMMON_WORD_ROLES for e in p.elts) for p in parts)


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _offences(path: Path, root: Path = ROOT) -> list[str]:
    """Role names written as text, and comparisons with one role constant, in one file."""
    where = path.relative_to(root)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if _role_literal(node, strict=False) or _decides_with_common_word(node):
            found.append(f"{where}:{node.lineno}: role literal {getattr(node, 'value', '')!r}")
        if isinstance(node, ast.Compare) and any(_name(n) in ROLE_CONSTANTS for n in [node.left, *node.comparators]):
            found.append(f"{where}:{node.lineno}: decision by comparing with one role")
    return found


def test_no_role_name_decides_anything_outside_the_permission_table():
    offences = [o for path in SCANNED if path not in ALLOWED for o in _offences(path)]
    assert offences == []


def test_the_scan_sees_a_role_literal_and_a_role_comparison(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('require_role(user, "bureau_admin")\nif role == TOWN_STAFF:\n    pass\n', encoding="utf-8")
    assert sorted(_offences(sample, tmp_path)) == [
        "sample.py:1: role literal 'bureau_admin'", "sample.py:2: decision by comparing with one role"]


def test_the_scan_sees_the_agency_role_where_it_decides_but_not_as_an_everyday_key(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('t("agency")\nif user["role"] == "agency":\n    pass\ncreate_user(role="agency")\n'
                      'x = role in ("agency",)\nif role is AGENCY:\n    pass\n', encoding="utf-8")
    assert [o.split(":")[1] for o in sorted(_offences(sample, tmp_path))] == ["2", "4", "5", "6"]
