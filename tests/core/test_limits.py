"""Hostile files (issue 8): refused whole, cheaply, with a bilingual message; every limit documented and settable."""

from __future__ import annotations

import os

import pytest

from core.errors import InputError
from core.limits import LIMITS, MB, ReadLimits, read_limits
from core.reader import read_findings, read_roster, read_table
from core.rulebook import load_rulebook
from core.values import credit_code_problem, parse_clause
from tests.builders import credit_code, csv_bytes, finding, table, write_csv, write_xlsx
from tests.core import hostile_files as hostile
from tests.core.test_cli import run


def problems_of(path, limits: ReadLimits | None = None) -> list:
    with pytest.raises(InputError) as caught:
        read_findings(path, limits=limits)
    return caught.value.problems


def file_problem(path, limits: ReadLimits | None = None, reader=read_findings):
    """The one whole-file problem (no row, no column) a file is refused with."""
    with pytest.raises(InputError) as caught:
        reader(path, limits=limits)
    problems = caught.value.problems
    assert len(problems) == 1 and (problems[0].row, problems[0].column) == (None, None), \
        [p.format() for p in problems]
    return problems[0]


def cell_problems(path, limits: ReadLimits | None = None) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message_en) for p in problems_of(path, limits)]


# --- the probe's files at their real size, under the default limits ------------------------------------------


def test_an_xlsx_claiming_the_whole_sheet_is_refused_from_its_declared_range(tmp_path):
    problem = file_problem(hostile.xlsx_claiming(tmp_path / "f.xlsx"))
    assert "A1:XFD1048576" in problem.message_en and "A1:XFD1048576" in problem.message_zh


def test_one_cell_at_row_99999999_is_refused_whatever_the_sheet_declares(tmp_path):
    assert "A1:J99999999" in file_problem(hostile.xlsx_with_far_cell(tmp_path / "a.xlsx")).message_en
    lying = hostile.xlsx_with_far_cell(tmp_path / "b.xlsx", honest_dimension=False)
    assert "past Excel's last row" in file_problem(lying).message_en


def test_rows_missing_between_stored_ones_are_never_made_up(tmp_path):
    # One cell 900,000 rows down: named at its row, the rows in between cost nothing (200,000 rows would be refused).
    path = hostile.xlsx_with_far_cell(tmp_path / "f.xlsx", row=900_000, honest_dimension=False)
    assert {row for row, _, _ in cell_problems(path)} == {900_000}


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    problem = file_problem(hostile.xlsx_bomb(tmp_path / "f.xlsx", 300))
    assert "unpacks to too much (300 MB; at most 200 MB)" in problem.message_en and "解压后过大" in problem.message_zh


def test_one_line_of_five_million_fields_is_refused_from_its_first_line(tmp_path):
    problem = file_problem(hostile.one_line_csv(tmp_path / "f.csv"))
    assert problem.message_en.startswith("too many columns") and "列数过多" in problem.message_zh


def test_a_file_over_20_mb_is_refused_by_its_size(tmp_path):
    path = hostile.csv_of_bytes(tmp_path / "f.csv", 21)
    assert "at most 20 MB" in file_problem(path).message_en
    with path.open("rb") as stream:  # a stream is read no further than one byte past the limit
        assert "at most 20 MB" in file_problem(stream).message_en


def test_more_than_200000_rows_are_refused(tmp_path):
    problem = file_problem(hostile.csv_of_short_rows(tmp_path / "f.csv", 200_001), reader=read_roster)
    assert problem.message_en == "too many rows (at most 200000)"


def test_a_nul_byte_past_the_first_64_kib_is_named_by_row_and_column(tmp_path):
    path = hostile.csv_with_cell(tmp_path / "f.csv", 2000, 1900, credit_code=credit_code(2), agency_name="江阴\x00安达")
    assert path.stat().st_size > 65536
    (problem,) = problems_of(path)
    assert (problem.row, problem.column, problem.value) == (1902, "机构名称", "江阴\\x00安达")
    assert "control characters" in problem.message_en and "控制字符" in problem.message_zh


