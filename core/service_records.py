"""The six service-record files agencies report under 第九条–第十一条 (附件1, 附件2 …): their columns and readers."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from core.errors import InputError, Problem
from core.limits import ReadLimits
from core.reader import CheckedFile, Source, credit_code_check, date_check, read_checked, required_text_check
from core.rulebook import fold
from core.schema import Column
from core.towns import BUREAU, Towns, default_towns
from core.values import YEAR_MAX, YEAR_MIN, parse_date

Failure = tuple[str, str] | None
SPECIALTIES = ("机械", "电气", "化工", "消防", "其他")
YES_NO = ("是", "否")
_YES = {"是", "y", "yes", "1", "✓", "√", "true", "有"}
_NO = {"否", "n", "no", "0", "✗", "×", "x", "false", "无"}
_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_COUNT = re.compile(r"^(\d{1,6})(?:\.0+)?$")
_REQUIRED = ("必填，不能为空", "required, must not be empty")
_CODE_NOTE = ("18位，校验位正确", "18 characters, valid check digit")
_DATE_NOTE = ("YYYY-MM-DD", "YYYY-MM-DD")
_MONTH_NOTE = ("YYYY-MM，如 2025-03 或 2025年3月", "YYYY-MM, e.g. 2025-03 or 2025年3月")


def _col(key: str, label: str, required: bool, note: tuple[str, str] = ("", "")) -> Column:
    return Column(key, label, required, *note)


# One spec per file kind, in the order the template shows them. Headers may be the key or the Chinese label.
RECORD_COLUMNS: dict[str, tuple[Column, ...]] = {
    "registry": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("agency_name", "机构名称", True, ("每个机构一行", "one row per agency")),
        _col("address", "注册地址", False),
        _col("office_address", "本市办公地址", True),
        _col("legal_rep", "法定代表人", False),
        _col("phone", "联系电话", False),
        _col("filed_on", "报送日期", True, ("附件1报送日期", "the day 附件1 was filed")),
        _col("commitment_on", "承诺书报送日期", False, ("守法诚信承诺书报送日期；未报送留空",
                                                  "the day the commitment letter was filed; blank if not")),
    ),
    "practitioners": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("name", "姓名", True),
        _col("id_number", "身份证号", True, ("18位，校验位正确；仅工作人员可见", "18 characters, valid check digit; staff only")),
        _col("specialty", "专业", True, ("、".join(SPECIALTIES), "one of " + ", ".join(SPECIALTIES))),
        _col("certificate", "资格证书编号", False),
        _col("joined_on", "入职日期", True, _DATE_NOTE),
        _col("left_on", "离职日期", False, ("仍在职留空", "blank while still employed")),
    ),
    "changes": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("item", "变化事项", True),
        _col("practitioner", "执业人员", False, ("执业人员入职或离职时填写姓名", "the name, for a practitioner joining or leaving")),
        _col("changed_on", "变化日期", True, _DATE_NOTE),
        _col("reported_on", "告知日期", False, ("未告知留空", "blank if not reported")),
    ),
    "contracts": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("client_code", "委托企业统一社会信用代码", True, _CODE_NOTE),
        _col("client_name", "委托企业名称", True),
        _col("town", "所在镇街园", True, ("委托企业所在镇街园", "the client's town")),
        _col("contract_no", "合同编号", True),
        _col("signed_on", "签订日期", True, _DATE_NOTE),
        _col("start", "服务开始日期", True, _DATE_NOTE),
        _col("end", "服务结束日期", True, ("不早于开始日期", "not before the start")),
        _col("visits_per_year", "约定年服务次数", True, ("整数，至少1次", "a whole number, at least 1")),
    ),
    "visits": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("month", "报送月份", True, _MONTH_NOTE),
        _col("submitted_on", "报送日期", True, _DATE_NOTE),
        _col("client_code", "委托企业统一社会信用代码", True, _CODE_NOTE),
        _col("client_name", "委托企业名称", True),
        _col("town", "所在镇街园", True, ("委托企业所在镇街园", "the client's town")),
        _col("contract_no", "合同编号", False),
        _col("visit_date", "服务日期", True, ("须在报送月份内", "within the reported month")),
        _col("practitioner", "执业人员", True),
        _col("hazards", "发现隐患数", True, ("整数，0表示未发现", "a whole number, 0 when none")),
        _col("written_advice", "出具书面整改建议", True, ("是/否（也可写 Y/N、1/0、✓）", "是/否 (also Y/N, 1/0, ✓)")),
    ),
    "reports": (
        _col("credit_code", "统一社会信用代码", True, _CODE_NOTE),
        _col("month", "报送月份", True, _MONTH_NOTE),
        _col("submitted_on", "报送日期", True, ("没有服务的月份也须报送", "a month without visits is reported too")),
    ),
}
RECORD_KINDS: tuple[str, ...] = tuple(RECORD_COLUMNS)
# What people call each file (evidence, problems, the template's sheet).
KIND_LABELS: dict[str, str] = {
    "registry": "基本情况（附件1）", "practitioners": "执业人员", "changes": "信息变化",
    "contracts": "服务合同", "visits": "服务记录（附件2）", "reports": "月度报送",
}
DATE_KEYS = ("filed_on", "commitment_on", "joined_on", "left_on", "changed_on", "reported_on", "signed_on", "start",
             "end", "submitted_on", "visit_date")


# --- single values ---------------------------------------------------------------------------------------------


def _date(required: bool) -> Callable[[str], tuple[dt.date | None, Failure]]:
    return functools.partial(date_check, required=required)


def parse_month(value: object) -> dt.date | None:
    """The first day of a month written `2025-03`, `2025/3`, `2025年3月`, `202503`, or a date on the 1st (Excel)."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _MONTH_TEXT.match(text) or _COMPACT_MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        day = parse_date(text)  # Excel turns a typed 2025-03 into the date 2025-03-01
        if day is None or day.day != 1:
            return None
        year, month = day.year, day.month
    return dt.date(year, month, 1) if 1 <= month <= 12 and YEAR_MIN <= year <= YEAR_MAX + 1 else None


