"""A version's readers' files keep the edition it was first offered in: older versions' CSV/XLSX/keys.csv keep their
bytes (SHA256SUMS still names a file downloaded before), newer ones label the act's date 行为日期, join every list
with ";" and spell keys.csv's demo true/false."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import MetaData, insert, select

from db.documents.export import WRITERS, export_publication
from db.public import open_data
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import FILES_EDITION, Publication
from tests.db import published_rows
from tests.db.published_rows import AGENCIES

B = AGENCIES[1][0]  # assessed by two towns in 2023


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _files(engine, year: int, version: int) -> dict[str, bytes]:
    return {fmt: export_publication(engine=engine, year=year, version=version, fmt=fmt) for fmt in WRITERS}


def test_versions_stored_before_editions_read_as_edition_1_and_new_ones_as_the_current(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0013")
    old = MetaData()
    old.reflect(engine)
    with engine.begin() as conn:
        conn.execute(insert(old.tables["publication"]).values(
            year=2024, version=1, rulebook="jiangyin-2020", published_at=dt.datetime(2025, 1, 17, 2),
            published_by="admin", reason="", digest="a" * 64, previous_digest="", agency_count=0, demo=False))
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Publication).values(
            year=2024, version=2, rulebook="jiangyin-2020", published_at=dt.datetime(2025, 2, 17, 2),
            published_by="admin", reason="r", digest="b" * 64, previous_digest="a" * 64, agency_count=0, demo=False))
        editions = conn.execute(select(Publication.version, Publication.files_edition)
                                .order_by(Publication.version)).all()
    assert [tuple(e) for e in editions] == [(1, 1), (2, FILES_EDITION)] and FILES_EDITION == 2
    engine.dispose()


def test_an_edition_1_version_keeps_its_labels_separators_and_demo_mark(engine):
    published_rows.build(engine, files_edition=1)
    ratings = {r["统一社会信用代码"]: r for r in _csv(export_publication(engine=engine, year=2023, fmt="csv"))}
    assert ratings[B]["评分镇街园"] == "华士镇；璜土镇"
    keys = _csv(export_publication(engine=engine, year=2023, fmt="keys.csv"))
    assert {r["demo"] for r in keys} == {"演示数据 demo"}
    assert "日期" in _csv(export_publication(engine=engine, year=2023, fmt="charges.csv"))[0]
    book = load_workbook(io.BytesIO(export_publication(engine=engine, year=2024, fmt="xlsx")))
    assert [c.value for c in book["黑名单人员"][1]][-1] == "日期"


def test_the_current_edition_names_the_act_joins_lists_with_semicolons_and_spells_demo_as_json(engine):
    published_rows.build(engine)
    ratings = {r["统一社会信用代码"]: r for r in _csv(export_publication(engine=engine, year=2023, fmt="csv"))}
    assert ratings[B]["评分镇街园"] == "华士镇;璜土镇"
    keys = _csv(export_publication(engine=engine, year=2023, fmt="keys.csv"))
    assert {r["demo"] for r in keys} == {"true"} and {r["towns"] for r in keys if r["credit_code"] == B} == {
        "华士镇;璜土镇"}
    charges = _csv(export_publication(engine=engine, year=2024, fmt="charges.csv"))
    assert "行为日期" in charges[0] and "日期" not in charges[0] and "列入日期" not in charges[0]
    book = load_workbook(io.BytesIO(export_publication(engine=engine, year=2024, fmt="xlsx")))
    assert [c.value for c in book["黑名单人员"][1]][-1] == "行为日期"
    assert [c.value for c in book["扣分明细"][1]][6] == "行为日期"


def test_the_checksum_list_names_each_versions_own_edition(tmp_path):
    first, current = (make_engine(f"sqlite:///{tmp_path / f'{n}.db'}") for n in ("first", "current"))
    for engine, edition in ((first, 1), (current, FILES_EDITION)):
        upgrade(engine)
        published_rows.build(engine, files_edition=edition)
    one, two = _files(first, 2023, 1), _files(current, 2023, 1)
    assert one["json"] == two["json"]  # the signed original never depends on the edition
    assert {fmt for fmt in WRITERS if one[fmt] != two[fmt]} == {"csv", "xlsx", "charges.csv", "keys.csv"}
    for engine, files in ((first, one), (current, two)):
        sums = open_data.checksums(engine)
        for fmt in ("csv", "xlsx", "charges.csv", "keys.csv"):
            assert open_data.identify(engine, files[fmt], sums).status == "current"
        engine.dispose()
