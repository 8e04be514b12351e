"""Blacklist listings: made by publishing, kept in step by corrections, ended at term or by 信用修复, backfilled."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlmodel import Session

import db.publishing.publish as publish
from core.terms import add_months
from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.public import reads as public
from db.public.listings import applications, current, history, listings
from db.publishing.listing_removal import (
    ListingError,
    apply_repair,
    decide_repair,
    expire_listings,
    revoke_repair,
)
from db.store.migrate import alembic_config, upgrade
from db.store.models import AuditEntry, Listing, ListingEvent, Publication
from tests.builders import credit_code, finding, make_staff
from tests.db.publishing import YEAR, a_year, count, load
from tests.notices import publish_after_notice

# 20:00 UTC on the 16th is the 17th in Jiangyin: 列入日期 is the China date.
V1_AT = dt.datetime(2026, 1, 16, 20, 0, tzinfo=dt.UTC)
V1_DAY = dt.date(2026, 1, 17)
V2_AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
V2_DAY = dt.date(2026, 3, 2)
CLAUSE_1_3 = "1.3 弄虚作假，代替企业编制不符合实际的安全生产规章制度和操作规程的。"


def score_listed(engine, agency: int = 5) -> None:
    """Agency `agency` loses 45 points (four town quarters and a bureau 3.x finding): 55, blacklisted by score."""
    load(engine, [
        *(finding(agency, "2.1", period=q) for q in ("Q1", "Q2", "Q3", "Q4")),
        finding(agency, "3.4", assessor="市应急管理局"),
    ])


def published(engine, at: dt.datetime = V1_AT, reason: str | None = None) -> Publication:
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason=reason,
                                published_at=at)


def listed(engine, today: dt.date = V1_DAY) -> dict[tuple[str, str], dict]:
    """(credit code, practitioner) → the listing as the public reads it."""
    frame = listings(engine, today)
    return {(r["credit_code"], r["practitioner"]): r for r in frame.to_dict("records")}


@pytest.fixture
def year_published(engine):
    a_year(engine)
    score_listed(engine)
    load(engine, [finding(6, "1.5", assessor="华士镇", practitioner="赵敏"), finding(6, "1.2", assessor="澄江街道")])
    return published(engine)


def test_publishing_lists_every_blacklisted_agency_and_named_practitioner(engine, year_published):
    rows = listed(engine)
    assert set(rows) == {(credit_code(2), ""), (credit_code(2), "王建国"), (credit_code(5), ""),
                         (credit_code(6), ""), (credit_code(6), "赵敏")}
    by_clause = rows[(credit_code(2), "")]
    assert (by_clause["basis_kind"], by_clause["basis_text"], by_clause["department"]) == ("clause", CLAUSE_1_3,
                                                                                          "市应急管理局")
    assert (by_clause["listed_on"], by_clause["planned_removal_on"], by_clause["status"], by_clause["demo"]) == (
        V1_DAY, dt.date(2027, 1, 17), "listed", False)
    by_score = rows[(credit_code(5), "")]
    assert (by_score["basis_kind"], by_score["basis_text"], by_score["department"], by_score["listed_on"]) == (
        "score", "总分55分，低于60分", "市应急管理局", V1_DAY)
    towns = rows[(credit_code(6), "")]
    assert towns["department"] == "华士镇、澄江街道"  # both departments whose findings listed it
    assert towns["basis_text"].startswith("1.2 ") and "；1.5 " in towns["basis_text"]
    person = rows[(credit_code(6), "赵敏")]
    assert (person["subject_kind"], person["department"], person["basis_text"][:4]) == ("practitioner", "华士镇", "1.5 ")
    assert rows[(credit_code(2), "王建国")]["department"] == "市应急管理局"
    events = history(engine)
    assert sorted(events["action"]) == ["listed"] * 5 and set(events["office"]) == {"市应急管理局"}
    assert set(events["version"]) == {1} and set(events["on"]) == {V1_DAY}
    with Session(engine) as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "listings")).scalars().one()
    assert (entry.actor, entry.entity_id) == ("admin.zhou", str(year_published.id))



def test_the_blacklist_page_shows_what_the_listings_record(engine, year_published):
    """One derivation (listings.subjects_of): the page's subjects, clauses, departments and 列入日期 are the
    listings'; the page adds 行为日期, the date of each act."""
    page = public.blacklist(engine, YEAR)
    agencies, people = page["agencies"], page["practitioners"]
    rows = listed(engine)
    shown = {(c, "") for c in agencies["credit_code"]} | set(zip(people["credit_code"], people["practitioner"],
                                                                 strict=True))
    assert shown == set(rows)
    for (code, person), listing in rows.items():
        part = (agencies[agencies["credit_code"] == code] if not person else
                people[(people["credit_code"] == code) & (people["practitioner"] == person)])
        assert set(part["clause"]) - {""} == set(listing["basis_clauses"].split(";")) - {""}
        departments = {d for cell in part["department"] for d in cell.split("、")}
        assert departments == set(listing["department"].split("、"))
        assert set(part["listed_on"]) == {listing["listed_on"]} == {V1_DAY}
    acts = agencies[agencies["credit_code"] == credit_code(6)].set_index("clause")["act_on"]
    assert set(acts.index) == {"1.2", "1.5"} and all(isinstance(day, dt.date) and day < V1_DAY for day in acts)


