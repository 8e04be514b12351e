"""The columns of every table the core reads or produces: the contract between core, db and dashboard."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an upload file: its English key, its Chinese label, and whether it must be present."""

    key: str
    label_zh: str
    required: bool
    note_zh: str = ""
    note_en: str = ""


# The year-end findings upload (docs/staff-guide.md, "Preparing a file"; what each column means: docs/scoring.md). Headers may be the key or the label.
FINDINGS_FILE_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", True, "18位，校验位正确", "18 characters, valid check digit"),
    Column("agency_name", "机构名称", True, "同一代码只能对应一个名称", "one name per code within a file"),
    Column("clause", "条款", True, "如 二（五）、2-5、2.5", "e.g. 二（五）, 2-5, 2.5"),
    Column("assessor", "评定单位", True, "市应急管理局或镇街园名称", "the city bureau or a town"),
    Column("period", "考核期", False, "镇街园必填：一季度…四季度、年底", "required for towns: Q1..Q4, YE"),
    Column("date", "日期", True, "YYYY-MM-DD", "YYYY-MM-DD"),
    Column("year", "年度", False, "默认为日期所在年度", "defaults to the year of the date"),
    Column("practitioner", "执业人员", False, "姓名", "name"),
    Column("description", "情况说明", False, "仅工作人员可见", "staff only, never public"),
    Column("document_no", "文书编号", False, "纸质记录编号", "reference of the paper record"),
)

ROSTER_FILE_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", True),
    Column("agency_name", "机构名称", True),
)

# A validated, normalised findings table (what `core.reader.read_findings` returns and `core.rating.rate`
# takes). One row per finding; dtypes: `row`/`year` int64, `date` datetime64[ns], the rest str ("" if empty).
#   row          the row number in the source file as Excel shows it (header = row 1); 0 if not from a file
#   credit_code  canonical USCC, upper case, no spaces
#   agency_name  as written, stripped
#   clause       canonical clause code "S.N" of the rulebook
#   assessor     "bureau" or the canonical full name of a town
#   period       the period key the finding is charged to ("Q1".."Q4", "YE"; "Y" for the bureau's year)
#   date, year   the date of the act/record, and the rating year it counts in
#   practitioner, description, document_no   free text ("" if absent); description is staff-only
FINDINGS_COLUMNS: tuple[str, ...] = (
    "row", "credit_code", "agency_name", "clause", "assessor", "period", "date", "year",
    "practitioner", "description", "document_no",
)

ROSTER_COLUMNS: tuple[str, ...] = ("credit_code", "agency_name")

# One row per agency and year (`python -m core rate` in docs/cli.md). The score columns are `<bucket key>_score`
# for each bucket of the rulebook: for jiangyin-2020 that is town_score, bureau_score.
RATING_ID_COLUMNS: tuple[str, ...] = ("credit_code", "agency_name", "year")
RATING_TAIL_COLUMNS: tuple[str, ...] = ("total", "grade", "blacklist_clauses")

# One row per finding of the rated year that was charged, with what it cost (the explanation).
#   points_nominal  what the clause costs once (10, 5; 0 for a blacklist clause; negative for a bonus)
#   points_charged  what it actually cost after its period's floor (never more than nominal)
#   blacklist       True when the clause lists the agency at once
EXPLANATION_COLUMNS: tuple[str, ...] = (
    "credit_code", "agency_name", "year", "row", "date", "clause", "clause_text", "clause_gloss", "effect",
    "assessor", "bucket", "period", "practitioner", "document_no", "description",
    "points_nominal", "points_charged", "blacklist",
)

# The towns each agency served in a year, with how many of its contracts ran there (core.town_scores.towns_served
# builds it from the contracts file or the stored contracts): what a bucket read `per_town` averages over.
TOWNS_SERVED_COLUMNS: tuple[str, ...] = ("credit_code", "town", "contracts")

# Under a `per_town` reading, one row per agency and town that counts (Rating.towns): the town's own score over the
# bucket's periods (each period floored on that town's findings alone), its contracts running in the year, and its
# weight in the agency's mean (1 each, or its contracts; a town with findings and no contract weighs 1).
TOWN_SCORE_COLUMNS: tuple[str, ...] = ("credit_code", "bucket", "town", "contracts", "weight", "score")

# Practitioners named in a blacklist finding (listed too: docs/scoring.md, "The blacklist").
BLACKLISTED_PRACTITIONER_COLUMNS: tuple[str, ...] = (
    "credit_code", "agency_name", "year", "practitioner", "clause", "assessor", "date",
)


def rating_columns(bucket_keys: list[str] | tuple[str, ...]) -> list[str]:
    """The rating table's columns for a rulebook with these buckets, in the order docs/cli.md's `rate` lists them."""
    return [*RATING_ID_COLUMNS, *(f"{k}_score" for k in bucket_keys), *RATING_TAIL_COLUMNS]
