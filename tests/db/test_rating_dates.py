"""评定日期 after a correction: only the agencies a version changed take its date; the others keep theirs."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from db.accounts.actor import Actor
from db.documents.export import export_publication
from db.public import reads as public
from tests.builders import credit_code, finding
from tests.db.publishing import YEAR, load, load_roster
from tests.notices import publish_after_notice

V1 = dt.datetime(2026, 1, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Jiangyin
V2 = dt.datetime(2026, 2, 27, 17, 30, tzinfo=dt.UTC)  # already 28 February in Jiangyin
V3 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def _dates(engine, publication) -> dict[str, dt.date]:
    return public.rating_dates(engine, int(publication.id))


def test_a_correction_dates_only_the_agencies_it_changed(engine):
    load_roster(engine, range(4))
    load(engine, [finding(1, "3.1"), finding(2, "2.1")])
    first = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), published_at=V1)
    assert set(_dates(engine, first).values()) == {dt.date(2026, 1, 20)}

    # Agency 1 gets another finding in another quarter (score changes); agency 2 one in its floored quarter (the
    # score stays, its findings change); agency 4 is new; agencies 0 and 3 are untouched.
    load(engine, [finding(1, "3.2", period="Q2"), finding(2, "3.3"), finding(4, "3.4")])
    second = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="补录", published_at=V2)
    corrected, kept = dt.date(2026, 2, 28), dt.date(2026, 1, 20)
    assert _dates(engine, second) == {credit_code(0): kept, credit_code(1): corrected, credit_code(2): corrected,
                                      credit_code(3): kept, credit_code(4): corrected}
    assert _dates(engine, first) == dict.fromkeys(map(credit_code, range(4)), kept)  # an old version keeps its own

    # A third version that changes nobody (another reason only) moves no date.
    third = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="更正说明", published_at=V3)
    assert _dates(engine, third) == _dates(engine, second)


def test_the_profile_years_carry_the_agencys_own_rating_date(engine):
    load_roster(engine, range(2))
    load(engine, [finding(1, "3.1")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), published_at=V1)
    load(engine, [finding(1, "3.2", period="Q2")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="补录", published_at=V2)
    assert public.agency_profile(engine, credit_code(0))["years"]["rated_on"].tolist() == [dt.date(2026, 1, 20)]
    assert public.agency_profile(engine, credit_code(1))["years"]["rated_on"].tolist() == [dt.date(2026, 2, 28)]


def test_the_downloaded_files_date_each_agency_as_the_pages_do(engine):
    load_roster(engine, range(2))
    load(engine, [finding(1, "3.1")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), published_at=V1)
    load(engine, [finding(1, "3.2", period="Q2")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="补录", published_at=V2)
    keys = csv.DictReader(io.StringIO(export_publication(engine=engine, year=YEAR, fmt="keys.csv").decode("utf-8-sig")))
    assert {r["credit_code"]: r["rating_date"] for r in keys} == {credit_code(0): "2026-01-20",
                                                                 credit_code(1): "2026-02-28"}
    people = csv.DictReader(io.StringIO(export_publication(engine=engine, year=YEAR, fmt="csv").decode("utf-8-sig")))
    assert {r["统一社会信用代码"]: r["评定日期"] for r in people} == {credit_code(0): "2026-01-20",
                                                                  credit_code(1): "2026-02-28"}
    sheet = load_workbook(io.BytesIO(export_publication(engine=engine, year=YEAR, fmt="xlsx")))["评定结果"]
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    code, day = header.index("统一社会信用代码"), header.index("评定日期")
    assert {r[code]: r[day] for r in rows} == {credit_code(0): "2026-01-20", credit_code(1): "2026-02-28"}
