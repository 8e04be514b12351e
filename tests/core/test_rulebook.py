"""Rulebooks are data: the loader refuses malformed ones, and jiangyin-2020 quotes the regulation verbatim."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from core.errors import RulebookError
from core.rulebook import RULEBOOK_DIR, clause_order, load_rulebook, parse_rulebook

REPO = Path(__file__).resolve().parents[2]
# The repository carries its own copy of the regulation, so the check runs wherever the clone lives.
REGULATION = REPO / "docs" / "regulation" / "jiangyin-2020-measures.txt"
SINGLE_BUCKET = Path(__file__).parent / "rulebooks" / "single-bucket.toml"
CHINESE_NUMBERS = "一二三四五六七八九十"


def raw_jiangyin() -> dict:
    return tomllib.loads((RULEBOOK_DIR / "jiangyin-2020.toml").read_text(encoding="utf-8"))


def refused(raw: dict) -> str:
    with pytest.raises(RulebookError) as info:
        parse_rulebook(raw, origin="broken.toml")
    return str(info.value)


def test_jiangyin_rulebook_loads_with_its_buckets_and_grades():
    rb = load_rulebook("jiangyin-2020")
    assert [(b.key, b.points, [p.key for p in b.periods]) for b in rb.buckets] == [
        ("town", 50, ["Q1", "Q2", "Q3", "Q4", "YE"]),
        ("bureau", 50, ["Y"]),
    ]
    assert [(g.key, g.min, g.max) for g in rb.grades] == [("A", 90, 100), ("B", 80, 90), ("C", 60, 80), ("BLACKLIST", 0, 60)]
    assert rb.blacklist_grade.key == "BLACKLIST"
    assert len(rb.clauses) == 10 + 8 + 9


def test_single_bucket_rulebook_is_just_another_file():
    rb = load_rulebook(SINGLE_BUCKET)
    assert [(b.key, b.assessors, b.points) for b in rb.buckets] == [("points", ("town", "bureau"), 100)]
    assert rb.bucket_for("town") is rb.bucket_for("bureau")
    assert rb.grade_for(85).key == "A" and rb.grade_for(84).key == "B" and rb.grade_for(49).key == "BLACKLIST"
    assert rb.clause("4.1").effect == "bonus"


def test_every_clause_text_is_verbatim_from_its_section_of_the_regulation():
    assert REGULATION.is_file(), f"the regulation is missing at {REGULATION}"
    lines = [line.strip() for line in REGULATION.read_text(encoding="utf-8").splitlines()]
    annex = lines.index("诚信等级评定方法")
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines[annex:]:
        head = line[:2]
        if len(head) == 2 and head[1] == "、" and head[0] in CHINESE_NUMBERS:
            current = str(CHINESE_NUMBERS.index(head[0]) + 1)
            sections[current] = []
        elif current and line.startswith("（"):
            sections[current].append(line)
    for clause in load_rulebook("jiangyin-2020").clauses:
        section, item = clause.code.split(".")
        expected = f"（{CHINESE_NUMBERS[int(item) - 1]}）{clause.text_zh}"
        assert expected in sections[section], f"clause {clause.code} is not verbatim item {item} of section {section}"


def test_grades_with_a_gap_are_refused():
    raw = raw_jiangyin()
    raw["grades"][1]["min"] = 82  # B from 82: nothing covers 80..82
    assert "gap" in refused(raw)


def test_grades_that_overlap_are_refused():
    raw = raw_jiangyin()
    raw["grades"][1]["max"] = 95  # B up to 95 while A starts at 90
    assert "overlap" in refused(raw)


def test_grades_that_stop_short_of_zero_are_refused():
    raw = raw_jiangyin()
    raw["grades"][3]["min"] = 10
    assert "gap" in refused(raw)


def test_an_unknown_effect_is_refused():
    raw = raw_jiangyin()
    raw["clauses"][12]["effect"] = "warn"
    assert "unknown effect 'warn'" in refused(raw)


def test_duplicate_clause_codes_are_refused():
    raw = raw_jiangyin()
    raw["clauses"].append(copy.deepcopy(raw["clauses"][15]))
    assert f"duplicate clause code {raw['clauses'][15]['code']!r}" in refused(raw)


def test_buckets_that_do_not_add_up_to_the_total_are_refused():
    raw = raw_jiangyin()
    raw["buckets"][1]["points"] = 40
    raw["buckets"][1]["periods"][0]["points"] = 40
    assert "buckets add up to 90" in refused(raw)


def test_periods_that_do_not_add_up_to_their_bucket_are_refused():
    raw = raw_jiangyin()
    raw["buckets"][0]["periods"][4]["points"] = 5  # YE worth 5: the town periods make 45, not 50
    assert "periods add up to 45" in refused(raw)


def test_a_rulebook_without_a_blacklist_grade_is_refused():
    raw = raw_jiangyin()
    del raw["grades"][3]["blacklist"]
    assert "blacklist = true" in refused(raw)


def test_a_deduction_of_zero_points_is_refused():
    raw = raw_jiangyin()
    raw["clauses"][10]["points"] = 0
    assert "needs points > 0" in refused(raw)


def test_an_assessor_kind_no_bucket_takes_is_refused():
    raw = raw_jiangyin()
    raw["buckets"][1]["assessors"] = ["town"]
    message = refused(raw)
    assert "more than one bucket" in message and "'bureau'" in message


def test_every_problem_is_listed_at_once():
    raw = raw_jiangyin()
    raw["clauses"][0]["effect"] = "warn"
    raw["clauses"].append(copy.deepcopy(raw["clauses"][20]))
    raw["buckets"][0]["periods"][0]["points"] = 11
    message = refused(raw)
    assert "unknown effect" in message and "duplicate clause code" in message and "periods add up to 51" in message


def test_a_malformed_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text(SINGLE_BUCKET.read_text(encoding="utf-8").replace('effect = "bonus"', 'effect = "gift"'), encoding="utf-8")
    with pytest.raises(RulebookError, match=r"city\.toml: clause 4\.1: unknown effect 'gift'"):
        load_rulebook(path)


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("total = = 100\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="not valid TOML"):
        load_rulebook(path)


def test_an_unknown_rulebook_name_lists_the_known_ones():
    with pytest.raises(RulebookError, match="known: .*jiangyin-2020"):
        load_rulebook("atlantis-2031")


def test_the_interview_ladder_is_read_from_the_rulebook():
    raw = raw_jiangyin()
    raw["interview_ladder"] = [{"interviews": 2, "clause": "3.9"}, {"interviews": 4, "clause": "2.1"}]
    book = parse_rulebook(raw)
    assert [book.interview_clause(n) for n in range(6)] == [None, None, "3.9", "3.9", "2.1", "2.1"]


def test_a_rulebook_without_an_interview_ladder_suggests_no_clause():
    assert load_rulebook(SINGLE_BUCKET).interview_clause(3) is None


def test_an_interview_ladder_naming_an_unknown_clause_is_refused():
    raw = raw_jiangyin()
    raw["interview_ladder"][0]["clause"] = "9.9"
    assert "interview_ladder: unknown clause '9.9'" in refused(raw)


def test_an_interview_ladder_whose_counts_do_not_rise_is_refused():
    raw = raw_jiangyin()
    raw["interview_ladder"][1]["interviews"] = 1
    assert "interviews must be whole numbers ≥ 1 in rising order (1)" in refused(raw)


def test_the_watch_table_loads_with_its_numbers_and_clauses():
    watch = load_rulebook("jiangyin-2020").watch
    assert (watch.report_due_day, watch.change_deadline_workdays, watch.contract_min_months,
            watch.visits_min_per_year) == (5, 10, 12, 6)
    assert watch.clauses["shared_practitioner"] == "2.4" and watch.clauses["late_change"] == "3.4"


def test_moving_rest_day_deadlines_is_a_yes_or_no_setting_on_by_default():
    assert load_rulebook("jiangyin-2020").watch.move_rest_day_deadlines is True
    raw = raw_jiangyin()
    raw["watch"] = copy.deepcopy(raw["watch"])
    del raw["watch"]["move_rest_day_deadlines"]
    assert parse_rulebook(raw).watch.move_rest_day_deadlines is True  # left out: on
    raw["watch"]["move_rest_day_deadlines"] = False
    assert parse_rulebook(raw).watch.move_rest_day_deadlines is False
    raw["watch"]["move_rest_day_deadlines"] = "yes"
    assert "move_rest_day_deadlines` must be true or false" in refused(raw)


def test_a_watch_table_with_bad_numbers_or_clauses_is_refused_with_every_problem():
    raw = raw_jiangyin()
    raw["watch"] = copy.deepcopy(raw["watch"])
    raw["watch"]["report_due_day"] = 31
    raw["watch"]["clauses"]["late_report"] = "9.9"
    raw["watch"]["clauses"]["made_up"] = "3.4"
    del raw["watch"]["clauses"]["no_commitment"]
    message = refused(raw)
    for part in ("report_due_day", "late_report", "made_up", "no_commitment"):
        assert part in message


def test_clause_order_is_the_rulebooks_own_order():
    """One order for clause codes everywhere (ratings, listings, legends): "1.10" after "1.9", as the rulebook lists
    them; text order would put it after "1.1"."""
    codes = [c.code for c in load_rulebook().clauses]
    assert sorted(codes, key=clause_order) == codes
    assert sorted(["1.10", "2.1", "1.9", "1.2"], key=clause_order) == ["1.2", "1.9", "1.10", "2.1"]
    assert clause_order("1.x") == (1, 0)  # a stored code that is no number never stops a sort


def test_blacklist_codes_are_the_clauses_that_list_at_once_in_the_rulebooks_order():
    """One answer to "which clauses blacklist": the referral forms offer these, a referral refuses any other, and
    rating lists an agency for these alone; a clause moved to another effect leaves the list."""
    rb = load_rulebook("jiangyin-2020")
    assert rb.blacklist_codes == tuple(f"1.{n}" for n in range(1, 11))  # "1.10" last, as the rulebook lists it
    raw = raw_jiangyin()
    moved = next(c for c in raw["clauses"] if c["code"] == "1.3")
    moved["effect"], moved["points"] = "deduct", 10
    assert "1.3" not in parse_rulebook(raw).blacklist_codes
    assert load_rulebook(SINGLE_BUCKET).blacklist_codes == ("1.1",)  # not the deduct or bonus clauses
