"""The towns' reading through the database: stored contracts name the towns served, a per-town version says so in
its document, a pooled one is the document it always was, and the demo agency that turns on the reading."""

from __future__ import annotations

import json

from core.rulebook import load_rulebook
from db.accounts.actor import Actor
from db.demo.seed import seed_demo
from db.documents.check import check_store
from db.documents.editions import metadata_table
from db.documents.export import export_publication, load_document
from db.documents.verify import ALTERED, verify_document
from db.publishing.rating import rate_year
from db.records.imports import import_records
from tests.builders import credit_code, records_csv
from tests.db.publishing import YEAR, finding, load
from tests.notices import publish_after_notice

ADMIN = Actor.operator("admin.zhou")
PER_TOWN = "jiangyin-2020#per_town/contracts"
DEMO_AGENCY = "91320281MA8T1BAX70"


def contracts(engine, agency: int, towns: dict[str, int]) -> None:
    """`towns[t]` contracts of the agency with clients in town t, running through YEAR."""
    rows = [{"credit_code": credit_code(agency), "client_code": credit_code(800 + i), "client_name": f"客户{i}",
             "town": town, "contract_no": f"HT-{agency}-{i}", "signed_on": f"{YEAR - 1}-12-20",
             "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31", "visits_per_year": "6"}
            for i, town in enumerate(t for t, n in towns.items() for _ in range(n))]
    import_records(engine=engine, kind="contracts", content=records_csv("contracts", rows), file_name="contracts.csv",
                   by=Actor.operator("test"))


def a_year_in_three_towns(engine) -> None:
    """Agency 1 serves 澄江街道 (1 contract), 华士镇 (2) and 周庄镇 (7); only 澄江街道 found faults: 25 points."""
    contracts(engine, 1, {"澄江街道": 1, "华士镇": 2, "周庄镇": 7})
    load(engine, [finding(1, "2.5", period="Q1"), finding(1, "2.5", period="Q2"), finding(1, "3.3", period="Q3")])


def test_the_stored_contracts_are_the_towns_served_under_per_town(engine):
    a_year_in_three_towns(engine)
    pooled = rate_year(engine=engine, year=YEAR)
    per_town = rate_year(engine=engine, year=YEAR, rulebook=PER_TOWN)
    assert pooled.agency(credit_code(1))["town_score"] == 25
    assert per_town.agency(credit_code(1))["town_score"] == 48  # (1·25 + 2·50 + 7·50) / 10 = 47.5 → 48
    rows = per_town.town_rows(credit_code(1))
    assert dict(zip(rows["town"], zip(rows["contracts"], rows["score"], strict=True), strict=True)) == {
        "澄江街道": (1, 25), "华士镇": (2, 50), "周庄镇": (7, 50)}


def test_a_per_town_version_names_its_reading_and_still_verifies(engine):
    a_year_in_three_towns(engine)
    publication = publish_after_notice(engine=engine, year=YEAR, by=ADMIN, rulebook=PER_TOWN)
    assert publication.rulebook == PER_TOWN
    document = load_document(engine=engine, year=YEAR)
    assert (document["rulebook"], document["town_reading"]) == ("jiangyin-2020", "per_town/contracts")
    assert {r["credit_code"]: r["town_score"] for r in document["ratings"]}[credit_code(1)] == 48
    assert ["镇街园评分方式", "各镇街园分别评分，按合同数加权平均"] in metadata_table(document)[1]
    content = export_publication(engine=engine, year=YEAR, fmt="json")
    verdict = verify_document(content)
    assert verdict.status != ALTERED and verdict.digest == publication.digest
    assert check_store(engine=engine) == []


def test_a_pooled_version_carries_no_reading(engine):
    a_year_in_three_towns(engine)
    publish_after_notice(engine=engine, year=YEAR, by=ADMIN)
    document = json.loads(export_publication(engine=engine, year=YEAR, fmt="json"))
    assert document["rulebook"] == "jiangyin-2020" and "town_reading" not in document
    assert "镇街园评分方式" not in [r[0] for r in metadata_table(document)[1]]
    assert {r["credit_code"]: r["town_score"] for r in document["ratings"]}[credit_code(1)] == 25


def test_the_demo_agency_of_2024_under_both_readings(engine):
    seed_demo(engine=engine)
    pooled = rate_year(engine=engine, year=2024).agency(DEMO_AGENCY)
    assert (pooled["town_score"], pooled["total"], pooled["grade"]) == (35, 85, "B")
    # 璜土镇 charged 5 in Q3 and 10 in Q4, 江阴临港经济开发区 10 in Q4: pooled, Q4 stops at 0 after the first ten.
    # Per town each town keeps its own Q4: 璜土镇 35, 临港 40. No contract of the demo ran in 2024, so the two
    # towns that recorded findings are the towns that count, one weight each: (35 + 40) / 2 = 37.5 → 38, B 88.
    for weights in ("equal", "contracts"):
        rating = rate_year(engine=engine, year=2024, rulebook=load_rulebook().with_town_reading("per_town", weights))
        agency = rating.agency(DEMO_AGENCY)
        assert (agency["town_score"], agency["total"], agency["grade"]) == (38, 88, "B"), weights
        rows = rating.town_rows(DEMO_AGENCY)
        assert dict(zip(rows["town"], rows["score"], strict=True)) == {"璜土镇": 35, "江阴临港经济开发区": 40}


def test_the_profile_gives_each_years_town_part_under_its_reading(engine):
    from db.public.reads import agency_profile

    a_year_in_three_towns(engine)
    publish_after_notice(engine=engine, year=YEAR, by=ADMIN)
    pooled = agency_profile(engine, credit_code(1))["town_parts"][YEAR]
    assert (pooled["reading"], pooled["score"], pooled["towns"]) == ("pooled", 25, [])
    publish_after_notice(engine=engine, year=YEAR, by=ADMIN, rulebook=PER_TOWN, reason="按各镇街园分别评分")
    part = agency_profile(engine, credit_code(1))["town_parts"][YEAR]
    assert (part["reading"], part["weights"], part["score"]) == ("per_town", "contracts", 48)
    assert {r["town"]: (r["contracts"], r["weight"], r["score"]) for r in part["towns"]} == {
        "澄江街道": (1, 1, 25), "华士镇": (2, 2, 50), "周庄镇": (7, 7, 50)}
