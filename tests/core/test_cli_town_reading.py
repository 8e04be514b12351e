"""`python -m core rate|explain` with the towns' readings: --contracts, a rulebook reference, --compare-reading."""

from __future__ import annotations

import json

import pytest

from tests.builders import credit_code
from tests.core.test_cli import SINGLE_BUCKET, parse_csv, run, write_csv
from tests.refusals import assert_bilingual_refusal

CONTRACT_HEADER = ["credit_code", "client_code", "client_name", "town", "contract_no", "signed_on", "start", "end",
                   "visits_per_year"]
FILE_HEADER = ["credit_code", "agency_name", "clause", "assessor", "period", "date"]


@pytest.fixture
def files(tmp_path):
    """Agency 1 serves 澄江街道 (1 contract), 华士镇 (2), 周庄镇 (7); 澄江街道 alone finds 25 points of faults and the
    bureau 10. Agency 2 serves 澄江街道 only and loses 10 there: alike under every reading."""
    findings = write_csv(tmp_path / "findings.csv", [
        [credit_code(1), "一号机构", "2.5", "澄江街道", "Q1", "2025-01-10"],
        [credit_code(1), "一号机构", "2.5", "澄江街道", "Q2", "2025-04-10"],
        [credit_code(1), "一号机构", "3.3", "澄江街道", "Q3", "2025-07-10"],
        [credit_code(1), "一号机构", "2.5", "市应急管理局", "", "2025-06-10"],
        [credit_code(2), "二号机构", "2.5", "澄江街道", "Q1", "2025-01-10"],
    ], header=FILE_HEADER)
    rows, n = [], 0
    for agency, towns in ((1, {"澄江街道": 1, "华士镇": 2, "周庄镇": 7}), (2, {"澄江街道": 3})):
        for town, count in towns.items():
            for _ in range(count):
                n += 1
                rows.append([credit_code(agency), credit_code(900 + n), f"客户{n}", town, f"HT-{n}", "2024-12-20",
                             "2025-01-01", "2025-12-31", "6"])
    contracts = write_csv(tmp_path / "contracts.csv", rows, header=CONTRACT_HEADER)
    return findings, contracts


def totals(result) -> dict[str, tuple[str, str]]:
    assert result.returncode == 0, result.stderr
    return {r["credit_code"]: (r["town_score"], r["grade"]) for r in parse_csv(result.stdout)}


def test_rate_under_each_reading(files):
    findings, contracts = files
    assert totals(run("rate", findings, "--contracts", contracts))[credit_code(1)] == ("25", "C")
    equal = totals(run("rate", findings, "--contracts", contracts, "--rulebook", "jiangyin-2020#per_town/equal"))
    weighted = totals(run("rate", findings, "--contracts", contracts, "--rulebook", "jiangyin-2020#per_town/contracts"))
    assert equal[credit_code(1)] == ("42", "B") and weighted[credit_code(1)] == ("48", "B")
    assert equal[credit_code(2)] == weighted[credit_code(2)] == ("40", "A")


def test_compare_reading_lists_only_the_agencies_whose_grade_differs(files):
    findings, contracts = files
    result = run("rate", findings, "--contracts", contracts, "--compare-reading")
    assert result.returncode == 0, result.stderr
    rows = parse_csv(result.stdout)
    assert [(r["credit_code"], r["pooled_total"], r["pooled_grade"], r["per_town_equal_total"],
             r["per_town_equal_grade"], r["per_town_contracts_total"], r["per_town_contracts_grade"]) for r in rows] == [
        (credit_code(1), "65", "C", "82", "B", "88", "B")]


def test_compare_reading_refuses_a_rulebook_whose_towns_bucket_takes_the_bureau_too(tmp_path):
    findings = write_csv(tmp_path / "one-bucket.csv", [[credit_code(1), "一号机构", "2.1", "澄江街道", "全年",
                                                        "2025-01-10"]], header=FILE_HEADER)
    result = run("rate", findings, "--rulebook", SINGLE_BUCKET, "--compare-reading")
    assert_bilingual_refusal(result.returncode, result.stdout, result.stderr, "towns alone", "评分规则文件不合格")
    assert "--compare-reading" in result.stderr


def test_explain_shows_the_town_part_under_the_reading_used(files):
    findings, contracts = files
    pooled = run("explain", credit_code(1), findings, "--contracts", contracts)
    assert pooled.returncode == 0, pooled.stderr
    assert "镇街园评定 town assessment: 25（各镇街园扣分合并计入同一考核期" in pooled.stdout
    per_town = run("explain", credit_code(1), findings, "--contracts", contracts,
                   "--rulebook", "jiangyin-2020#per_town/contracts")
    head = per_town.stdout.split("\n\n")[0].splitlines()
    assert "镇街园评定 town assessment: 48（各镇街园分别评分，按合同数加权平均" in head[5]
    assert sorted(head[6:]) == sorted(["  澄江街道 25（合同 1 份，权重 1 · contracts 1, weight 1）",
                                       "  华士镇 50（合同 2 份，权重 2 · contracts 2, weight 2）",
                                       "  周庄镇 50（合同 7 份，权重 7 · contracts 7, weight 7）"])
    data = json.loads(run("explain", credit_code(1), findings, "--contracts", contracts, "--rulebook",
                          "jiangyin-2020#per_town/equal", "--format", "json").stdout)
    assert data["town_reading"] == "per_town/equal" and data["town_score"] == 42
    assert {t["town"]: (t["weight"], t["score"]) for t in data["towns"]} == {
        "澄江街道": (1, 25), "华士镇": (1, 50), "周庄镇": (1, 50)}
    pooled_json = json.loads(run("explain", credit_code(1), findings, "--format", "json").stdout)
    assert "towns" not in pooled_json and "town_reading" not in pooled_json


def test_a_bad_contracts_file_is_refused_by_name(files, tmp_path):
    findings, _ = files
    bad = write_csv(tmp_path / "bad.csv", [[credit_code(1), "x", "客户", "澄江街道", "HT", "2024-12-20", "2025-13-01",
                                             "2025-12-31", "6"]], header=CONTRACT_HEADER)
    result = run("rate", findings, "--contracts", bad)
    assert_bilingual_refusal(result.returncode, result.stdout, result.stderr, "bad.csv", "bad.csv")
    assert "2025-13-01" in result.stderr