def test_the_term_is_a_setting(engine, monkeypatch):
    monkeypatch.setenv("LISTING_TERM_MONTHS", "6")
    a_year(engine)
    published(engine)
    assert {r["planned_removal_on"] for r in listed(engine).values()} == {dt.date(2026, 7, 17)}


def test_a_publication_and_its_listings_are_one_write(engine, monkeypatch):
    a_year(engine)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "sync_listings", broken)
    with pytest.raises(RuntimeError):
        published(engine)
    assert count(engine, Publication) == 0 and count(engine, Listing) == 0


def test_a_correction_keeps_withdraws_and_adds_listings_without_duplicates(engine, year_published):
    before = listed(engine)
    with engine.begin() as conn:  # as an upheld objection would: agency 2's 1.3 finding is gone
        conn.execute(text("DELETE FROM finding WHERE clause = '1.3'"))
    load(engine, [finding(1, "1.4", assessor="璜土镇")])
    v2 = published(engine, V2_AT, reason="异议成立，撤销1.3记录；补录1.4")
    after = listed(engine, V2_DAY)
    assert count(engine, Listing) == 6  # five of version 1 and one new: nobody listed twice
    for key in ((credit_code(5), ""), (credit_code(6), ""), (credit_code(6), "赵敏")):
        assert after[key]["id"] == before[key]["id"] and after[key]["listed_on"] == V1_DAY
        assert after[key]["status"] == "listed"
    for key in ((credit_code(2), ""), (credit_code(2), "王建国")):
        assert (after[key]["status"], after[key]["removed_on"]) == ("withdrawn", V2_DAY)
    new = after[(credit_code(1), "")]
    assert (new["listed_on"], new["department"], new["status"]) == (V2_DAY, "璜土镇", "listed")
    with Session(engine) as session:
        ended_by = session.execute(select(Listing.ended_by_publication_id).where(Listing.status == "withdrawn")).all()
    assert {e for (e,) in ended_by} == {v2.id}
    events = history(engine)
    withdrawn = events[events["action"] == "withdrawn"]
    assert len(withdrawn) == 2 and set(withdrawn["version"]) == {2}


def test_a_correction_that_changes_the_grounds_amends_the_listing(engine, year_published):
    load(engine, [finding(5, "1.7", assessor="市应急管理局")])  # score → clause
    published(engine, V2_AT, reason="补录1.7")
    row = listed(engine, V2_DAY)[(credit_code(5), "")]
    assert (row["basis_kind"], row["listed_on"]) == ("clause", V1_DAY)
    assert row["basis_text"].startswith("1.7 ")
    assert "amended" in set(history(engine)["action"])


