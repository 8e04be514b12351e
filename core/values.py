"""Parsing single values as people type them: clauses, periods, dates, credit codes (files and staff forms)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from core.rulebook import Rulebook
from core.text import fold

YEAR_MIN, YEAR_MAX = 2000, 2100  # rating years we accept; anything else is a typo

# Chinese numerals as staff write them in clause numbers (二（五）, 第十项, 一（十）).
_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_TEN = "十拾"
_NUM = r"([1-9]\d{0,2}|[零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾]{1,3})"
_SECTION_WORD = r"(?:条|部分|类|节|大项|款)?"
_ITEM_WORD = r"(?:项|款|目|小项|条)?"
# fold() has already made full-width brackets, dots and hyphens half-width and removed spaces.
# No leading zeros (2.05, 02.5) and no comma (2,5 — or 2，5 folded): those are typos of 2.5 or 2.50, never read as 2.5.
_CLAUSE_FORMS = (
    # 2.5  2-5  2、5  2_5  2/5  2·5  二.五  第二条第五项  第2条-第5项
    re.compile(rf"^第?{_NUM}{_SECTION_WORD}[.\-、_/·—–]第?{_NUM}{_ITEM_WORD}$"),
    # 二（五）  二(五)  二、（五）  2(5)  第二条（五）  第二部分(第五项)
    re.compile(rf"^第?{_NUM}{_SECTION_WORD}[.、]?\(第?{_NUM}{_ITEM_WORD}\)$"),
    # 第二条第五项  第2类第5项
    re.compile(rf"^第{_NUM}(?:条|部分|类|节|大项)第{_NUM}{_ITEM_WORD}$"),
)

# Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never was,
# so from serial 61 on the day is 1899-12-30 + serial.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(19|20)\d{6}$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_YEAR_TEXT = re.compile(r"^(\d{4})(?:\.0+)?年?度?$")
_NOT_IN_CODE = re.compile(r"[\s\-\u200b\ufeff]+")


def chinese_number(text: str) -> int | None:
    """`5`, `五`, `十`, `十二`, `二十` → int (up to 99); None when it is not a number."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    if any(ch not in _CN_DIGITS and ch not in _CN_TEN for ch in text):
        return None
    if not any(ch in _CN_TEN for ch in text):
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十" if "十" in text else "拾")
    if len(tens) > 1 or len(ones) > 1 or any(ch in _CN_TEN for ch in tens + ones):
        return None
    high = _CN_DIGITS[tens] if tens else 1
    low = _CN_DIGITS[ones] if ones else 0
    return high * 10 + low


def parse_clause(text: object, rulebook: Rulebook) -> str | None:
    """The canonical code ("2.5") of a clause written `二（五）`, `二(五)`, `2-5`, `2.5`…; None if unknown."""
    if text is None:
        return None
    token = fold(text)
    if token in rulebook.clause_map:
        return token
    for form in _CLAUSE_FORMS:
        match = form.match(token)
        if match:
            section, item = (chinese_number(g) for g in match.groups())
            if section is None or item is None:
                return None
            code = f"{section}.{item}"
            return code if code in rulebook.clause_map else None
    return None


def parse_period(text: object, rulebook: Rulebook, aliases: dict[str, str] | None = None) -> str | None:
    """The period key (Q1..Q4, YE, Y) of `一季度`, `第一季度`, `Q1`, `年底`…; None if empty or unknown.

    `aliases` is rulebook.period_aliases(), passed in by callers that parse many values.
    """
    if text is None:
        return None
    token = fold(text)
    if not token:
        return None
    table = aliases if aliases is not None else rulebook.period_aliases()
    if token in table:
        return table[token]
    # "一季" / "第一季" are common short forms of 一季度.
    return table.get(token + "度")