# --- each limit, shrunk ------------------------------------------------------------------------------------------


def test_the_byte_limit_counts_bytes_of_paths_and_of_uploads(tmp_path):
    content = csv_bytes(table([finding()] * 20))
    small = ReadLimits(max_bytes=len(content) - 1)
    assert "too large" in file_problem(content, small).message_en
    assert len(read_findings(content, limits=ReadLimits(max_bytes=len(content)))) == 20


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_row_limit_counts_data_rows_not_blank_ones(tmp_path, suffix):
    cells = table([finding()] * 5)
    cells[3:3] = [[""] * len(cells[0])] * 4  # blank rows in between are not rows
    write = write_csv if suffix == "csv" else write_xlsx
    path = write(tmp_path / f"f.{suffix}", cells)
    assert len(read_findings(path, limits=ReadLimits(max_rows=5))) == 5
    assert "too many rows (at most 4)" in file_problem(path, ReadLimits(max_rows=4)).message_en


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_column_limit_counts_columns_up_to_the_last_filled_cell(tmp_path, suffix):
    cells = [[*row, "", "", "", ""] for row in table([finding(), finding()])]  # trailing empty cells are no columns
    cells[2][13] = "x"  # … but a filled one far right is
    write = write_csv if suffix == "csv" else write_xlsx
    path = write(tmp_path / f"f.{suffix}", cells)
    assert "too many columns (14; at most 13)" in file_problem(path, ReadLimits(max_columns=13)).message_en
    cells[2][13] = ""
    path = write(tmp_path / f"g.{suffix}", cells)
    assert len(read_findings(path, limits=ReadLimits(max_columns=10))) == 2


def test_a_wide_row_below_a_narrow_header_is_refused_before_it_is_split(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(table([finding()])) + b"a," * 100_000 + b"\n")
    assert file_problem(path).message_en.startswith("too many columns (16384+")


def test_a_declared_range_wider_or_longer_than_the_limits_is_refused(tmp_path):
    path = hostile.xlsx_claiming(tmp_path / "f.xlsx", "A1:Z30")  # 26 × 30 = 780 cells
    assert "A1:Z30" in file_problem(path, ReadLimits(max_columns=26, max_rows=28)).message_en  # 26 × 29 = 754
    assert {p.row for p in problems_of(path, ReadLimits(max_columns=26, max_rows=29))} == {30}  # read, then checked
    assert "A1:Z1048577" in file_problem(hostile.xlsx_claiming(tmp_path / "g.xlsx", "A1:Z1048577")).message_en


def test_a_zip_bomb_is_refused_by_its_unpacked_size_and_by_its_ratio(tmp_path):
    path = hostile.xlsx_bomb(tmp_path / "f.xlsx", 3)
    assert "at most 2 MB" in file_problem(path, ReadLimits(max_xlsx_uncompressed=2 * MB)).message_en
    assert "zip bomb" in file_problem(path, ReadLimits(max_xlsx_ratio=50)).message_en


def test_a_cell_longer_than_the_limit_is_named_by_row_and_column(tmp_path):
    path = write_csv(tmp_path / "f.csv", table([finding(), finding(description="说" * 21)]))
    assert cell_problems(path, ReadLimits(max_cell_chars=20)) == [(3, "情况说明", "too long (21 characters; at most 20)")]
    assert len(read_findings(path, limits=ReadLimits(max_cell_chars=21))) == 2


def test_the_longest_description_the_database_stores_is_read():
    assert ReadLimits().max_cell_chars == 2000
    content = csv_bytes(table([finding(description="说" * 2000)]))
    assert read_findings(content)["description"].tolist() == ["说" * 2000]