def test_a_subject_withdrawn_then_listed_again_gets_a_new_listing(engine):
    a_year(engine)
    published(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM finding WHERE clause = '1.3'"))
    published(engine, V2_AT, reason="撤销")
    load(engine, [finding(2, "1.3", assessor="市应急管理局")])
    v3_at = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
    published(engine, v3_at, reason="重新认定")
    rows = listings(engine, dt.date(2026, 4, 1))
    agency = rows[(rows["credit_code"] == credit_code(2)) & (rows["practitioner"] == "")]
    assert sorted(agency["status"]) == ["listed", "withdrawn"]
    assert set(agency[agency["status"] == "listed"]["listed_on"]) == {dt.date(2026, 4, 1)}


def test_expiry_records_removal_at_term_once(engine, year_published):
    end = dt.date(2027, 1, 17)
    assert expire_listings(engine=engine, today=end - dt.timedelta(days=1)) == []
    assert set(current(listings(engine, end - dt.timedelta(days=1)))["credit_code"]) == {
        credit_code(2), credit_code(5), credit_code(6)}
    # Reads show the end on the day itself, before anything is recorded.
    assert set(listings(engine, end)["status"]) == {"removed_at_term"}
    ids = expire_listings(engine=engine, today=end)
    assert len(ids) == 5
    assert expire_listings(engine=engine, today=end + dt.timedelta(days=3)) == []
    with Session(engine) as session:
        audits = session.execute(select(AuditEntry).where(AuditEntry.action == "expire_listings")).scalars().all()
        stored = session.execute(select(Listing.status, Listing.ended_on)).all()
    assert len(audits) == 1 and {tuple(s) for s in stored} == {("removed_at_term", end)}
    removals = history(engine)
    assert (removals["action"] == "removed_at_term").sum() == 5


@pytest.fixture
def staff(engine, fast_argon2):  # noqa: F811
    return make_staff(engine)


def agency_listing(engine, code: int = 5) -> int:
    with Session(engine) as session:
        return session.execute(select(Listing.id).where(Listing.credit_code == credit_code(code),
                                                        Listing.practitioner == "")).scalar_one()


def test_early_removal_is_granted_only_after_the_minimum_and_with_a_reason(engine, year_published, staff,
                                                                           monkeypatch):
    monkeypatch.setenv("REPAIR_MINIMUM_MONTHS", "6")
    listing_id = agency_listing(engine)
    application = apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id,
                               received_on=dt.date(2026, 5, 8), summary="已完成整改，申请信用修复",
                               today=dt.date(2026, 5, 10))
    too_early = dt.date(2026, 7, 16)
    with pytest.raises(ListingError, match="2026-07-17"):
        decide_repair(engine=engine, by=staff["staff"], application_id=application.id, grant=True,
                      reason="整改到位", today=too_early)
    with pytest.raises(ListingError, match="reason"):
        decide_repair(engine=engine, by=staff["staff"], application_id=application.id, grant=True, reason="  ",
                      today=dt.date(2026, 7, 17))
    decide_repair(engine=engine, by=staff["admin"], application_id=application.id, grant=True, reason="整改到位",
                  today=dt.date(2026, 7, 17))
    row = listed(engine, dt.date(2026, 8, 1))[(credit_code(5), "")]
    assert (row["status"], row["removed_on"]) == ("repaired", dt.date(2026, 7, 17))
    public = history(engine)
    assert "repair_granted" in set(public["action"]) and "repair_applied" not in set(public["action"])
    staff_view = applications(engine).iloc[0]
    assert (staff_view["status"], staff_view["decided_by"], staff_view["decision_reason"]) == (
        "granted", "admin", "整改到位")
    with Session(engine) as session:
        actions = [a for (a,) in session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("repair_%")).order_by(AuditEntry.id))]
    assert actions == ["repair_apply", "repair_grant"]


def test_a_refused_application_leaves_the_listing_and_another_may_follow(engine, year_published, staff):
    listing_id = agency_listing(engine)
    first = apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2026, 2, 1),
                         today=dt.date(2026, 2, 3))
    with pytest.raises(ListingError, match="waiting"):
        apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2026, 2, 2),
                     today=dt.date(2026, 2, 3))
    decide_repair(engine=engine, by=staff["staff"], application_id=first.id, grant=False, reason="整改材料不全",
                  today=dt.date(2026, 2, 5))
    with pytest.raises(ListingError, match="decided already"):
        decide_repair(engine=engine, by=staff["staff"], application_id=first.id, grant=True, reason="x",
                      today=dt.date(2027, 2, 5))
    assert listed(engine, dt.date(2026, 2, 6))[(credit_code(5), "")]["status"] == "listed"
    apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2026, 3, 1),
                 today=dt.date(2026, 3, 1))
    assert list(applications(engine)["status"]) == ["pending", "refused"]


