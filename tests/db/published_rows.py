"""A small published database built in code: publications and Published* rows inserted directly,
plus private rows (practitioners' ID numbers and phones, finding descriptions) that must never show.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.documents.scores import split_scores
from db.publishing.listings import sync_listings
from db.store.models import (
    FILES_EDITION,
    Agency,
    Finding,
    Practitioner,
    Publication,
    PublishedCharge,
    PublishedPractitioner,
    PublishedRating,
    PublishedScore,
)

# (code, name): valid unified social credit codes, as every agency stored by an import has
AGENCIES = [
    ("91320281MA1X00001U", "江阴市澄安安全技术服务有限公司"),
    ("91320281MA1X00002Y", "江阴华信安全科技有限公司"),
    ("91320281MA1X000032", "无锡泰和安全咨询有限公司"),
    ("91320281MA1X000045", "江阴市金盾安全生产咨询服务有限公司"),
]
PRIVATE_ID_NUMBERS = ["320281198801012345", "32028119900202234X"]
PRIVATE_PHONES = ["13912345678", "13800001111"]
PRIVATE_DESCRIPTIONS = ["私密情况说明：现场检查发现报告签字人未到场核验", "私密情况说明：涉嫌替企业编造培训记录"]


def _when(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 2, 0, tzinfo=dt.UTC)


def build(engine: Engine, *, demo: bool = True, files_edition: int = FILES_EDITION) -> None:
    """Insert three published years (2024 with a correction) and private rows into a migrated database; the
    versions' readers' files are of `files_edition`."""
    with engine.begin() as conn:
        for code, name in AGENCIES:
            conn.execute(insert(Agency).values(credit_code=code, name=name, created_at=_when(2023, 1, 1)))
        agency_ids = {code: i for i, (code, _) in enumerate(AGENCIES, 1)}
        for (i, idn), phone, spec in zip(enumerate(PRIVATE_ID_NUMBERS), PRIVATE_PHONES, ("机械", "电气"), strict=True):
            conn.execute(insert(Practitioner).values(
                agency_id=agency_ids[AGENCIES[i][0]], name=f"张{i}伟", id_number=idn, phone=phone, specialty=spec,
                certificate_no=f"CERT-{i}"))
        conn.execute(insert(Practitioner).values(
            agency_id=agency_ids[AGENCIES[0][0]], name="李强", id_number=None, phone=None, specialty="机械"))
        # Findings of 2026 that were never published, with descriptions (staff-only).
        for i, desc in enumerate(PRIVATE_DESCRIPTIONS):
            conn.execute(insert(Finding).values(
                agency_id=agency_ids[AGENCIES[i][0]], year=2026, clause="2.1",
                assessor="bureau", period="Y", date=dt.date(2026, 5, 1), description=desc,
                recorded_by="staff", recorded_at=_when(2026, 5, 2)))

        def publish(year: int, version: int, at: dt.datetime, rows: list[dict], charges: list[dict],
                    people: list[dict], reason: str = "", previous: str = "") -> int:
            pub_id = conn.execute(insert(Publication).values(
                year=year, version=version, rulebook="jiangyin-2020", published_at=at, published_by="admin-secret",
                reason=reason, digest=f"{year}{version}".ljust(64, "a"), previous_digest=previous,
                agency_count=len(rows), demo=demo, files_edition=files_edition)).inserted_primary_key[0]
            plain, scores = split_scores(rows, ("town", "bureau"), pub_id)
            for r in plain:
                conn.execute(insert(PublishedRating).values(publication_id=pub_id, year=year, **r))
            conn.execute(insert(PublishedScore), scores)
            for c in charges:
                conn.execute(insert(PublishedCharge).values(publication_id=pub_id, **c))
            for p in people:
                conn.execute(insert(PublishedPractitioner).values(publication_id=pub_id, **p))
            return pub_id

        a, b, c, d = (code for code, _ in AGENCIES)
        names = dict(AGENCIES)

        def rating(code, town, bureau, grade, clauses="", towns=""):
            return dict(credit_code=code, agency_name=names[code], town_score=town, bureau_score=bureau,
                        total=town + bureau, grade=grade, blacklist_clauses=clauses, towns=towns)

        def charge(code, clause, assessor, period, date, nominal, charged, blacklist=False):
            return dict(credit_code=code, clause=clause, assessor=assessor, period=period, date=date,
                        points_nominal=nominal, points_charged=charged, blacklist=blacklist)

        publish(2023, 1, _when(2024, 1, 19),
                [rating(a, 50, 50, "A", towns="璜土镇"), rating(b, 40, 45, "B", towns="华士镇;璜土镇"),
                 rating(c, 30, 40, "C", towns="周庄镇")],
                [charge(b, "2.1", "华士镇", "Q1", dt.date(2023, 2, 1), 10, 10),
                 charge(b, "3.2", "bureau", "Y", dt.date(2023, 6, 1), 5, 5),
                 charge(c, "2.2", "周庄镇", "Q2", dt.date(2023, 5, 1), 10, 10),
                 charge(c, "2.3", "周庄镇", "Q2", dt.date(2023, 5, 9), 10, 0),
                 charge(c, "2.5", "bureau", "Y", dt.date(2023, 7, 1), 10, 10)],
                [])
        v1 = publish(2024, 1, _when(2025, 1, 17),
                     [rating(a, 50, 50, "A", towns="璜土镇"), rating(b, 50, 40, "A", towns="华士镇"),
                      rating(c, 50, 50, "BLACKLIST", "1.3", towns="周庄镇"), rating(d, 20, 30, "BLACKLIST",
                                                                                   towns="月城镇")],
                     [charge(b, "2.1", "bureau", "Y", dt.date(2024, 3, 1), 10, 10),
                      charge(c, "1.3", "周庄镇", "Q3", dt.date(2024, 8, 8), 0, 0, True),
                      charge(d, "2.1", "月城镇", "Q1", dt.date(2024, 2, 2), 10, 10)],
                     [dict(credit_code=c, agency_name=names[c], practitioner="王芳", clause="1.3",
                           assessor="周庄镇", date=dt.date(2024, 8, 8))])
        del v1
        publish(2024, 2, _when(2025, 2, 21),
                [rating(a, 40, 50, "A", towns="璜土镇"), rating(b, 50, 40, "A", towns="华士镇"),
                 rating(c, 50, 50, "BLACKLIST", "1.3", towns="周庄镇"), rating(d, 20, 30, "BLACKLIST", towns="月城镇")],
                [charge(a, "2.6", "璜土镇", "Q4", dt.date(2024, 11, 3), 10, 10),
                 charge(b, "2.1", "bureau", "Y", dt.date(2024, 3, 1), 10, 10),
                 charge(c, "1.3", "周庄镇", "Q3", dt.date(2024, 8, 8), 0, 0, True),
                 charge(d, "2.1", "月城镇", "Q1", dt.date(2024, 2, 2), 10, 10)],
                [dict(credit_code=c, agency_name=names[c], practitioner="王芳", clause="1.3",
                      assessor="周庄镇", date=dt.date(2024, 8, 8))],
                reason="璜土镇第四季度扣分漏报，补录后更正", previous="20241".ljust(64, "a"))
        publish(2025, 1, _when(2026, 1, 16),
                [rating(a, 45, 50, "A", towns="璜土镇;华士镇"), rating(b, 35, 45, "B", towns="华士镇"),
                 rating(d, 30, 40, "C", towns="月城镇")],
                [charge(a, "3.1", "华士镇", "Q2", dt.date(2025, 4, 4), 5, 5),
                 charge(b, "2.2", "华士镇", "Q3", dt.date(2025, 8, 1), 10, 10),
                 charge(b, "3.3", "华士镇", "Q4", dt.date(2025, 11, 1), 5, 5),
                 charge(b, "3.4", "bureau", "Y", dt.date(2025, 9, 1), 5, 5),
                 charge(d, "2.3", "月城镇", "Q1", dt.date(2025, 3, 1), 10, 10),
                 charge(d, "2.8", "bureau", "Y", dt.date(2025, 6, 1), 10, 10)],
                [])
    # The listings publishing makes in the same transaction (列入日期 is the listing version's date in China).
    with Session(engine) as session, session.begin():
        for pub in session.execute(select(Publication).order_by(Publication.year, Publication.version)).scalars():
            sync_listings(session, pub, actor="admin-secret")
