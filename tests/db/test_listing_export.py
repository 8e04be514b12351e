"""The listings export for credit platforms: exactly its seven columns, every listing, CSV with BOM and XLSX, escaped."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from db.accounts.actor import Actor
from db.cli.commands import main
from db.demo.seed import seed_demo
from db.documents.cells import unescape_cell
from db.documents.export import ExportError, load_document
from db.public.listing_export import EXPORT_COLUMNS, export_listings
from db.publishing.listing_removal import expire_listings
from tests.builders import credit_code, finding
from tests.db.conftest import url_of
from tests.db.publishing import YEAR, a_year, load
from tests.db.test_listings import V1_AT, score_listed
from tests.notices import publish_after_notice

COLUMNS = ["主体名称", "统一社会信用代码", "列入原因", "认定部门", "列入日期", "移出日期", "状态"]


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert reader.fieldnames == COLUMNS
    return [{k: unescape_cell(v) for k, v in row.items()} for row in reader]


def read_xlsx(content: bytes) -> list[dict]:
    [sheet] = load_workbook(io.BytesIO(content)).worksheets
    header, *body = sheet.iter_rows(values_only=True)
    assert list(header) == COLUMNS
    return [{k: unescape_cell(v) for k, v in zip(header, row, strict=True)} for row in body]


@pytest.fixture
def listed(engine):
    a_year(engine)
    score_listed(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), published_at=V1_AT)


def test_the_export_has_the_platform_columns_for_every_listing(engine, listed):
    rows = read_csv(export_listings(engine=engine, fmt="csv", today=dt.date(2026, 2, 1)))
    assert tuple(COLUMNS) == EXPORT_COLUMNS
    by_name = {r["主体名称"]: r for r in rows}
    assert set(by_name) == {"江阴市第2安全技术服务有限公司", "王建国", "江阴市第5安全技术服务有限公司"}
    score = by_name["江阴市第5安全技术服务有限公司"]
    # What the auditor missed: a score-based blacklisting has its 认定部门 and 列入日期.
    assert score == {"主体名称": "江阴市第5安全技术服务有限公司", "统一社会信用代码": credit_code(5),
                     "列入原因": f"{YEAR}年度信用评定：总分55分，低于60分", "认定部门": "市应急管理局",
                     "列入日期": "2026-01-17", "移出日期": "2027-01-17", "状态": "列入中"}
    person = by_name["王建国"]
    assert person["统一社会信用代码"] == credit_code(2)  # a practitioner's is its agency's
    assert person["列入原因"].startswith("江阴市第2安全技术服务有限公司从业人员；2025年度信用评定：1.3 ")


def test_列入日期_is_the_publication_date_for_a_clause_listing_never_the_acts(engine, listed):
    rows = {r["主体名称"]: r for r in read_csv(export_listings(engine=engine, fmt="csv", today=dt.date(2026, 2, 1)))}
    acts = {c["date"] for c in load_document(engine=engine, year=YEAR)["charges"] if c["clause"] == "1.3"}
    assert acts and "2026-01-17" not in acts
    for name in ("江阴市第2安全技术服务有限公司", "王建国"):  # by clause 1.3: the agency and its practitioner
        assert rows[name]["列入日期"] == "2026-01-17" and rows[name]["列入日期"] not in acts


def test_the_status_follows_the_listing(engine, listed):
    expire_listings(engine=engine, today=dt.date(2027, 1, 17))
    rows = read_xlsx(export_listings(engine=engine, fmt="xlsx", today=dt.date(2027, 2, 1)))
    assert {(r["状态"], r["移出日期"]) for r in rows} == {("期满移出", "2027-01-17")}


def test_formula_looking_names_are_escaped(engine):
    name = "=HYPERLINK(\"http://x\")公司"
    load(engine, [finding(7, "1.3", assessor="市应急管理局", name=name)])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), published_at=V1_AT)
    csv_text = export_listings(engine=engine, fmt="csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "\n=" not in csv_text and ",=" not in csv_text
    [sheet] = load_workbook(io.BytesIO(export_listings(engine=engine, fmt="xlsx"))).worksheets
    assert sheet["A2"].value == "'" + name and sheet["A2"].data_type == "s"
    assert read_csv(export_listings(engine=engine, fmt="csv"))[0]["主体名称"] == name


def test_the_xlsx_is_the_same_bytes_every_time(engine, listed):
    day = dt.date(2026, 3, 1)
    content = export_listings(engine=engine, fmt="xlsx", today=day)
    assert content == export_listings(engine=engine, fmt="xlsx", today=day)
    with zipfile.ZipFile(io.BytesIO(content)) as z:  # no clock inside: dated the day the statuses are for
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml")
    assert core.count(b"2026-03-01T00:00:00Z") == 2  # created and modified


def test_an_unknown_format_is_refused(engine):
    with pytest.raises(ExportError, match="unknown format"):
        export_listings(engine=engine, fmt="pdf")
    assert read_csv(export_listings(engine=engine, fmt="csv")) == []


def test_the_command_line_exports_and_expires(engine, listed, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    assert main(["listings", "export", "--format", "xlsx", str(tmp_path / "l.xlsx")]) == 0
    assert len(read_xlsx((tmp_path / "l.xlsx").read_bytes())) == 3
    assert main(["listings", "export", "--format", "csv", "-"]) == 0
    assert main(["listings", "expire", "--by", "cron"]) == 0
    out, err = capsys.readouterr()
    assert "主体名称" in out and "0 listings removed at term end" in out and "Traceback" not in out + err


def test_every_row_of_demo_listings_says_demo(engine):
    seed_demo(engine=engine)
    rows = read_csv(export_listings(engine=engine, fmt="csv"))
    assert rows and all(r["列入原因"].startswith("【演示数据 demo】") for r in rows)
    assert {r["认定部门"] for r in rows} and all(r["认定部门"] and r["列入日期"] for r in rows)