def _month(value: str) -> tuple[dt.date | None, Failure]:
    if not value.strip():
        return None, _REQUIRED
    month = parse_month(value)
    return (month, None) if month else (None, ("无法识别的月份（应为YYYY-MM，如2025-03）", "unreadable month (expected YYYY-MM)"))


def parse_yes_no(value: object) -> bool | None:
    """是/否, also Y/N, yes/no, 1/0, ✓/✗, TRUE/FALSE (Excel); None when it is neither."""
    token = fold(value)
    return True if token in _YES else False if token in _NO else None


def _yes_no(value: str) -> tuple[bool | None, Failure]:
    if not value.strip():
        return None, _REQUIRED
    answer = parse_yes_no(value)
    return (answer, None) if answer is not None else (None, ("应为“是”或“否”", "expected 是 (yes) or 否 (no)"))


def _count(minimum: int) -> Callable[[str], tuple[int, Failure]]:
    def check(value: str) -> tuple[int, Failure]:
        if not value.strip():
            return 0, _REQUIRED
        match = _COUNT.match(unicodedata.normalize("NFKC", value).strip())
        if not match or int(match.group(1)) < minimum:
            return 0, (f"应为不小于{minimum}的整数", f"expected a whole number, at least {minimum}")
        return int(match.group(1)), None
    return check


def _specialty(value: str) -> tuple[str, Failure]:
    if not value.strip():
        return "", _REQUIRED
    text = fold(value)
    return (text, None) if text in SPECIALTIES else ("", (f"未知专业（可用：{'、'.join(SPECIALTIES)}）",
                                                       f"unknown specialty (expected {', '.join(SPECIALTIES)})"))