def excel_serial_to_date(serial: float) -> dt.date | None:
    """The day of an Excel (1900 system) serial number; the time of day is dropped."""
    if not math.isfinite(serial) or serial < 1 or serial > _EXCEL_MAX_SERIAL:
        return None
    days = int(serial)
    if days < 60:  # before Excel's phantom 1900-02-29
        return dt.date(1899, 12, 31) + dt.timedelta(days=days)
    if days == 60:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def parse_date(value: object) -> dt.date | None:
    """A date from `2025-03-01`, `2025/3/1`, `2025.3.1`, `2025年3月1日`, `20250301`, an Excel serial or a datetime."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):  # Timestamp first: pd.NaT is a datetime too
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return excel_serial_to_date(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _DATE_TEXT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif _COMPACT_DATE.match(text):
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    elif _SERIAL.match(text):
        return excel_serial_to_date(float(text))
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_year(value: object) -> int | None:
    """A rating year written `2025`, `2025.0` (Excel), `2025年` or `2025年度`; None if not a year."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    match = _YEAR_TEXT.match(fold(value))
    return int(match.group(1)) if match else None


def year_problem(year: int | None) -> tuple[str, str] | None:
    """Why `year` is not a rating year we accept, as (中文, English); None when it is one (YEAR_MIN–YEAR_MAX)."""
    if year is not None and YEAR_MIN <= year <= YEAR_MAX:
        return None
    return (f"年度应为{YEAR_MIN}—{YEAR_MAX}之间的整数", f"the year must be a whole number {YEAR_MIN}–{YEAR_MAX}")


def normalize_credit_code(text: object) -> str:
    """A USCC as stored: full-width folded, spaces (also full-width) and hyphens removed, upper case."""
    if text is None:
        return ""
    return _NOT_IN_CODE.sub("", unicodedata.normalize("NFKC", str(text))).upper()


def credit_code_problem(text: object) -> tuple[str, str] | None:
    """Why a USCC is invalid, as (中文, English); None when it is valid (GB 32100-2015 check digit)."""
    code = normalize_credit_code(text)
    if not code:
        return ("不能为空", "must not be empty")
    if len(set(code)) == 1:  # 000000000000000000 passes the check digit: a placeholder, never an agency
        return ("统一社会信用代码是占位符（同一字符重复），请填写真实代码",
                "a placeholder (one character repeated), not a real USCC")
    try:
        uscc.validate(code)
    except InvalidLength:
        return (f"统一社会信用代码应为18位（此处{len(code)}位）", f"a USCC has 18 characters (this has {len(code)})")
    except InvalidChecksum:
        return ("统一社会信用代码校验位错误", "wrong check digit of the USCC")
    except ValidationError:
        return ("统一社会信用代码含有不允许的字符", "the USCC holds characters that are not allowed")
    return None


# GB 32100-2015: the alphabet (no I, O, S, V, Z) and the weights of the first 17 characters, for the vectorised check.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_USCC_VALUE = np.full(128, -1, dtype=np.int64)  # ASCII code point → the character's value; -1 outside the alphabet
_USCC_VALUE[[ord(c) for c in _USCC_ALPHABET]] = np.arange(len(_USCC_ALPHABET))


def credit_codes_as_is(values: Sequence[str]) -> np.ndarray:
    """Which of `values` are, exactly as written, valid USCCs in their canonical form (18 characters, digits then
    upper-case letters of the alphabet, right check digit, not a placeholder): one numpy pass over all of them.

    True means credit_code_problem(value) is None and normalize_credit_code(value) == value; False only means
    "not sure": such values go through credit_code_problem (typed forms, lower case, spaces, real mistakes).
    """
    texts = list(values)
    ok = np.zeros(len(texts), dtype=bool)
    candidates = np.flatnonzero(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) == 18)
    if not len(candidates):
        return ok
    points = np.array([texts[i] for i in candidates], dtype="<U18").view(np.uint32).reshape(-1, 18)
    digits = _USCC_VALUE[np.minimum(points, 127)]
    digits[points > 127] = -1
    total = digits[:, :17] @ _USCC_WEIGHTS
    ok[candidates] = ((digits[:, :8] >= 0).all(axis=1) & (digits[:, :8] < 10).all(axis=1)
                      & (digits[:, 8:] >= 0).all(axis=1) & (digits[:, 17] == (31 - total % 31) % 31)
                      & (points != points[:, :1]).any(axis=1))  # one character repeated: a placeholder
    return ok


def is_valid_credit_code(text: object) -> bool:
    """True when `text`, normalised, is a USCC with a correct check digit."""
    return credit_code_problem(text) is None
