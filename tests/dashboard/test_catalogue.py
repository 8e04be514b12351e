"""The one text catalogue: every key in Chinese and English, every key the pages name is in it, plurals by count."""

from __future__ import annotations

import re
import string
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard.i18n import fill
from dashboard.text import CATALOGUE, NAMESPACES

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
TESTS = ROOT / "tests"  # the tests name keys too: a key they name and the catalogue lacks is a test on nothing
# A whole key written in the code: `"staff.sign_in"`, or the fixed start of a built one: `f"staff.page_{key}"`.
_NAMESPACE = "|".join(NAMESPACES)
_KEY = re.compile(r"""(?<![\w.])f?["']((?:""" + _NAMESPACE + r""")\.\w*)(\{?)""")
# In the tests only what is looked up (`CATALOGUE["…"]`, `zh("…")`, `label("…")`): they hold user names like "staff.li" too.
_LOOKED_UP = re.compile(r"""(?:CATALOGUE\[|\b(?:zh|en|t|label)\()f?["']((?:""" + _NAMESPACE + r""")\.\w*)(\{?)""")


def catalogue_problems(catalogue: dict[str, tuple[str, ...]]) -> list[str]:
    """Each key missing a language, empty in one, or whose two languages name different placeholders."""
    problems = []
    for key, pair in catalogue.items():
        if len(pair) != 2 or not all(isinstance(text, str) and text.strip() for text in pair):
            problems.append(f"{key}: missing or empty in a language")
            continue
        names = [{f for _, f, spec, _ in string.Formatter().parse(text) if f and "|" not in (spec or "")}
                 for text in pair]  # `{n:row|rows}` only chooses a word: Chinese has no plural to choose
        if names[0] != names[1]:
            problems.append(f"{key}: placeholders {names[0]} in Chinese, {names[1]} in English")
    return problems


def keys_in_code() -> dict[str, set[str]]:
    """Every catalogue key the dashboard's code and tests write out → the files; a built key ends in its fixed
    start."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in [*DASHBOARD.rglob("*.py"), *TESTS.rglob("*.py")]:
        if path.parent.name == "text" or path.name == Path(__file__).name:
            continue
        pattern = _LOOKED_UP if path.is_relative_to(TESTS) else _KEY
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            built = match[2] or match[1].endswith(("_", "."))  # `"staff.draft_change_" + …` builds one too
            found[match[1] + ("*" if built else "")].add(path.name)
    return found


def test_every_key_has_chinese_and_english_with_the_same_placeholders():
    assert catalogue_problems(CATALOGUE) == []


def test_the_check_catches_a_planted_missing_or_empty_language():
    planted = {"staff.ok": ("保存", "Save"), "staff.no_english": ("保存",), "staff.empty": ("保存", " "),
               "staff.moved": ("共{n}条", "{count} entries")}
    assert catalogue_problems(planted) == [
        "staff.no_english: missing or empty in a language", "staff.empty: missing or empty in a language",
        "staff.moved: placeholders {'n'} in Chinese, {'count'} in English"]


def test_every_key_the_pages_name_is_in_the_catalogue():
    missing = []
    for key, files in sorted(keys_in_code().items()):
        known = any(k.startswith(key[:-1]) for k in CATALOGUE) if key.endswith("*") else key in CATALOGUE
        if not known:
            missing.append(f"{key} ({', '.join(sorted(files))})")
    assert missing == []
    assert len(keys_in_code()) > 500  # the scan reads the pages (a broken pattern would find nothing)
    assert any("test_staff_access.py" in files for files in keys_in_code().values())  # and the tests


def test_a_planted_unknown_key_in_a_page_is_caught(tmp_path, monkeypatch):
    page = tmp_path / "dashboard" / "pages" / "planted.py"
    page.parent.mkdir(parents=True)
    page.write_text('st.title(t("public.no_such_label"))\nst.caption(t("public.site_caption"))\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "DASHBOARD", tmp_path / "dashboard")
    monkeypatch.setattr(sys.modules[__name__], "TESTS", tmp_path / "tests")
    assert set(keys_in_code()) == {"public.no_such_label", "public.site_caption"}
    with pytest.raises(AssertionError, match="public.no_such_label"):
        test_every_key_the_pages_name_is_in_the_catalogue()


# Keyed by a code the data layer stores (an audit entry's field or action), looked up as it comes: a word there may
# also be a page's label without being written twice by choice.
BY_STORED_CODE = ("audit_field.", "audit_term.")


def test_a_pair_is_written_once_across_the_site():
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, pair in CATALOGUE.items():
        if not key.startswith(BY_STORED_CODE):
            where[pair].append(key)
    shared = {pair: keys for pair, keys in where.items() if len({k.split(".")[0] for k in keys}) > 1}
    assert shared == {}


@pytest.mark.parametrize(("n", "english"), [(1, "1 agency is rated"), (2, "2 agencies are rated"),
                                           (0, "0 agencies are rated"), ("1", "1 agency is rated")])
def test_plurals_follow_the_count(n, english):
    assert fill("{n} {n:agency is|agencies are} rated", {"n": n}) == english
    assert fill("{n}家机构参评", {"n": n}) == f"{n}家机构参评"


def test_a_text_without_values_is_left_as_written():
    assert fill("{not a placeholder}", {}) == "{not a placeholder}"