def normalize_id_number(value: object) -> str:
    """An identity-card number as stored: full-width folded, spaces removed, the check letter upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()


def _id_number(value: str) -> tuple[str, Failure]:
    number = normalize_id_number(value)
    if not number:
        return "", _REQUIRED
    try:
        # Not ric.validate: its birth-place lookup costs ~4 ms a number and refuses region codes retired since the
        # card was issued (those cards stay valid); length, digits, check digit and birth date are what we check.
        if len(number) != 18:
            raise InvalidLength()
        if not number[:17].isdigit():
            raise ValidationError()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        ric.get_birth_date(number)
    except InvalidLength:
        return "", (f"身份证号应为18位（此处{len(number)}位）", f"an ID number has 18 characters (this has {len(number)})")
    except InvalidChecksum:
        return "", ("身份证号校验位错误", "wrong check digit of the ID number")
    except ValidationError:
        return "", ("身份证号格式错误（含非数字或出生日期不对）", "malformed ID number (not digits, or no such birth date)")
    return number, None


def _town(lookup: dict[str, str]) -> Callable[[str], tuple[str, Failure]]:
    def check(value: str) -> tuple[str, Failure]:
        if not value.strip():
            return "", _REQUIRED
        town = lookup.get(fold(value))
        return (town, None) if town and town != BUREAU else ("", ("未知的镇街园", "unknown town"))
    return check


def _checks(kind: str, towns: Towns) -> dict[str, Callable]:
    town = _town(towns.lookup())
    checks: dict[str, Callable] = {"credit_code": credit_code_check, "client_code": credit_code_check,
                                   "month": _month, "town": town, "specialty": _specialty, "id_number": _id_number,
                                   "hazards": _count(0), "visits_per_year": _count(1), "written_advice": _yes_no}
    for column in RECORD_COLUMNS[kind]:
        if column.key in DATE_KEYS:
            checks[column.key] = _date(column.required)
        elif column.required and column.key not in checks:
            checks[column.key] = required_text_check
    return checks


# --- whole files -----------------------------------------------------------------------------------------------


def _days(parsed: np.ndarray) -> np.ndarray:
    """Distinct parsed dates (dt.date or None) → datetime64[D], NaT for None."""
    return np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in parsed],
                    dtype="datetime64[D]")


def _frame(kind: str, checked: CheckedFile) -> pd.DataFrame:
    """The typed table of a checked file: dates datetime64[ns] (NaT blank), counts int64, 是/否 bool, text str."""
    data: dict[str, np.ndarray] = {"row": checked.rows.astype(np.int64)}
    for column in RECORD_COLUMNS[kind]:
        key = column.key
        if key in DATE_KEYS or key == "month":
            data[key] = checked.converted(key, _days, None).astype("datetime64[ns]")
        elif key in ("hazards", "visits_per_year"):
            data[key] = checked.converted(key, lambda v: v.astype(np.int64), 0)
        elif key == "written_advice":
            data[key] = checked.converted(key, lambda v: np.array([bool(x) for x in v]), False)
        else:
            data[key] = checked.values(key)
    return pd.DataFrame(data, copy=False)  # every array is new here: a copy per column cost ~0.5 s on 1.2M visits


def _check_order(checked: CheckedFile, frame: pd.DataFrame, early: str, late: str, zh: str, en: str) -> None:
    """A problem for each row whose `late` date comes before its `early` date (both given and readable)."""
    for i in np.flatnonzero((frame[late] < frame[early]).to_numpy()):
        checked.problem(int(i), late, zh, en, frame[late].iat[i].date().isoformat())


def _check_rows(kind: str, checked: CheckedFile, frame: pd.DataFrame) -> None:
    """Checks across the columns of one row, or across rows, of each kind."""
    if kind == "registry":
        repeated = frame["credit_code"].ne("") & frame.duplicated("credit_code", keep="first")
        for i in np.flatnonzero(repeated.to_numpy()):
            checked.problem(int(i), "credit_code", "同一机构在基本情况表中出现多次（每个机构一行）",
                            "the agency appears more than once (one row per agency)", frame["credit_code"].iat[i])
    elif kind == "practitioners":
        _check_order(checked, frame, "joined_on", "left_on", "离职日期早于入职日期", "left before joining")
    elif kind == "changes":
        _check_order(checked, frame, "changed_on", "reported_on", "告知日期早于变化日期", "reported before the change")
    elif kind == "contracts":
        _check_order(checked, frame, "start", "end", "服务结束日期早于开始日期", "the contract ends before it starts")
    elif kind == "visits":
        month_of_visit = frame["visit_date"].dt.to_period("M").dt.start_time
        outside = (frame["visit_date"].notna() & frame["month"].notna() & (month_of_visit != frame["month"])).to_numpy()
        for i in np.flatnonzero(outside):
            checked.problem(int(i), "visit_date", f"服务日期不在报送月份{frame['month'].iat[i]:%Y-%m}内",
                            f"the visit is not in the reported month {frame['month'].iat[i]:%Y-%m}",
                            frame["visit_date"].iat[i].date().isoformat())


def read_records(kind: str, source: Source, *, name: str | None = None, towns: Towns | None = None,
                 limits: ReadLimits | None = None) -> pd.DataFrame:
    """A checked service-record file of `kind` (RECORD_KINDS) as a typed table with its Excel `row`;
    InputError with every problem by row and column if anything is wrong (nothing is returned then)."""
    if kind not in RECORD_COLUMNS:
        raise ValueError(f"unknown record kind {kind!r} (expected one of {RECORD_KINDS})")
    checked = read_checked(source, RECORD_COLUMNS[kind], _checks(kind, towns or default_towns()),
                           name=name, limits=limits)
    frame = _frame(kind, checked)
    _check_rows(kind, checked, frame)
    if checked.problems:
        raise InputError(_id_numbers_hidden(checked.problems, checked.names.get("id_number")))
    return frame


def _id_numbers_hidden(problems: list[Problem], column: str | None) -> list[Problem]:
    """The problems with any value of the ID number column cut to its last 4 characters: an ID number is personal
    data, never echoed whole, not even back to the one who uploaded it (messages are logged and shown to staff)."""
    if column is None:
        return problems
    return [replace(p, value=f"…{p.value[-4:]}") if p.column == column and p.value and len(p.value) > 4 else p
            for p in problems]


def empty_records(kind: str) -> pd.DataFrame:
    """A table of `kind` with no rows and the dtypes read_records gives (a file not given)."""
    return read_records(kind, ",".join(c.key for c in RECORD_COLUMNS[kind]).encode() + b"\n", name="empty.csv")


@dataclass
class ServiceRecords:
    """The six tables the watch looks at; a file not given is an empty table."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self.tables:
            self.tables[kind] = empty_records(kind)
        return self.tables[kind]
