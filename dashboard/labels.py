"""How published values read on the page: grades with their text label, dates, assessors, periods, clauses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from core import china_time
from core.china_time import CHINA_TZ
from core.rulebook import Rulebook, clause_order
from core.towns import is_bureau
from dashboard.i18n import current, known, pick, t
from dashboard.plain import md


def grade_label(grade: str, rulebook: Rulebook) -> str:
    """`A 优秀`, `B 良好`, `C 一般`, `黑名单`: the grade always in words, never by colour alone."""
    for g in rulebook.grades:
        if g.key == grade:
            label = pick(g.label_zh, g.label_en)
            return label if g.blacklist else f"{g.key} {label}"
    return grade


def short_grade_label(grade: str, rulebook: Rulebook) -> str:
    """`A`, `B`, `C`, or the blacklist's label in words (never a bare key like BLACKLIST)."""
    blacklist = rulebook.blacklist_grade
    return grade_label(grade, rulebook) if grade == blacklist.key else grade


def grade_labels(rulebook: Rulebook) -> dict[str, str]:
    """Every grade key of the rulebook → its label, best grade first."""
    return {g.key: grade_label(g.key, rulebook) for g in rulebook.grades}


def local_date(value: Any) -> str:
    """A stored UTC time (or a date) as the local calendar date, YYYY-MM-DD."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(CHINA_TZ).date().isoformat()


def specialty_label(specialty: str) -> str:
    """机械 / mechanical …: a specialty (core.service_records.SPECIALTIES) in the visitor's language; one the site has
    no label for stays as filed."""
    return t(f"public.spec_{specialty}") if known(f"public.spec_{specialty}") else specialty
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(value: Any) -> str:
    """A month (stored as its first day, 2026-02-01, or written 2026-02) as people write it: 2026年2月 / Feb 2026."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) or value == "":
        return ""
    stamp = pd.Timestamp(str(value)[:7] + "-01" if isinstance(value, str) else value)
    return t("common.month_of", year=stamp.year, month=pick(str(stamp.month), _MONTHS_EN[stamp.month - 1]))


def yes_no(value: Any) -> str:
    """是 / 否 (yes / no) for a stored true or false."""
    return t("staff.audit_yes") if bool(value) else t("staff.audit_no")


# Columns of the service-record files whose words the site already has under another key; any other column `c` is
# labelled `common.rec_c`.
RECORD_LABELS: dict[str, str] = {
    "file_name": "staff.sq_file", "row": "common.row", "credit_code": "common.credit_code",
    "agency_name": "common.agency_full_name", "practitioner": "common.practitioner", "specialty": "common.specialty",
    "name": "agency.name", "id_number": "agency.id_number", "id_last4": "staff.id_last4",
    "contract_no": "agency.contract_no", "visits_per_year": "agency.visits_per_year", "month": "agency.report_month",
    "visit_date": "agency.visit_date", "hazards": "agency.hazards",
}


def record_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored service-record rows (a suggestion's evidence) for people: every column under its label
    (core.service_records.RECORD_COLUMNS), months as 2026年2月, yes or no in words, specialties in the visitor's
    language; never a column key such as `submitted_on`."""
    out = frame.copy()
    for column in out.columns:
        if column == "month":
            out[column] = out[column].map(month_label)
        elif column == "specialty":
            out[column] = out[column].map(specialty_label)
        elif out[column].dtype == bool:
            out[column] = out[column].map(yes_no)
    keys = {c: RECORD_LABELS.get(c, f"common.rec_{c}") for c in out.columns}
    return out.rename(columns={c: t(key) for c, key in keys.items() if known(key)})


def period_label(period: Any, rulebook: Rulebook) -> str:
    """A period key (Q3, YE, Y) as its label in the visitor's language (第三季度 / Q3 (Jul–Sep)); "" for none."""
    if period is None or period != period or period == "":
        return ""
    return period_labels(rulebook).get(str(period), str(period))


def local_time(value: dt.datetime | None) -> str:
    """A stored UTC time as China time to the minute, YYYY-MM-DD HH:MM ("" for none)."""
    return "" if value is None else china_time.to_china(value).strftime("%Y-%m-%d %H:%M")


def assessor_label(assessor: str) -> str:
    """The city bureau in the visitor's language; towns by their Chinese names (proper nouns)."""
    return t("common.bureau") if is_bureau(assessor) else assessor


def period_labels(rulebook: Rulebook) -> dict[str, str]:
    """Period key → label (第一季度 / Q1 …)."""
    return {p.key: pick(p.label_zh, p.label_en) for b in rulebook.buckets for p in b.periods}


def bucket_score_labels(rulebook: Rulebook) -> dict[str, str]:
    """`town_score` → 镇街园评定得分 … for every bucket of the rulebook."""
    return {f"{b.key}_score": t("public.score_of", bucket=pick(b.label_zh, b.label_en)) for b in rulebook.buckets}


def group_label(group: str, rulebook: Rulebook) -> str:
    """A clause group's label (直接列入“黑名单” / 一次扣10分 / 一次扣5分)."""
    for g in rulebook.groups:
        if g.key == group:
            return pick(g.label_zh, g.label_en)
    return group


def towns_text(cell: str) -> str:
    """`a;b` as the list a reader expects (、 in Chinese, commas in English)."""
    parts = [p for p in str(cell or "").split(";") if p]
    return pick("、", ", ").join(parts)


def clause_codes_text(cell: str) -> str:
    """`1.2;1.5` → `1.2、1.5`."""
    return towns_text(cell)


def listed_by_label(listed_by: str, rulebook: Rulebook) -> str:
    """By clause, or by a total under the blacklist threshold."""
    if listed_by == "clause":
        return t("public.listed_by_clause")
    return t("public.listed_by_score", min=_fmt(rulebook.blacklist_grade.max))


def score_basis(total: Any, rulebook: Rulebook) -> str:
    """The grounds of a listing by score: the total and the threshold it fell under."""
    return t("public.score_basis", total=_fmt(total), min=_fmt(rulebook.blacklist_grade.max))


def blacklist_grounds(clauses: str, total: Any, rulebook: Rulebook) -> str:
    """Why an agency is on the blacklist: each clause with its text (gloss in English), or its total under the line."""
    codes = [c for c in str(clauses or "").split(";") if c]
    if not codes:
        return score_basis(total, rulebook)
    parts = []
    for code in codes:
        clause = rulebook.clause_map.get(code)
        parts.append(f"{code} {pick(clause.text_zh, clause.gloss_en)}" if clause else code)
    return pick("；", "; ").join(parts)


def _fmt(number: Any) -> str:
    value = float(number)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def kv(label: str, value: object) -> str:
    """`**label**：value` in Chinese, `**label**: value` in English (markdown; the value shown as plain text)."""
    return f"**{label}**{pick('：', ': ')}{md(value)}"


def paren(text: str) -> str:
    """`（text）` in Chinese, ` (text)` in English."""
    return pick(f"（{text}）", f" ({text})")


def clause_legend(codes, rulebook: Rulebook) -> str:
    """The full text of each clause named in `codes`, one markdown line each (tables cut long texts)."""
    lines = []
    for code in sorted(set(codes), key=clause_order):
        if code in rulebook.clause_map:
            clause = rulebook.clause(code)
            line = f"- **{code}** {clause.text_zh}"
            if current() == "en" and clause.gloss_en:
                line += f"  \n  *{clause.gloss_en}*"
            lines.append(line)
    return "\n".join(lines)