# --- control and bidi characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [
    ("agency_name", "江阴\x07安达"), ("agency_name", "江阴\x7f安达"), ("agency_name", "江阴\x85安达"),
    ("agency_name", "江阴\n安达"), ("practitioner", "张\t三"), ("description", "见\x01附件"), ("document_no", "\x1b[31m"),
])
def test_control_characters_in_any_cell_are_named_by_row_and_column(tmp_path, key, value):
    path = write_csv(tmp_path / "f.csv", table([finding(), finding(**{key: value})]))
    ((row, column, message),) = cell_problems(path)
    assert (row, message.startswith("holds invisible control characters")) == (3, True)
    assert column == {"agency_name": "机构名称", "practitioner": "执业人员", "description": "情况说明",
                      "document_no": "文书编号"}[key]


def test_a_description_may_hold_tabs_and_line_breaks_and_cells_may_end_in_them(tmp_path):
    path = write_csv(tmp_path / "f.csv", table([finding(description="一、现场\r\n二、\t资料", agency_name="江阴安达安全技术服务有限公司\t")]))
    frame = read_findings(path)
    assert frame["description"].tolist() == ["一、现场\r\n二、\t资料"]
    assert frame["agency_name"].tolist() == ["江阴安达安全技术服务有限公司"]


@pytest.mark.parametrize("mark", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_bidi_controls_in_names_and_codes_are_refused(tmp_path, mark):
    path = write_csv(tmp_path / "f.csv", table([
        finding(credit_code=credit_code(2), agency_name=f"江阴{mark}达安"),
        finding(credit_code=credit_code(3)[:9] + mark + credit_code(3)[9:], agency_name="华士"),
    ]))
    problems = problems_of(path)
    assert [(p.row, p.column) for p in problems] == [(2, "机构名称"), (3, "统一社会信用代码")]
    assert all("bidirectional" in p.message_en and "显示方向" in p.message_zh for p in problems)
    assert f"\\u{ord(mark):04x}" in problems[0].value


def test_a_header_with_a_control_character_is_an_unknown_column_shown_escaped(tmp_path):
    cells = table([finding()])
    cells[0][-1] = "文书\x01编号"
    (problem,) = problems_of(write_csv(tmp_path / "f.csv", cells))
    assert (problem.row, problem.value) == (1, "文书\\x01编号")


def test_read_table_keeps_the_limits_too(tmp_path):
    assert "too many rows" in file_problem(hostile.csv_of_rows(tmp_path / "f.csv", 3), ReadLimits(max_rows=2),
                                           reader=read_table).message_en


# --- values that look like typos --------------------------------------------------------------------------------


def test_a_finding_dated_2101_without_a_year_is_refused_not_rated_in_2101(tmp_path):
    path = write_csv(tmp_path / "f.csv", table([finding(assessor="市应急管理局", period="", date="2101-05-01")]))
    assert cell_problems(path) == [(2, "日期", "the date falls in 2101, outside the years 2000–2100")]
    year_end = write_csv(tmp_path / "g.csv", table([finding(period="年底", date="2101-02-01", year="2100")]))
    assert read_findings(year_end)["year"].tolist() == [2100]  # the year-end assessment of 2100 is still 2100's
    with_year = write_csv(tmp_path / "h.csv", table([finding(year="2101", date="2101-02-10")]))
    assert cell_problems(with_year) == [(2, "年度", "the year must be a whole number 2000–2100")]


@pytest.mark.parametrize("code", ["0" * 18, "1" * 18, "A" * 18])
def test_a_credit_code_of_one_repeated_character_is_a_placeholder(code):
    assert credit_code_problem(code)[1] == "a placeholder (one character repeated), not a real USCC"


def test_the_all_zero_code_passes_its_check_digit_and_is_still_refused(tmp_path):
    from stdnum.cn import uscc as std

    assert std.is_valid("0" * 18)
    path = write_csv(tmp_path / "f.csv", table([finding(credit_code="0" * 18)]))
    assert [(r, c) for r, c, _ in cell_problems(path)] == [(2, "统一社会信用代码")]


@pytest.mark.parametrize("typo", ["2.05", "02.5", "02.05", "2,5", "2，5", "02-05", "0.5"])
def test_clauses_with_leading_zeros_or_a_comma_are_refused(tmp_path, typo):
    assert parse_clause(typo, load_rulebook()) is None
    path = write_csv(tmp_path / "f.csv", table([finding(), finding(clause=typo)]))
    assert [(r, c) for r, c, _ in cell_problems(path)] == [(3, "条款")]


@pytest.mark.parametrize(("spelling", "code"), [
    ("2.5", "2.5"), ("二（五）", "2.5"), ("二(五)", "2.5"), ("2-5", "2.5"), ("1.10", "1.10"), ("1-10", "1.10"),
    ("一（十）", "1.10"), ("3.9", "3.9"),
])
def test_the_documented_clause_spellings_are_still_read(spelling, code):
    assert parse_clause(spelling, load_rulebook()) == code


# --- settings -------------------------------------------------------------------------------------------------


def test_every_limit_has_its_environment_variable():
    env = {setting.name: "7" for setting in LIMITS}
    limits = ReadLimits.from_env(env)
    assert (limits.max_bytes, limits.max_rows, limits.max_columns, limits.max_cell_chars,
            limits.max_xlsx_uncompressed, limits.max_xlsx_ratio, limits.max_read_memory,
            limits.max_read_cpu_seconds) == (7 * MB, 7, 7, 7, 7 * MB, 7, 7 * MB, 7)
    assert ReadLimits.from_env({}) == ReadLimits()
    assert (ReadLimits().max_read_memory, ReadLimits().max_read_cpu_seconds) == (1024 * MB, 120)  # as documented


@pytest.mark.parametrize("value", ["-1", "0", "ten", "1.5", "１２", "²"])
def test_a_limit_that_is_not_a_positive_whole_number_is_named(value):
    with pytest.raises(InputError) as caught:
        ReadLimits.from_env({"MAX_ROWS": value})
    assert [(p.column, p.value) for p in caught.value.problems] == [("MAX_ROWS", value)]
    assert "设置应为正整数（行）" in caught.value.message_zh and "positive whole number (rows)" in caught.value.message_en


def test_the_limits_are_read_once_a_process(monkeypatch):
    monkeypatch.setenv("MAX_ROWS", "7")  # the suite's monkeypatch makes the next read see it (tests/conftest.py)
    assert read_limits().max_rows == 7
    os.environ["MAX_ROWS"] = "8"  # changed behind the process's back: what it read stays (monkeypatch undoes this)
    assert read_limits().max_rows == 7
    assert ReadLimits.from_env().max_rows == 8  # read afresh only when asked


# --- the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(hostile.PROBE_CASES))
def test_rate_refuses_each_probe_file_with_exit_2_and_a_bilingual_message(tmp_path, case):
    build, env = hostile.PROBE_CASES[case]
    result = run("rate", build(tmp_path), env=env)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert " / " in result.stderr and any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr)
    assert "Traceback" not in result.stderr


def test_rate_and_explain_refuse_a_year_past_2100(tmp_path):
    findings = write_csv(tmp_path / "f.csv", table([finding()]))
    roster = write_csv(tmp_path / "r.csv", [["统一社会信用代码", "机构名称"], [credit_code(1), "安达"]])
    for args in (("rate", findings, "--roster", roster, "--year", "2101"), ("explain", credit_code(1), findings, "--year", "2101")):
        result = run(*args)
        assert (result.returncode, result.stdout) == (2, "")
        assert "--year" in result.stderr and "2000–2100" in result.stderr and "2000—2100" in result.stderr


def test_a_bad_limit_setting_is_bad_input_for_the_command(tmp_path):
    result = run("rate", write_csv(tmp_path / "f.csv", table([finding()])), env={"MAX_ROWS": "many"})
    assert (result.returncode, result.stdout) == (2, "") and "MAX_ROWS" in result.stderr


def test_the_upload_size_streamlit_enforces_is_the_readers_byte_limit():
    config = (os.path.dirname(__file__) + "/../../.streamlit/config.toml")
    import tomllib

    with open(config, "rb") as f:
        assert tomllib.load(f)["server"]["maxUploadSize"] * MB == ReadLimits().max_bytes
