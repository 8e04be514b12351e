"""Readers' editions of a published version: Chinese headers and grade labels, the charges, a reproducible XLSX.

The JSON document (db.documents.export) is what is digested and signed; these files are views of it for people
(a bureau clerk in Excel, a journalist), written from the document alone, so the same version always gives the
same bytes — the SHA-256 list of every file (db.publishing.checksums) can then name any downloaded file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.china_time import to_china
from core.errors import RulebookError
from core.rulebook import READING_MARK, Rulebook, load_rulebook
from core.towns import assessor_name_zh
from db.documents.cells import escape_cell
from db.documents.changes import changes_between
from db.documents.scores import SUFFIX
from db.store.models import FILES_EDITION

# Chinese header of each field (a `<bucket>_score` takes its bucket's label from the rulebook).
RATING_HEADERS = {
    "credit_code": "统一社会信用代码", "agency_name": "机构名称", "year": "年度", "total": "总分", "grade": "等级",
    "blacklist_clauses": "直接列入黑名单条款", "towns": "评分镇街园", "rating_date": "评定日期", "version": "版本",
    "demo": "演示数据",
}
# A finding's `date` is the date of the act: 行为日期 (edition 1 wrote 日期), never 列入日期, which is a listing's
# publication date (db.publishing.listings).
ACT_DATE_HEADER = {1: "日期", 2: "行为日期"}
CHARGE_HEADERS = {
    "credit_code": "统一社会信用代码", "agency_name": "机构名称", "clause": "条款", "clause_text": "条款内容",
    "assessor": "认定部门", "period": "期间", "date": "行为日期", "points_nominal": "标准扣分",
    "points_charged": "实际扣分", "blacklist": "直接列入黑名单",
}
PRACTITIONER_HEADERS = {
    "credit_code": "统一社会信用代码", "agency_name": "机构名称", "practitioner": "执业人员", "clause": "条款",
    "clause_text": "条款内容", "assessor": "认定部门", "date": "行为日期",
}
# One separator for every list in a cell, in every format: ";" as the JSON's blacklist_clauses and towns. Edition 1
# wrote towns and a correction's findings with "；" (its versions keep it).
LIST_SEPARATOR = ";"
EDITION_1_SEPARATOR = "；"
DEMO_MARK = "演示数据"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: fixed, so the bytes never vary


# The document key naming how the towns' bucket was read when that was not pooled (docs/scoring.md): absent otherwise.
TOWN_READING_KEY = "town_reading"
TOWN_READING_ZH = {"per_town/equal": "各镇街园分别评分，按镇街园平均", "per_town/contracts": "各镇街园分别评分，按合同数加权平均"}


def document_reference(document: Mapping[str, Any]) -> str:
    """The rulebook reference a document was rated under: its rulebook, with its town reading when it names one."""
    reading = document.get(TOWN_READING_KEY)
    return f"{document['rulebook']}{READING_MARK}{reading}" if reading else str(document["rulebook"])


def _rulebook(document: Mapping[str, Any]) -> Rulebook | None:
    try:
        return load_rulebook(document_reference(document))
    except RulebookError:  # rated under a rulebook file this machine lacks: keys instead of labels
        return None


def grade_zh(grade: str, rulebook: Rulebook | None) -> str:
    """`A（优秀）`, `黑名单`: the grade in words, as the public pages show it."""
    for g in rulebook.grades if rulebook else ():
        if g.key == grade:
            return g.label_zh if g.blacklist else f"{g.key}（{g.label_zh}）"
    return grade


def _score_header(field: str, rulebook: Rulebook | None) -> str:
    bucket = field.removesuffix(SUFFIX)
    for b in rulebook.buckets if rulebook else ():
        if b.key == bucket:
            return f"{b.label_zh}得分"
    return field


def _rating_date(document: Mapping[str, Any]) -> str:
    published = dt.datetime.strptime(document["published_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return to_china(published).date().isoformat()


def _headers(headers: Mapping[str, str], edition: int) -> dict[str, str]:
    """`headers` as an edition spells them (the act's date)."""
    return {**headers, "date": ACT_DATE_HEADER[min(edition, 2)]}


def ratings_table(document: Mapping[str, Any], rated_on: Mapping[str, str] | None = None,
                  edition: int = FILES_EDITION) -> tuple[list[str], list[list[Any]]]:
    """The ratings with Chinese headers: one row per agency, grades in words, rating date and version added.

    `rated_on`: credit_code → 评定日期 (db.documents.rating_dates); without it, the version's own date.
    """
    rulebook = _rulebook(document)
    fields = list(document["ratings"][0]) if document["ratings"] else []
    header = [RATING_HEADERS.get(f) or _score_header(f, rulebook) for f in fields]
    header += [RATING_HEADERS["rating_date"], RATING_HEADERS["version"], RATING_HEADERS["demo"]]
    towns = "towns"
    day, rated_on = _rating_date(document), rated_on or {}
    extra = [document["version"], DEMO_MARK if document["demo"] else ""]
    separator = LIST_SEPARATOR if edition >= 2 else EDITION_1_SEPARATOR
    rows = [[grade_zh(r[f], rulebook) if f == "grade" else (r[f].replace(";", separator) if f == towns else r[f])
             for f in fields] + [rated_on.get(r["credit_code"], day), *extra] for r in document["ratings"]]
    return header, rows


def _with_names(document: Mapping[str, Any], rows: list[dict[str, Any]], headers: Mapping[str, str]
                ) -> tuple[list[str], list[list[Any]]]:
    """`rows` with the agency's name, the clause's text, the assessor's full name and 是/否, column by column."""
    if not rows:
        return list(headers.values()), []
    rulebook = _rulebook(document)
    texts = {key: clause.text_zh for key, clause in (rulebook.clause_map if rulebook else {}).items()}
    frame = pd.DataFrame(rows)
    by_code = frame["credit_code"].map({r["credit_code"]: r["agency_name"] for r in document["ratings"]}).fillna("")
    own = frame["agency_name"] if "agency_name" in frame else pd.Series("", index=frame.index)
    frame["agency_name"] = own.where(own.fillna("").astype(bool), by_code)
    frame["clause_text"] = frame["clause"].map(texts).fillna("")
    frame["assessor"] = frame["assessor"].map({a: assessor_name_zh(a) for a in frame["assessor"].unique()})
    if "blacklist" in frame:
        frame["blacklist"] = frame["blacklist"].map(lambda black: "是" if black else "否")
    return list(headers.values()), frame[list(headers)].astype(object).to_numpy().tolist()


def charges_table(document: Mapping[str, Any], edition: int = FILES_EDITION) -> tuple[list[str], list[list[Any]]]:
    """Every charged finding (the clause-by-clause explanation of the scores), Chinese headers."""
    return _with_names(document, document["charges"], _headers(CHARGE_HEADERS, edition))


def practitioners_table(document: Mapping[str, Any], edition: int = FILES_EDITION
                        ) -> tuple[list[str], list[list[Any]]]:
    """Practitioners listed by a 1.x finding (names only), Chinese headers."""
    return _with_names(document, document["blacklisted_practitioners"], _headers(PRACTITIONER_HEADERS, edition))


CHANGE_HEADERS = {
    "credit_code": "统一社会信用代码", "agency_name": "机构名称", "old_total": "原总分", "new_total": "现总分",
    "old_grade": "原等级", "new_grade": "现等级", "findings_added": "新增扣分记录", "findings_withdrawn": "撤销扣分记录",
}


def changes_table(document: Mapping[str, Any], previous: Mapping[str, Any] | None, edition: int = FILES_EDITION
                  ) -> tuple[list[str], list[list[Any]]]:
    """What this version changed against the one before it, per agency (empty for version 1)."""
    rulebook = _rulebook(document)
    frame = changes_between(previous, document, LIST_SEPARATOR if edition >= 2 else EDITION_1_SEPARATOR)
    rows = [[("" if pd.isna(r[f]) else int(r[f])) if f.endswith("_total") else
             (grade_zh(r[f], rulebook) if r[f] else "") if f.endswith("_grade") else r[f] for f in CHANGE_HEADERS]
            for r in frame.to_dict("records")]
    return list(CHANGE_HEADERS.values()), rows


def metadata_table(document: Mapping[str, Any], edition: int = FILES_EDITION) -> tuple[list[str], list[list[Any]]]:
    """What the version is and how to check it."""
    rows = [
        ["年度", document["year"]], ["版本", document["version"]], ["发布时间（UTC）", document["published_at"]],
        ["发布单位", document["publisher"]], ["更正原因", document["reason"]], ["评定办法", document["rulebook"]],
        ["机构数", document["agency_count"]], ["演示数据", "是" if document["demo"] else "否"],
        ["摘要 SHA-256", document["digest"]], ["上一版本摘要", document["previous_digest"]],
        *([["镇街园评分方式", TOWN_READING_ZH.get(document[TOWN_READING_KEY], document[TOWN_READING_KEY])]]
          if document.get(TOWN_READING_KEY) else []),
        ["签名公钥", (document.get("signature") or {}).get("key_id", "（签名功能启用前发布，无签名）")],
        ["校验方法", "下载同一版本的 JSON 文件，运行 python -m db verify 文件 --public-key 公钥；或在网站“核验文件”页上传本文件"],
    ]
    return ["项目", "内容"], rows


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[escape_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def to_ratings_csv(document: Mapping[str, Any], rated_on: Mapping[str, str] | None = None,
                   edition: int = FILES_EDITION) -> bytes:
    """The ratings for people: Chinese headers and grade labels, UTF-8 with BOM so Excel shows Chinese."""
    return _csv(*ratings_table(document, rated_on, edition))


def to_changes_csv(document: Mapping[str, Any], previous: Mapping[str, Any] | None,
                   edition: int = FILES_EDITION) -> bytes:
    """What a correction changed, per agency: old → new total and grade, findings added and withdrawn."""
    return _csv(*changes_table(document, previous, edition))


def to_charges_csv(document: Mapping[str, Any], edition: int = FILES_EDITION) -> bytes:
    """The charges for people: which clause cost which agency how many points, and who found it."""
    return _csv(*charges_table(document, edition))


SHEETS = (("评定结果", ratings_table), ("扣分明细", charges_table), ("黑名单人员", practitioners_table),
          ("更正变化", changes_table), ("发布信息", metadata_table))
WITH_PREVIOUS = {"更正变化"}  # sheets that compare with the version before
WIDTHS = {"统一社会信用代码": 22, "机构名称": 36, "条款内容": 50, "评分镇街园": 30, "摘要 SHA-256": 70, "内容": 70,
          "校验方法": 70}


def to_xlsx(document: Mapping[str, Any], previous: Mapping[str, Any] | None = None,
            rated_on: Mapping[str, str] | None = None, edition: int = FILES_EDITION) -> bytes:
    """One workbook: ratings, charges, listed practitioners and the version's details; byte-for-byte reproducible."""
    from openpyxl import Workbook  # openpyxl is only needed for this format
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, table in SHEETS:
        sheet = book.create_sheet(title)
        header, rows = (table(document, previous, edition) if title in WITH_PREVIOUS else
                        table(document, rated_on, edition) if table is ratings_table else table(document, edition))
        sheet.append(header)
        for row in rows:
            sheet.append([escape_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for number, name in enumerate(header, 1):
            sheet.column_dimensions[get_column_letter(number)].width = WIDTHS.get(name, max(10, 2 * len(name) + 2))
    published = dt.datetime.strptime(document["published_at"], "%Y-%m-%dT%H:%M:%SZ")
    book.properties.creator = book.properties.lastModifiedBy = document["publisher"]
    book.properties.created = book.properties.modified = published
    book.properties.title = f"{document['year']}年度安全生产技术服务机构诚信等级评定结果（第{document['version']}版）"
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]*)</dcterms:created>")


def reproducible_zip(content: bytes) -> bytes:
    """The same workbook with nothing taken from the clock: openpyxl stamps every zip entry and the "modified"
    property with the time of saving; entries get a fixed time and "modified" becomes "created" (published_at)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/core.xml" and (created := _CREATED.search(part)):
                part = _MODIFIED.sub(lambda m: m.group(1) + created.group(1) + m.group(2), part)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, part)
    return out.getvalue()
