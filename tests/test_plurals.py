"""Counts in English say `1 agency` and `2 agencies`, never `agency(s)` (issue 22 item 7): the catalogue's texts through
`{n:one|many}` and dashboard.i18n.fill, the messages built in core/ and db/ through core.text.counted and plural."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from core.text import counted, plural
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.uploads.repeats import warning_text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("core", "db", "dashboard") for p in (ROOT / folder).rglob("*.py"))
# "word(s)", "box(es)": the count left to the reader.
EITHER = re.compile(r"[A-Za-z]\((s|es)\)")
# A count placed right before a countable noun with no `{n:one|many}` for it (`{n} agencies`).
NOUNS = ("agencies", "findings", "objections", "rows", "entries", "months", "problems", "suggestions", "items",
         "versions", "visits", "times", "minutes", "points", "characters", "practitioners", "contracts", "runs")
BARE_COUNT = re.compile(r"\{(?!year\})\w+\} (" + "|".join(NOUNS) + r")\b")  # {year} contracts: a year, no count


def _strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    out, fstring = [], []
    for tok in tokens:  # Python 3.12 splits an f-string into parts; 3.11 gives one STRING token
        if tok.type == tokenize.STRING:
            out.append((tok.start[0], tok.string))
        elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            fstring.append((tok.start[0], tok.string))
    return out + fstring


def test_no_text_in_core_db_or_the_site_leaves_a_plural_as_s_in_brackets():
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:80]}" for path in SOURCES for line, text in _strings(path)
             if EITHER.search(text)]
    assert found == []


# `{exc.kind} rows`, `{year} findings`: a kind or a year before the noun, not a count; `at most {MAX} characters`,
# `{limit} characters`, `{ratio} times`: a limit (never 1) or a length over one.
NOT_COUNTS = re.compile(r"\{(?:[\w.]*kind|year|KIND_LABELS\[[^]]*\]|[A-Z_]+|limit|ratio|len\(text\))\}")
F_COUNT = re.compile(r"\{[^{}:]+\} (" + "|".join(NOUNS) + r")\b")


def test_no_message_built_in_core_or_db_puts_a_count_before_a_noun_without_its_plural():
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:90]}" for path in SOURCES if path.parts[-3:][0] != "dashboard"
             and "dashboard" not in path.relative_to(ROOT).parts for line, text in _strings(path)
             if F_COUNT.search(NOT_COUNTS.sub("", text))]
    assert found == []


def test_no_catalogue_text_says_s_in_brackets_or_a_count_without_its_plural():
    either = [key for key, pair in CATALOGUE.items() if any(EITHER.search(text) for text in pair)]
    bare = [f"{key}: {en}" for key, (_zh, en) in CATALOGUE.items() if BARE_COUNT.search(en)]
    assert either == [] and bare == []


def test_the_scan_sees_a_planted_s_in_brackets(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text('message = f"{n} finding(s) stored"\n', encoding="utf-8")
    assert any(EITHER.search(text) for _line, text in _strings(planted))
    assert BARE_COUNT.search("{n} agencies rated")


@pytest.mark.parametrize("n, words", [(1, "1 agency"), (2, "2 agencies"), (0, "0 agencies")])
def test_a_count_of_agencies_reads_in_the_singular_only_for_one(n, words):
    assert f"({words})" in fill(CATALOGUE["staff.all_ratings"][1], {"n": n})
    assert fill(CATALOGUE["public.find_unrated"][1], {"n": n}).startswith(
        f"{n} more {'agency has' if n == 1 else 'agencies have'}")


def test_core_counts_its_words():
    assert counted(1, "finding", "findings") == "1 finding"
    assert counted(3, "finding", "findings") == "3 findings"
    assert plural(0, "is", "are") == "are"


def test_the_repeats_warning_counts_in_english():
    import pandas as pd

    one = warning_text(pd.DataFrame({"row": [4]}))[1]
    two = warning_text(pd.DataFrame({"row": [4, 7]}))[1]
    assert one.startswith("1 finding in this file is identical") and "row 4." in one
    assert two.startswith("2 findings in this file are identical") and "rows 4, 7." in two
