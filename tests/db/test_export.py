"""Exports of a published version: CSV/XLSX/JSON read back equal, formulas defused, digests checkable, no personal data."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session

from core.rulebook import load_rulebook
from core.schema import rating_columns
from core.towns import default_towns
from db.accounts.actor import Actor
from db.demo.seed import seed_demo
from db.documents.cells import unescape_cell
from db.documents.editions import RATING_HEADERS, grade_zh
from db.documents.export import (
    TABLE_EXTRA_FIELDS,
    WRITERS,
    ExportError,
    export_publication,
    load_document,
)
from db.public.listing_export import export_listings
from db.publishing.listing_removal import apply_repair, decide_repair
from db.store.models import Agency, Finding, HazardReport, Listing, Practitioner, Publication, PublishedPractitioner
from tests.builders import finding
from tests.db.publishing import YEAR, a_year, load
from tests.notices import publish_after_notice

INTS = ("year", "town_score", "bureau_score", "total", "version")
# The jiangyin-2020 rating columns as the core derives them from the rulebook, and the towns served.
RATING_FIELDS = (*rating_columns([b.key for b in load_rulebook().buckets]), "towns")


def published_table(engine, version=None) -> list[dict]:
    """The published rating rows as the CSV/XLSX rating sheet should hold them (rating date in China time)."""
    document = load_document(engine=engine, year=YEAR, version=version)
    when = dt.datetime.strptime(document["published_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    day = when.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    demo = "true" if document["demo"] else "false"  # as the JSON spells it
    return [{**r, "rating_date": day, "version": document["version"], "demo": demo} for r in document["ratings"]]


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel shows Chinese
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return [{k: (int(v) if k in INTS else unescape_cell(v)) for k, v in r.items()} for r in rows]


def read_xlsx(content: bytes) -> tuple[list[dict], dict]:
    """The ratings sheet (Chinese headers) and the details sheet of a readers' XLSX."""
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["评定结果", "扣分明细", "黑名单人员", "更正变化", "发布信息"]
    ratings, meta = book["评定结果"], book["发布信息"]
    header, *body = list(ratings.iter_rows(values_only=True))
    rows = [{k: unescape_cell("" if v is None else v) for k, v in zip(header, r, strict=True)} for r in body]
    return rows, {k: "" if v is None else v for k, v in list(meta.iter_rows(values_only=True))[1:]}


def readers_rows(engine, version=None) -> list[dict]:
    """published_table as the readers' editions spell it: Chinese headers, grades in words, towns with ;."""
    rulebook = load_rulebook()
    labels = {"town_score": "镇街园评定得分", "bureau_score": "市应急管理局评定得分", **RATING_HEADERS}
    out = []
    for r in published_table(engine, version):
        row = {**r, "grade": grade_zh(r["grade"], rulebook), "demo": "演示数据" if r["demo"] == "true" else ""}
        out.append({labels[k]: v for k, v in row.items()})
    return out


@pytest.fixture
def published(engine):
    a_year(engine)
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))


def test_the_machines_csv_reads_back_equal_to_the_published_rows(engine, published):
    rows = read_csv(export_publication(engine=engine, year=YEAR, fmt="keys.csv"))
    assert list(rows[0]) == [*RATING_FIELDS, *TABLE_EXTRA_FIELDS]
    assert rows == published_table(engine)


def test_the_readers_csv_has_chinese_headers_and_grades_in_words(engine, published):
    content = export_publication(engine=engine, year=YEAR, fmt="csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = [{k: (int(v) if k in ("年度", "总分", "版本", "镇街园评定得分", "市应急管理局评定得分") else unescape_cell(v))
             for k, v in r.items()} for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]
    assert list(rows[0])[:3] == ["统一社会信用代码", "机构名称", "年度"]
    assert rows == readers_rows(engine)
    assert {r["等级"] for r in rows} <= {"A（优秀）", "B（良好）", "C（一般）", "黑名单"}


def test_xlsx_export_reads_back_equal_and_carries_the_digest(engine, published):
    rows, meta = read_xlsx(export_publication(engine=engine, year=YEAR, fmt="xlsx"))
    assert rows == readers_rows(engine)
    assert (meta["摘要 SHA-256"], meta["上一版本摘要"], meta["版本"], meta["发布单位"]) == (
        published.digest, "", 1, "市应急管理局")
    assert meta["签名公钥"] == published.key_id


