"""`python -m core …` run as a user runs it: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.rulebook import load_rulebook
from tests.builders import credit_code
from tests.refusals import assert_bilingual_refusal

REPO = Path(__file__).resolve().parents[2]
SINGLE_BUCKET = Path(__file__).parent / "rulebooks" / "single-bucket.toml"
HEADER = "credit_code,agency_name,year,town_score,bureau_score,total,grade,blacklist_clauses"
FILE_HEADER = ["credit_code", "agency_name", "clause", "assessor", "period", "date", "year", "practitioner"]


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m core ARGS`, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "core", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120, env={**os.environ, **(env or {})},
    )


def write_csv(path: Path, rows: list[list[str]], header: list[str] = FILE_HEADER, encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


@pytest.fixture
def findings_file(tmp_path) -> Path:
    """Three agencies over 2024 and 2025: one loses 20 in 2025, one is blacklisted, one is only in 2024."""
    return write_csv(tmp_path / "findings.csv", [
        [credit_code(1), "澄江安全咨询有限公司", "二（五）", "澄江", "一季度", "2025-02-10", "", ""],
        [credit_code(1), "澄江安全咨询有限公司", "2.1", "澄江街道", "Q1", "2025-03-01", "", ""],
        [credit_code(1), "澄江安全咨询有限公司", "3-3", "市应急管理局", "", "2025-06-01", "", ""],
        [credit_code(1), "澄江安全咨询有限公司", "3.4", "bureau", "", "2025-09-01", "", ""],
        [credit_code(2), "华士技术服务有限公司", "一（三）", "bureau", "", "2025/4/1", "", "王五"],
        [credit_code(3), "周庄安全科技有限公司", "2.5", "周庄镇", "YE", "2024-12-20", "", ""],
    ])


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_rate_prints_specs_csv_for_the_latest_year_by_default(findings_file):
    result = run("rate", findings_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == HEADER
    rows = parse_csv(result.stdout)
    assert [(r["credit_code"], r["year"], r["town_score"], r["bureau_score"], r["total"], r["grade"],
             r["blacklist_clauses"]) for r in rows] == [
        (credit_code(1), "2025", "40", "40", "80", "B", ""),
        (credit_code(2), "2025", "50", "50", "100", "BLACKLIST", "1.3"),
    ]
    assert rows[0]["agency_name"] == "澄江安全咨询有限公司"
    assert result.stderr == ""


def test_rate_rates_the_year_asked_for(findings_file):
    result = run("rate", findings_file, "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert [(r["credit_code"], r["year"], r["total"]) for r in parse_csv(result.stdout)] == [(credit_code(3), "2024", "90")]


def test_rate_with_a_roster_rates_agencies_without_findings_100_a(findings_file, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [[credit_code(4), "申港安全服务有限公司"]], header=["统一社会信用代码", "机构名称"])
    rows = parse_csv(run("rate", findings_file, "--roster", roster).stdout)
    assert [(r["credit_code"], r["agency_name"], r["total"], r["grade"]) for r in rows][-1] == (
        credit_code(4), "申港安全服务有限公司", "100", "A",
    )


def test_rate_prints_json(findings_file):
    result = run("rate", findings_file, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == HEADER.split(",")
    assert rows[1] == {
        "credit_code": credit_code(2), "agency_name": "华士技术服务有限公司", "year": 2025, "town_score": 50,
        "bureau_score": 50, "total": 100, "grade": "BLACKLIST", "blacklist_clauses": "1.3",
    }


def test_rate_prints_an_aligned_table(findings_file):
    result = run("rate", findings_file, "--format", "table")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == HEADER.split(",")
    assert set(lines[1]) == {"-", " "}
    assert credit_code(1) in lines[2] and "澄江安全咨询有限公司" in lines[2] and lines[2].split()[-2:] == ["80", "B"]
    # Chinese names take two columns each: the `year` column starts at the same terminal column on every row.
    from core.output import display_width
    starts = {display_width(line[: line.index("2025")]) for line in lines[2:]}
    assert len(starts) == 1


def test_rate_with_another_rulebook_file_uses_its_buckets(tmp_path):
    findings = write_csv(tmp_path / "f.csv", [[credit_code(1), "甲公司", "2.1", "bureau", "", "2025-02-10", "", ""]])
    result = run("rate", findings, "--rulebook", SINGLE_BUCKET)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "credit_code,agency_name,year,points_score,total,grade,blacklist_clauses"
    assert lines[1].endswith(",80,80,B,")


def assert_refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    return result.stderr


def test_a_bad_file_exits_2_with_every_problem_on_stderr_and_nothing_on_stdout(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [
        [credit_code(1), "甲公司", "2.5", "澄江", "Q1", "2025-02-10", "", ""],
        [credit_code(1)[:-1] + "X", "甲公司", "2.5", "澄江", "Q1", "2025-02-10", "", ""],
        [credit_code(2), "乙公司", "9.9", "澄江", "Q1", "2025-02-10", "", ""],
    ])
    stderr = assert_refused(run("rate", bad))
    assert "row 3" in stderr and "credit_code" in stderr
    assert "row 4" in stderr and "clause" in stderr


def test_a_missing_file_exits_2(tmp_path):
    stderr = assert_refused(run("rate", tmp_path / "nowhere.csv"))
    assert "file not found" in stderr and "找不到文件" in stderr


def test_a_folder_instead_of_a_file_exits_2(tmp_path):
    assert "cannot read" in assert_refused(run("rate", tmp_path))


def test_a_file_that_is_not_a_table_exits_2(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01not a workbook at all\xff")
    assert_refused(run("rate", junk))


def test_an_unknown_year_exits_2(findings_file):
    stderr = assert_refused(run("rate", findings_file, "--year", "2019"))
    assert "2019" in stderr and "2024, 2025" in stderr


def test_a_malformed_rulebook_exits_2(findings_file, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(SINGLE_BUCKET.read_text(encoding="utf-8").replace("min = 70", "min = 72"), encoding="utf-8")
    stderr = assert_refused(run("rate", findings_file, "--rulebook", broken))
    assert "gap" in stderr


def test_a_rulebook_problem_and_a_missing_file_are_reported_together(tmp_path):
    stderr = assert_refused(run("rate", tmp_path / "nowhere.csv", "--rulebook", "atlantis-2031"))
    assert "atlantis-2031" in stderr and "file not found" in stderr


def test_a_usage_error_exits_2_without_stdout(findings_file):
    assert_refused(run("rate", findings_file, "--format", "pdf"))


def test_explain_shows_total_grade_and_every_finding(findings_file):
    result = run("explain", credit_code(1), findings_file)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "80" in out and "B 良好" in out
    assert load_rulebook().clause("2.5").text_zh in out and load_rulebook().clause("2.1").text_zh in out
    table = out.splitlines()[out.splitlines().index("") + 1:]
    charged = [line.split()[-2:] for line in table[2:]]
    assert charged == [["10", "10"], ["10", "0"], ["5", "5"], ["5", "5"]]


def test_explain_prints_csv_and_json(findings_file):
    rows = parse_csv(run("explain", credit_code(1).lower(), findings_file, "--format", "csv").stdout)
    assert [(r["clause"], r["period"], r["points_nominal"], r["points_charged"]) for r in rows] == [
        ("2.5", "Q1", "10", "10"), ("2.1", "Q1", "10", "0"), ("3.3", "Y", "5", "5"), ("3.4", "Y", "5", "5"),
    ]
    assert {r["total"] for r in rows} == {"80"}
    data = json.loads(run("explain", credit_code(2), findings_file, "--format", "json").stdout)
    assert (data["total"], data["grade"], data["blacklist_clauses"]) == (100, "BLACKLIST", "1.3")
    assert [(f["clause"], f["points_charged"]) for f in data["findings"]] == [("1.3", 0)]


def test_explain_refuses_an_invalid_code(findings_file):
    stderr = assert_refused(run("explain", "91320281000000001X", findings_file))
    assert "invalid credit code" in stderr


def test_explain_refuses_a_code_not_in_the_file(findings_file):
    stderr = assert_refused(run("explain", credit_code(7), findings_file))
    assert credit_code(7) in stderr


def test_template_writes_an_xlsx_with_chinese_headers_and_a_second_sheet(tmp_path):
    from openpyxl import load_workbook

    from core.schema import FINDINGS_FILE_COLUMNS
    from core.template import FINDINGS_SHEET, LISTS_SHEET, NOTES_SHEET

    out = tmp_path / "模板.xlsx"
    result = run("template", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    book = load_workbook(out)
    first = book.worksheets[0]
    assert [c.value for c in first[1]][: len(FINDINGS_FILE_COLUMNS)] == [c.label_zh for c in FINDINGS_FILE_COLUMNS]
    assert book.sheetnames == [FINDINGS_SHEET, LISTS_SHEET, NOTES_SHEET]  # the findings, their lists, the notes


def test_template_writes_csv_when_asked(tmp_path):
    out = tmp_path / "template.txt"
    assert run("template", "--format", "csv", out).returncode == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[:3] == ["统一社会信用代码", "机构名称", "条款"]


def test_template_into_a_missing_folder_exits_2(tmp_path):
    assert "does not exist" in assert_refused(run("template", tmp_path / "no" / "t.xlsx"))


def test_rating_a_csv_file_never_imports_openpyxl(findings_file):
    # Start-up time counts: openpyxl is only for XLSX input and the template.
    code = (
        "import sys; from core.cli import main; main(['rate', sys.argv[1]]); "
        "sys.stderr.write('openpyxl loaded' if 'openpyxl' in sys.modules else 'openpyxl not loaded')"
    )
    result = subprocess.run([sys.executable, "-c", code, str(findings_file)], cwd=REPO, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.stderr == "openpyxl not loaded"


def test_a_year_end_finding_dated_in_february_with_last_year_counts_in_last_year_only(tmp_path):
    path = write_csv(tmp_path / "ye.csv", [
        [credit_code(1), "澄江安全咨询有限公司", "2.5", "澄江", "年底", "2026/2/15", "2025", ""],
        [credit_code(2), "华士技术服务有限公司", "3.3", "华士", "一季度", "2026-02-15", "", ""],
    ])
    last_year = {r["credit_code"]: r for r in parse_csv(run("rate", path, "--year", "2025").stdout)}
    this_year = {r["credit_code"]: r for r in parse_csv(run("rate", path, "--year", "2026").stdout)}
    assert (last_year[credit_code(1)]["town_score"], last_year[credit_code(1)]["total"]) == ("40", "90")
    assert credit_code(2) not in last_year
    assert credit_code(1) not in this_year and this_year[credit_code(2)]["total"] == "95"


# --- hostile arguments: every one ends in a bilingual refusal and exit 2, never a traceback ---------------------

NOT_UTF8 = b"\xff\xfe-not-utf8.csv"


def hostile_core_cases(tmp_path: Path, findings: Path) -> dict[str, tuple[list, str, str]]:
    """name → (arguments, an English fragment, a Chinese fragment) of the refusal each must give."""
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[[buckets]\nkey =", encoding="utf-8")
    gbk_toml = tmp_path / "gbk.toml"
    gbk_toml.write_bytes("name = '江阴'\n".encode("gbk"))
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    return {
        "missing file": (["rate", tmp_path / "nowhere.csv"], "file not found", "找不到文件"),
        "folder as file": (["rate", tmp_path], "cannot read", "无法读取"),
        "file the system refuses to read": (["rate", "/proc/self/mem"], "cannot", "无法"),
        "non-UTF-8 path": (["rate", os.fsdecode(bytes(tmp_path) + b"/" + NOT_UTF8)], "file not found", "找不到文件"),
        "year 1800": (["rate", findings, "--year", "1800"], "2000", "年度"),
        "year 99999": (["explain", credit_code(1), findings, "--year", "99999"], "2000", "年度"),
        "huge year": (["rate", findings, "--year", "99999999999999999999"], "2000", "年度"),
        "year not a number": (["rate", findings, "--year", "abc"], "whole number", "年度"),
        "rulebook a folder": (["rate", findings, "--rulebook", tmp_path], "rulebook", "评分规则"),
        "rulebook bad TOML": (["rate", findings, "--rulebook", bad_toml], "not valid TOML", "评分规则"),
        "rulebook not UTF-8": (["rate", findings, "--rulebook", gbk_toml], "UTF-8", "评分规则"),
        "template into a folder": (["template", tmp_path], "cannot write", "无法写入"),
        "template under a file": (["template", a_file / "t.xlsx"], "does not exist", "不存在"),
        "template to a read-only place": (["template", "--format", "csv", "/proc/version"], "cannot write", "无法写入"),
        "code not UTF-8": (["explain", os.fsdecode(b"9132\xff"), findings], "invalid credit code", "无效"),
    }


HOSTILE_CORE = list(hostile_core_cases(Path("/tmp"), Path("/tmp/f.csv")))


@pytest.mark.parametrize("case", HOSTILE_CORE)
def test_hostile_arguments_end_in_a_bilingual_refusal(case, tmp_path, findings_file):
    args, english, chinese = hostile_core_cases(tmp_path, findings_file)[case]
    result = subprocess.run(
        [sys.executable, "-m", "core", *map(os.fsencode, map(str, args))],
        cwd=REPO, capture_output=True, timeout=120,
    )
    out, err = (stream.decode("utf-8", "backslashreplace") for stream in (result.stdout, result.stderr))
    assert_bilingual_refusal(result.returncode, out, err, english, chinese)


# --- watch ------------------------------------------------------------------------------------------------------

WATCH_HEADER = "credit_code,agency_name,clause,date,assessor,rule,evidence,key"


def test_watch_prints_suggestions_sorted_and_the_same_keys_on_a_rerun(tmp_path):
    from tests.builders import records_csv

    registry = tmp_path / "registry.csv"
    registry.write_bytes(records_csv("registry", [{"credit_code": credit_code(1), "agency_name": "甲", "office_address": "澄江",
                                                   "filed_on": "2025-11-20"}], chinese=True))
    reports = tmp_path / "reports.csv"
    reports.write_bytes(records_csv("reports", [{"credit_code": credit_code(1), "month": "2025年11月",
                                                 "submitted_on": "2025-12-06"}]))
    args = ("watch", "--year", "2025", "--as-of", "2026/1/10", "--registry", registry, "--reports", reports)
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert first.stdout.splitlines()[0] == WATCH_HEADER
    assert [(r["rule"], r["date"]) for r in rows] == [("no_commitment", "2025-11-20"), ("late_report", "2025-12-05"),
                                                     ("late_report", "2026-01-05")]
    assert first.stdout == second.stdout
    notes = run("watch", "--year", "2025", "--as-of", "2026-01-10", "--notes", "--format", "json")
    assert notes.returncode == 0 and json.loads(notes.stdout) == []


def test_watch_refuses_a_bad_file_by_file_row_and_column_with_nothing_on_stdout(tmp_path):
    from tests.builders import records_csv

    visits = tmp_path / "visits.csv"
    visits.write_bytes(records_csv("visits", [{"credit_code": credit_code(1), "month": "2025-13"}]))
    result = run("watch", "--year", "2025", "--as-of", "2026-01-10", "--visits", visits)
    assert_bilingual_refusal(result.returncode, result.stdout, result.stderr, "row 2, column visits.csv month",
                             "第2行")


def test_watch_decides_the_rest_and_warns_of_what_waits_for_a_missing_calendar_year(tmp_path):
    from tests.builders import records_csv

    registry = tmp_path / "registry.csv"
    registry.write_bytes(records_csv("registry", [{"credit_code": credit_code(1), "agency_name": "甲", "office_address": "澄江",
                                                   "filed_on": "2099-01-05"}]))
    changes = tmp_path / "changes.csv"
    changes.write_bytes(records_csv("changes", [{"credit_code": credit_code(1), "item": "地址", "changed_on": "2099-03-01"}]))
    result = run("watch", "--year", "2099", "--as-of", "2099-12-31", "--registry", registry, "--changes", changes)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["rule"], r["date"]) for r in rows] == [("no_commitment", "2099-01-05")]  # needs no calendar
    # The change and the reports of January–November wait for 2099's holidays (December's is not due yet).
    assert "12 watch items need the statutory holiday calendar of 2099" in result.stderr
    assert "12项监测结果需要2099年的法定节假日安排" in result.stderr
    assert result.stderr.count(" late_report (2099): ") == 11 and result.stderr.count(" late_change (2099): ") == 1


def test_watch_refuses_an_unreadable_as_of_day():
    result = run("watch", "--year", "2025", "--as-of", "2025-02-30")
    assert result.returncode == 2 and result.stdout == "" and "unreadable date" in result.stderr


@pytest.mark.parametrize("kind", ["registry", "practitioners", "changes", "contracts", "visits", "reports"])
def test_a_service_record_template_reads_back_as_an_empty_file(tmp_path, kind):
    from core.service_records import read_records

    out = tmp_path / f"{kind}.xlsx"
    result = run("template", "--kind", kind, out)
    assert result.returncode == 0, result.stderr
    assert read_records(kind, out).empty


def test_the_cli_names_the_same_record_files_as_the_reader():
    from core.cli import RECORD_FILES
    from core.service_records import RECORD_KINDS

    assert RECORD_FILES == RECORD_KINDS
