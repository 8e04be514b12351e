"""Single values as people type them: clauses, periods, dates, credit codes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rulebook import load_rulebook
from core.values import (
    chinese_number,
    credit_code_problem,
    credit_codes_as_is,
    is_valid_credit_code,
    normalize_credit_code,
    parse_clause,
    parse_date,
    parse_period,
    parse_year,
)
from tests.builders import with_check_digit

RULES = load_rulebook()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2.5", "2.5"),
        ("二（五）", "2.5"),
        ("二(五)", "2.5"),
        ("二、（五）", "2.5"),
        ("二、(五)", "2.5"),
        ("2-5", "2.5"),
        ("2－5", "2.5"),
        ("2．5", "2.5"),
        ("２.５", "2.5"),
        ("２（５）", "2.5"),
        (" 2 . 5 ", "2.5"),
        ("2、5", "2.5"),
        ("第二条第五项", "2.5"),
        ("第2条第5项", "2.5"),
        ("第二部分第五项", "2.5"),
        ("二（第五项）", "2.5"),
        ("1.10", "1.10"),
        ("一（十）", "1.10"),
        ("一(十)", "1.10"),
        ("1-10", "1.10"),
        ("第一条第十项", "1.10"),
        ("1.1", "1.1"),
        ("一（一）", "1.1"),
        ("三（九）", "3.9"),
        ("3.9", "3.9"),
    ],
)
def test_every_accepted_spelling_of_a_clause_gives_its_code(typed, code):
    assert parse_clause(typed, RULES) == code


@pytest.mark.parametrize("typed", ["", "4.1", "2.9", "二（九）", "1.11", "25", "二五", "abc", "2.", "(五)", "十一（一）"])
def test_a_clause_the_rulebook_lacks_or_cannot_read_is_none(typed):
    assert parse_clause(typed, RULES) is None


def test_chinese_numbers_up_to_ninety_nine():
    assert [chinese_number(t) for t in ("一", "十", "十一", "二十", "二十三", "两", "7", "x", "十十")] == [
        1, 10, 11, 20, 23, 2, 7, None, None]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Q1", "Q1"), ("q1", "Q1"), ("Ｑ１", "Q1"), ("一季度", "Q1"), ("第一季度", "Q1"), ("1季度", "Q1"),
        ("第1季度", "Q1"), ("一季", "Q1"), ("二季度", "Q2"), ("第三季度", "Q3"), ("四季度", "Q4"), ("4季度", "Q4"),
        ("年底", "YE"), ("年终", "YE"), ("年末", "YE"), ("YE", "YE"), ("ye", "YE"), ("全年", "Y"), ("Y", "Y"),
    ],
)
def test_every_accepted_spelling_of_a_period_gives_its_key(typed, key):
    assert parse_period(typed, RULES) == key


@pytest.mark.parametrize("typed", ["", "   ", "Q5", "五季度", "上半年"])
def test_an_empty_or_unknown_period_is_none(typed):
    assert parse_period(typed, RULES) is None


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-01", "2025/3/1", "2025/03/01", "2025.3.1", "2025年3月1日", "2025年03月01日", "２０２５－０３－０１",
        "2025-03-01 00:00:00", "2025/3/1 0:00", "20250301", " 2025-3-1 ",
        45717, 45717.0, 45717.75, "45717", "45717.0", np.int64(45717),
        dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 14, 30), pd.Timestamp("2025-03-01"), np.datetime64("2025-03-01"),
    ],
)
def test_every_accepted_form_of_a_date_gives_the_first_of_march(value):
    assert parse_date(value) == dt.date(2025, 3, 1)


def test_excel_serials_follow_the_1900_date_system():
    assert parse_date(1) == dt.date(1900, 1, 1)
    assert parse_date(59) == dt.date(1900, 2, 28)
    assert parse_date(61) == dt.date(1900, 3, 1)
    assert parse_date(60) is None  # Excel's 29 February 1900 never existed


@pytest.mark.parametrize(
    "value", [None, "", "2025-02-30", "2025-13-01", "3/1/2025", "yesterday", True, 0, -5, float("nan"), pd.NaT]
)
def test_what_is_not_a_date_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(("value", "year"), [("2025", 2025), ("2025.0", 2025), ("２０２５", 2025), ("2025年", 2025),
                                             ("2025年度", 2025), (2025, 2025), (2025.0, 2025)])
def test_a_year_may_be_written_as_excel_and_people_write_it(value, year):
    assert parse_year(value) == year


@pytest.mark.parametrize("value", ["", "25", "2025.5", "二〇二五", 2025.5, "next"])
def test_what_is_not_a_year_is_none(value):
    assert parse_year(value) is None


def test_a_credit_code_is_folded_to_upper_case_without_spaces():
    code = with_check_digit("91320281MA1X2Y3Q0")
    typed = " " + code[:6].lower() + "\u3000" + code[6:12] + " " + code[12:].lower() + "\t"
    assert normalize_credit_code(typed) == code
    assert normalize_credit_code("９１３２") == "9132"


def test_a_credit_code_with_the_right_check_digit_is_valid_and_a_wrong_one_is_not():
    code = with_check_digit("91320281MA1X2Y3Q0")
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    assert is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())
    assert is_valid_credit_code("91110000600037341L")
    assert not is_valid_credit_code(wrong)
    assert not is_valid_credit_code(code[:-1])
    assert not is_valid_credit_code("")
    assert not is_valid_credit_code("I1110000600037341L")  # I is not in the USCC alphabet


# --- the vectorised USCC check (credit_codes_as_is) against stdnum, through credit_code_problem ------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ANY_CODE_CHAR = st.sampled_from(_USCC_CHARS + "IOSVZ" + _USCC_CHARS.lower() + " -\u3000" + "０９Ａ" + "é中")


@st.composite
def _typed_codes(draw) -> str:
    """Random 18-character strings over the USCC alphabet and its typed forms, and valid codes as people type them."""
    kind = draw(st.sampled_from(("random", "valid", "typed", "placeholder", "near")))
    if kind == "random":
        return draw(st.text(_ANY_CODE_CHAR, min_size=16, max_size=20))
    body = draw(st.text(st.sampled_from("0123456789"), min_size=8, max_size=8)) + draw(
        st.text(st.sampled_from(_USCC_CHARS), min_size=9, max_size=9))
    code = with_check_digit(body)
    if kind == "valid":
        return code
    if kind == "placeholder":
        return draw(st.sampled_from(_USCC_CHARS)) * draw(st.sampled_from((17, 18, 19)))
    if kind == "near":  # one character changed
        i = draw(st.integers(0, 17))
        return code[:i] + draw(_ANY_CODE_CHAR) + code[i + 1:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    return draw(st.sampled_from((code.lower(), " " + code + " ", code[:6] + " " + code[6:], full_width,
                                 code[:8] + "-" + code[8:])))


@settings(max_examples=1000, deadline=None)
@given(st.lists(_typed_codes(), max_size=20))
def test_the_vectorised_credit_code_check_never_passes_what_stdnum_refuses(codes):
    passes = credit_codes_as_is(codes)
    assert passes.shape == (len(codes),)
    for code, ok in zip(codes, passes, strict=True):
        if ok:
            assert credit_code_problem(code) is None
            assert normalize_credit_code(code) == code
        elif len(code) == 18 and code == normalize_credit_code(code) and credit_code_problem(code) is None:
            pytest.fail(f"{code!r} is valid as written but the fast path sent it to stdnum")


@settings(max_examples=500, deadline=None)
@given(st.lists(_typed_codes(), max_size=20))
def test_reading_a_credit_code_column_gives_what_the_one_by_one_check_gives(codes):
    from core.reader import AS_IS_CHECKS, credit_code_check

    passes = AS_IS_CHECKS[credit_code_check](codes)
    for code, ok in zip(codes, passes, strict=True):
        if ok:
            assert credit_code_check(code) == (code, None)


def test_a_placeholder_is_never_passed_by_the_fast_path():
    assert not credit_codes_as_is(["0" * 18, "A" * 18, "1" * 18]).any()
    assert credit_code_problem("0" * 18)[1] == "a placeholder (one character repeated), not a real USCC"


def test_the_fast_path_passes_valid_codes_as_written():
    codes = [with_check_digit("91320281MA1X2Y3Q0"), "91110000600037341L", with_check_digit("12320281000000001")]
    assert credit_codes_as_is(codes).all()
    assert not credit_codes_as_is([c.lower() for c in codes]).any()
    assert credit_codes_as_is([]).shape == (0,)