def test_the_charges_are_a_file_and_a_sheet_of_their_own(engine, published):
    document = load_document(engine=engine, year=YEAR)
    text = export_publication(engine=engine, year=YEAR, fmt="charges.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(document["charges"]) > 0
    assert list(rows[0]) == ["统一社会信用代码", "机构名称", "条款", "条款内容", "认定部门", "期间", "行为日期",
                             "标准扣分", "实际扣分", "直接列入黑名单"]
    assert all(r["条款内容"] and r["机构名称"] for r in rows)
    book = load_workbook(io.BytesIO(export_publication(engine=engine, year=YEAR, fmt="xlsx")))
    assert book["扣分明细"].max_row == len(rows) + 1


def test_the_xlsx_is_the_same_bytes_every_time(engine, published):
    first = export_publication(engine=engine, year=YEAR, fmt="xlsx")
    import time
    time.sleep(1.1)  # openpyxl stamps zip entries with the clock to the second: a second later must not matter
    assert export_publication(engine=engine, year=YEAR, fmt="xlsx") == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_json_export_reads_back_equal_and_its_digest_checks_by_hand(engine, published):
    document = json.loads(export_publication(engine=engine, year=YEAR, fmt="json"))
    stored = load_document(engine=engine, year=YEAR)
    assert document == stored
    assert [list(r) for r in document["ratings"]][0] == sorted(RATING_FIELDS)
    # The documented recipe: drop "digest" and "signature", dump canonically (plain text, whole numbers: sorted
    # keys, no whitespace, characters as themselves), SHA-256.
    claimed = document.pop("digest")
    assert document.pop("signature")["algorithm"] == "Ed25519"
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == claimed == published.digest


def test_every_row_of_a_demo_export_says_demo(engine):
    seed_demo(engine=engine)
    rows = read_csv(export_publication(engine=engine, year=2024, fmt="keys.csv"))
    xlsx_rows, meta = read_xlsx(export_publication(engine=engine, year=2024, fmt="xlsx"))
    assert {r["demo"] for r in rows} == {"true"} and {r["演示数据"] for r in xlsx_rows} == {"演示数据"}
    readers = export_publication(engine=engine, year=2024, fmt="csv").decode("utf-8-sig")
    assert {r["演示数据"] for r in csv.DictReader(io.StringIO(readers))} == {"演示数据"}
    assert meta["演示数据"] == "是" and json.loads(export_publication(engine=engine, year=2024, fmt="json"))["demo"]


def test_an_older_version_exports_with_its_own_rows(engine, published):
    load(engine, [finding(0, "2.1", period="Q4")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录")
    v1 = read_csv(export_publication(engine=engine, year=YEAR, version=1, fmt="keys.csv"))
    v2 = read_csv(export_publication(engine=engine, year=YEAR, fmt="keys.csv"))
    assert (v1[0]["total"], v1[0]["version"], v2[0]["total"], v2[0]["version"]) == (100, 1, 90, 2)


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点击")', "+1", "-2+3", "@SUM(A1)"])
def test_formula_looking_agency_names_are_escaped_in_csv_and_xlsx(engine, name):
    load(engine, [finding(7, "3.1", name=name)])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    for fmt in ("csv", "keys.csv", "charges.csv"):
        text = export_publication(engine=engine, year=YEAR, fmt=fmt).decode("utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert "'" + name in cells and name not in cells, fmt
    book = load_workbook(io.BytesIO(export_publication(engine=engine, year=YEAR, fmt="xlsx")))
    for sheet in ("评定结果", "扣分明细"):
        cell = book[sheet]["B2"]
        assert (cell.value, cell.data_type) == ("'" + name, "s")  # text, never a formula
    text = export_publication(engine=engine, year=YEAR, fmt="keys.csv")
    assert read_csv(text)[0]["agency_name"] == name  # and it reads back as written


# Whether a downloaded JSON is a true copy: tests/dashboard/test_check_file.py (the check page) and
# tests/db/test_verify_cli.py (python -m db verify).


def test_exporting_an_unpublished_year_or_an_unknown_format_is_refused(engine, published):
    with pytest.raises(ExportError, match="no published rating for 2019"):
        export_publication(engine=engine, year=2019, fmt="csv")
    with pytest.raises(ExportError, match="no published version 7"):
        export_publication(engine=engine, year=YEAR, version=7, fmt="csv")
    with pytest.raises(ExportError, match="unknown format"):
        export_publication(engine=engine, year=YEAR, fmt="pdf")


def all_text(content: bytes, fmt: str) -> str:
    """Everything a file holds as text (an XLSX is a zip of XML parts)."""
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return content.decode("utf-8-sig")


def session_names(engine) -> list[tuple[str]]:
    with Session(engine) as session:
        return session.execute(select(Agency.name)).all()


def test_no_export_holds_personal_data_descriptions_or_staff_accounts(engine):
    seed_demo(engine=engine)
    load(engine, [finding(3, "2.5", period="Q2", practitioner="欧阳晓明", description="联系人身份证320281199001011234")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录第二季度记录")
    with Session(engine) as session:
        people = session.execute(select(Practitioner.name, Practitioner.id_number, Practitioner.phone)).all()
        descriptions = {d for (d,) in session.execute(select(Finding.description)) if d}
        listed = {n for (n,) in session.execute(select(PublishedPractitioner.practitioner))}
        versions = session.execute(select(Publication.year, Publication.version)).all()
        hazards = {v for row in session.execute(select(HazardReport.enterprise_name, HazardReport.enterprise_code,
                                                        HazardReport.hazard, HazardReport.case_no)) for v in row if v}
    assert len(hazards) > 20  # the demo's hazard-refusal reports: counts only are public, never in an export
    secrets = {*descriptions, *hazards, *(p.id_number for p in people), *(p.phone for p in people), "admin.zhou",
               "欧阳晓明"}
    public_text = " ".join(name for (name,) in session_names(engine)) + " ".join(default_towns().names)
    # Only blacklisted practitioners are named (a name that is also part of a town's or agency's name, like
    # 徐霞 in 徐霞客镇, cannot be told apart by scanning text, so it is left out).
    secrets |= {p.name for p in people if p.name not in listed and p.name not in public_text}
    assert len(people) > 40 and len(descriptions) > 100 and len(versions) == 5 and listed
    for year, version in versions:
        for fmt in WRITERS:
            text = all_text(export_publication(engine=engine, year=year, version=version, fmt=fmt), fmt)
            leaked = sorted(s for s in secrets if s in text)
            assert leaked == [], f"{year} v{version} {fmt}: {leaked[:3]}"
    # The blacklist listings export too, after a repair application with a summary and a decision reason.
    with Session(engine) as session:
        listing = session.execute(select(Listing).order_by(Listing.id.desc())).scalars().first()
    day = listing.listed_on
    application = apply_repair(engine=engine, by=Actor.operator("staff.sun"), listing_id=listing.id, received_on=day,
                               summary="联系人电话13800001111", today=day)
    decide_repair(engine=engine, by=Actor.operator("staff.sun"), application_id=application.id, grant=False,
                  reason="材料中身份证号320281199001015678不符", today=day)
    secrets |= {"staff.sun", "13800001111", "320281199001015678"}
    for fmt in ("csv", "xlsx"):
        text = all_text(export_listings(engine=engine, fmt=fmt), fmt)
        assert "主体名称" in text or fmt == "xlsx"
        leaked = sorted(s for s in secrets if s in text)
        assert leaked == [], f"listings {fmt}: {leaked[:3]}"


def test_the_open_data_recipe_checks_a_downloaded_export(engine, published, tmp_path, capsys):
    from tests.db.test_hand_check import hand_recipe

    content = export_publication(engine=engine, year=YEAR, fmt="json")
    (tmp_path / "jiangyin-credit-2025-v1.json").write_bytes(content)
    with contextlib.chdir(tmp_path):
        exec(hand_recipe(), {})
    assert capsys.readouterr().out.split() == ["digest", "matches:", "True", published.digest, "file", "SHA-256:",
                                               hashlib.sha256(content).hexdigest()]


def test_the_command_line_offers_every_export_format():
    from db.cli.publish_commands import EXPORT_FORMATS

    assert set(EXPORT_FORMATS) == set(WRITERS)
