"""docs/scoring.md is checked: its worked example is rated through core, and nothing cites the team's working notes."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from core.rating import rate
from core.reader import read_findings
from core.rulebook import load_rulebook

REPO = Path(__file__).resolve().parents[1]
SCORING = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
CODE = "91320281MA1MA1234K"
# Working notes that stay outside the repository; spelled in pieces so this file does not mention them itself.
WORKING_NOTES = re.compile(r"\b" + "SP" + "EC" + r"\b|\.\./" + "shared")
SKIPPED_DIRS = {".git", "__pycache__", ".ruff_cache", ".pytest_cache", ".venv", "node_modules", "data", "test-output",
                "out"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yaml", ".yml", ".json", ".sh", ".csv", ""}


def _worked_example() -> list[dict[str, str]]:
    """The rows of the worked example's table, as {header: cell}."""
    after = SCORING.split("**Worked example.**", 1)[1].splitlines()
    start = next(i for i, line in enumerate(after) if line.startswith("|"))
    table = itertools.takewhile(lambda line: line.startswith("|"), after[start:])
    header, _rule, *rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table]
    return [dict(zip(header, row, strict=True)) for row in rows]


def _number(pattern: str) -> tuple[str, ...]:
    found = re.search(pattern, SCORING)
    assert found, f"docs/scoring.md no longer says {pattern!r}"
    return found.groups()


@pytest.fixture(scope="module")
def example():
    rows = _worked_example()
    csv = "统一社会信用代码,机构名称,条款,评定单位,考核期,日期\n" + "".join(
        f"{CODE},机构X,{r['clause']},{r['assessor']},{r['period']},{r['date']}\n" for r in rows)
    rating = rate(read_findings(csv.encode(), name="example.csv"), year=2025)
    return rows, rating


def test_the_worked_example_charges_each_finding_as_the_doc_says(example):
    rows, rating = example
    assert len(rows) == 6
    explained = rating.explanation.set_index("row").sort_index()
    for i, row in enumerate(rows, 2):  # the file's data start on row 2
        got = explained.loc[i]
        assert (int(got["points_nominal"]), int(got["points_charged"])) == (int(row["nominal"]), int(row["charged"])), row


def test_the_worked_example_shows_what_is_left_of_each_period_after_each_finding(example):
    rows, rating = example
    points = {p.key: p.points for b in load_rulebook().buckets for p in b.periods}
    spent: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r["date"]):
        spent[row["period"]] = spent.get(row["period"], 0) + int(row["charged"])
        assert points[row["period"]] - spent[row["period"]] == int(row["period left"]), row


def test_the_worked_example_totals_and_grade_are_what_core_rates(example):
    _rows, rating = example
    agency = rating.agency(CODE)
    town_lost, town = _number(r"Town bucket:.*?→ 50 − (\d+) = (\d+)")
    bureau_lost, bureau = _number(r"Bureau bucket: 50 − (\d+) = (\d+)")
    total, grade = _number(r"Total (\d+) → grade (\w+)")
    (charged,) = _number(r"charged points sum to 100 − \d+ = (\d+)")
    assert (agency["town_score"], agency["bureau_score"]) == (int(town), int(bureau))
    assert (50 - int(town_lost), 50 - int(bureau_lost)) == (int(town), int(bureau))
    assert (agency["total"], agency["grade"]) == (int(total), grade)
    assert int(rating.explain(CODE)["points_charged"].sum()) == int(charged) == 100 - int(total)


def test_the_readme_links_the_scoring_rules():
    assert "(docs/scoring.md)" in README


def _project_text_files() -> list[Path]:
    files = []
    for path in REPO.rglob("*"):
        parts = set(path.relative_to(REPO).parts)
        if path.is_file() and not parts & SKIPPED_DIRS and path.suffix in TEXT_SUFFIXES \
                and path.relative_to(REPO).parts[:2] != ("docs", "regulation"):
            files.append(path)
    return files


def test_no_file_of_the_project_cites_the_team_working_notes():
    files = _project_text_files()
    assert REPO / "README.md" in files and REPO / "core" / "placement.py" in files
    citing = [str(p.relative_to(REPO)) for p in files
              if WORKING_NOTES.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert citing == []


# --- "An agency serving several towns": the worked example per town, rated through the core ----------------------

def _towns_table() -> list[dict[str, str]]:
    after = SCORING.split("**Worked example, per town.**", 1)[1].splitlines()
    start = next(i for i, line in enumerate(after) if line.startswith("|"))
    table = itertools.takewhile(lambda line: line.startswith("|"), after[start:])
    header, _rule, *rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table]
    return [dict(zip(header, row, strict=True)) for row in rows]


def _served() -> pd.DataFrame:
    return pd.DataFrame([{"credit_code": CODE, "town": r["town"], "contracts": int(r["contracts"])}
                         for r in _towns_table()])


@pytest.mark.parametrize(("weights", "words"), [("equal", "equal weights"), ("contracts", "contract weights")])
def test_the_per_town_example_is_what_core_rates(example, weights, words):
    rows, _pooled = example
    findings = read_findings(("统一社会信用代码,机构名称,条款,评定单位,考核期,日期\n" + "".join(
        f"{CODE},机构X,{r['clause']},{r['assessor']},{r['period']},{r['date']}\n" for r in rows)).encode(),
        name="example.csv")
    book = load_rulebook().with_town_reading("per_town", weights)
    rating = rate(findings, year=2025, rulebook=book, towns_served=_served())
    own = dict(zip(rating.towns["town"], rating.towns["score"], strict=True))
    assert own == {r["town"]: int(r["its own score"]) for r in _towns_table()}
    town, total, grade = _number(rf"Per town, {words}: .*?→ (\d+); total \1 \+ 35 = (\d+) → grade (\w+)")
    agency = rating.agency(CODE)
    assert (agency["town_score"], agency["total"], agency["grade"]) == (int(town), int(total), grade)
    # The town's findings as the table lists them (clause, period, nominal) are the ones core charges to it.
    for r in _towns_table():
        listed = re.findall(r"(\d\.\d) \((Q\d|YE), (\d+)\)", r["its findings"])
        charged = rating.explanation[rating.explanation["assessor"] == r["town"]]
        assert sorted(listed) == sorted(zip(charged["clause"], charged["period"], charged["points_nominal"].astype(str),
                                            strict=True))


def test_the_per_town_example_names_the_reference_a_published_version_stores():
    for weights in ("equal", "contracts"):
        reference = load_rulebook().with_town_reading("per_town", weights).reference
        assert f"`{reference}`" in SCORING or f"`#{reference.split('#')[1]}`" in SCORING