def test_revoking_a_granted_repair_restores_the_listing(engine, year_published, staff, monkeypatch):
    monkeypatch.setenv("REPAIR_MINIMUM_MONTHS", "0")
    listing_id = agency_listing(engine)
    application = apply_repair(engine=engine, by=Actor.operator("cli.wang"), listing_id=listing_id, received_on=V1_DAY,
                               today=dt.date(2026, 2, 1))
    decide_repair(engine=engine, by=Actor.operator("cli.wang"), application_id=application.id, grant=True,
                  reason="整改到位",
                  today=dt.date(2026, 2, 1))
    with pytest.raises(ListingError, match="reason"):
        revoke_repair(engine=engine, by=staff["admin"], application_id=application.id, reason="",
                      today=dt.date(2026, 3, 1))
    revoke_repair(engine=engine, by=staff["admin"], application_id=application.id, reason="发现整改材料虚假",
                  today=dt.date(2026, 3, 1))
    row = listed(engine, dt.date(2026, 3, 2))[(credit_code(5), "")]
    assert (row["status"], row["removed_on"], row["planned_removal_on"]) == ("listed", None, dt.date(2027, 1, 17))
    with pytest.raises(ListingError, match="granted"):
        revoke_repair(engine=engine, by=staff["admin"], application_id=application.id, reason="again",
                      today=dt.date(2026, 3, 1))
    assert list(history(engine)["action"][:2]) == ["repair_revoked", "repair_granted"]


def test_repairs_of_ended_listings_and_bad_dates_are_refused(engine, year_published, staff):
    listing_id = agency_listing(engine)
    with pytest.raises(ListingError, match="between"):
        apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2026, 1, 1),
                     today=dt.date(2026, 2, 1))
    with pytest.raises(ListingError, match="between"):
        apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2026, 2, 2),
                     today=dt.date(2026, 2, 1))
    with pytest.raises(ListingError, match="ended"):
        apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=dt.date(2027, 1, 17),
                     today=dt.date(2027, 1, 17))
    with pytest.raises(ListingError, match="no such listing"):
        apply_repair(engine=engine, by=staff["staff"], listing_id=10**6, received_on=V1_DAY, today=V1_DAY)
    assert count(engine, ListingEvent) == 5  # only the five "listed"


def test_only_bureau_staff_decide_listings(engine, year_published, staff):
    with pytest.raises(AccessDenied):
        apply_repair(engine=engine, by=staff["town"], listing_id=agency_listing(engine), received_on=V1_DAY,
                     today=V1_DAY)
    with pytest.raises(AccessDenied):
        apply_repair(engine=engine, by=None, listing_id=agency_listing(engine), received_on=V1_DAY, today=V1_DAY)
    assert applications(engine).empty


def test_the_upgrade_makes_listings_for_publications_stored_before_it(engine):
    a_year(engine)
    score_listed(engine)
    published(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM finding WHERE clause = '1.3'"))
    published(engine, V2_AT, reason="撤销")
    made = listings(engine, V2_DAY).drop(columns="id").to_dict("records")
    with engine.connect() as conn:  # back to a database of before listings: the published versions, no listings
        command.downgrade(alembic_config(conn), "0007")
        conn.commit()
    upgrade(engine)
    assert listings(engine, V2_DAY).drop(columns="id").to_dict("records") == made
    with Session(engine) as session:
        actors = {a for (a,) in session.execute(select(AuditEntry.actor).where(AuditEntry.action == "listings"))}
    assert "migration 0008" in actors


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 14) == dt.date(2028, 1, 30)
    assert add_months(dt.date(2026, 5, 1), 0) == dt.date(2026, 5, 1)


def test_two_expiry_runs_at_once_record_each_removal_once(engine, year_published):
    end = dt.date(2027, 1, 17)
    results: list[list[int]] = []
    threads = [threading.Thread(target=lambda: results.append(expire_listings(engine=engine, today=end)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(len(r) for r in results) == [0, 5]
    assert count(engine, ListingEvent) == 10  # five "listed", five "removed_at_term"
    with Session(engine) as session:
        audits = session.execute(select(AuditEntry).where(AuditEntry.action == "expire_listings")).all()
    assert len(audits) == 1


def test_a_year_with_hundreds_of_listings_publishes_and_audits_a_bounded_summary(engine):
    # 2,199 blacklisted agencies once overflowed the audit text on PostgreSQL (bench_publish found it).
    load(engine, [finding(n, "1.3", assessor="市应急管理局") for n in range(250)])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert count(engine, Listing) == 250
    with Session(engine) as session:
        after = session.execute(select(AuditEntry.after).where(AuditEntry.action == "listings")).scalars().one()
    summary = json.loads(after)["listed"]
    assert summary["count"] == 250 and summary["last"] - summary["first"] == 249


def test_an_audit_entry_over_the_column_size_fails_alike_on_both_databases(engine):
    from db.accounts import audit

    with Session(engine) as session, pytest.raises(ValueError, match="summarise"):
        audit.record(session, actor="x", action="probe", after={"ids": list(range(5000))})
