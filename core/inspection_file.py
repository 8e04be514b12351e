"""The 一企双查 inspections file a town that keeps Excel uploads: its columns, the template, and its reading through
the one reader (core.reader), every problem by row and column. One row per inspection; each check of the agency is
a column holding 合格 / 不合格（扣分）/ 不合格（备注）/ 未检查 (blank: not checked). Referrals of 1.x conduct are made on
the page, never from a file: each needs its facts."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from core.errors import InputError
from core.limits import ReadLimits
from core.reader import Source, credit_code_check, date_check, read_checked, required_text_check
from core.schema import Column
from core.values import credit_code_problem, normalize_credit_code

# The checks in the order of the page (db/supervision/inspections.py CHECKS holds the same keys and clauses).
CHECK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("contract", "签订服务合同（3.3）"), ("visits", "按合同频次开展现场服务（3.6）"),
    ("advice", "发现隐患出具书面整改建议（3.7）"), ("on_site", "执业人员到现场开展工作（2.5）"),
    ("major_missed", "及时发现重大事故隐患（2.1）"), ("simplified", "未更改简化服务程序（3.5）"),
    ("rules_fit", "规章制度和操作规程符合实际（2.2）"),
)
_CHECK_NOTE = ("合格、不合格（扣分）、不合格（备注）或未检查；留空为未检查",
               "合格 (pass), 不合格（扣分） (fail: a finding), 不合格（备注） (fail: a note) or 未检查; blank: not checked")
INSPECTION_FILE_COLUMNS: tuple[Column, ...] = (
    Column("date", "检查日期", True, "YYYY-MM-DD", "YYYY-MM-DD"),
    Column("enterprise_code", "企业统一社会信用代码", True, "18位，校验位正确", "18 characters, valid check digit"),
    Column("enterprise_name", "企业名称", True),
    Column("hazards", "发现隐患数", True, "整数，0表示未发现", "a whole number, 0 when none"),
    Column("major_hazards", "重大隐患数", False, "整数，不多于发现隐患数；留空为0", "a whole number, at most the hazards; blank: 0"),
    Column("agency_code", "服务机构统一社会信用代码", False, "无服务机构留空", "blank when no agency serves it"),
    Column("contract_no", "合同编号", False),
    *(Column(key, label, False, *_CHECK_NOTE) for key, label in CHECK_COLUMNS),
    Column("note", "备注", False),
)
# What a check cell may say (folded: no spaces or brackets) → (result, outcome).
_RESULTS = {"": ("unchecked", ""), "未检查": ("unchecked", ""), "合格": ("pass", ""),
            "不合格扣分": ("fail", "finding"), "扣分": ("fail", "finding"),
            "不合格备注": ("fail", "note"), "备注": ("fail", "note"), "不合格": ("fail", "note")}
_FOLD = re.compile(r"[\s()（）【】\[\]、,，-]")
_COUNT = re.compile(r"^(\d{1,4})(?:\.0+)?$")


def _check_result(value: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    found = _RESULTS.get(_FOLD.sub("", unicodedata.normalize("NFKC", value)))
    if found is None:
        return None, ("应为合格、不合格（扣分）、不合格（备注）或未检查", "expected 合格, 不合格（扣分）, 不合格（备注） or 未检查")
    return found, None


def _count(required: bool):
    def check(value: str) -> tuple[int | None, tuple[str, str] | None]:
        text = value.strip()
        if not text:
            return (None, ("必填，不能为空", "required, must not be empty")) if required else (0, None)
        match = _COUNT.match(text)
        return (int(match.group(1)), None) if match else (None, ("应为非负整数", "expected a whole number ≥ 0"))
    return check


def _optional_code(value: str) -> tuple[str, tuple[str, str] | None]:
    if not value.strip():
        return "", None
    code = normalize_credit_code(value)
    return code, credit_code_problem(code)


def read_inspections(source: Source, *, name: str | None = None, limits: ReadLimits | None = None) -> pd.DataFrame:
    """A checked inspections file as one row per inspection (`row`, the columns' keys; each check as a
    (result, outcome) pair); InputError with every problem by row and column if anything is wrong."""
    checks = {"date": lambda v: date_check(v, required=True), "enterprise_code": credit_code_check,
              "enterprise_name": required_text_check, "hazards": _count(True), "major_hazards": _count(False),
              "agency_code": _optional_code, **{key: _check_result for key, _ in CHECK_COLUMNS}}
    checked = read_checked(source, INSPECTION_FILE_COLUMNS, checks, name=name, limits=limits)
    frame = pd.DataFrame({"row": checked.rows.astype("int64"),
                          **{c.key: checked.values(c.key, None) for c in INSPECTION_FILE_COLUMNS}})
    for key, _ in CHECK_COLUMNS:  # a column the file does not hold: not checked
        frame[key] = frame[key].map(lambda v: v if isinstance(v, tuple) else ("unchecked", ""))
    for key in ("agency_code", "contract_no", "note"):
        frame[key] = frame[key].fillna("")
    frame["major_hazards"] = frame["major_hazards"].map(lambda v: 0 if v is None or v == "" else v)
    for i, row in frame.iterrows():
        if all(checked.ok(k)[i] for k in ("hazards", "major_hazards")) and row["major_hazards"] > row["hazards"]:
            checked.problem(i, "major_hazards", "重大隐患数多于发现隐患数", "more major hazards than hazards",
                            row["major_hazards"])
        if not row["agency_code"]:
            for key, _ in CHECK_COLUMNS:
                if checked.ok(key)[i] and row[key] and row[key][0] != "unchecked":
                    checked.problem(i, key, "没有服务机构，不能检查机构", "no agency is named, so no check can be made",
                                    row[key][0])
    if checked.problems:
        raise InputError(checked.problems)
    return frame


def inspection_template_csv() -> bytes:
    """The blank template: the Chinese headers as one CSV line (UTF-8 with BOM, so Excel opens them right)."""
    return (",".join(c.label_zh for c in INSPECTION_FILE_COLUMNS) + "\r\n").encode("utf-8-sig")
