"""Publishing a year: versions, corrections with reasons, the digest chain, races, immutability, the diff."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

import db.publishing.publish as publish
from core.errors import CreditBoardError
from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.documents.export import digest_of, publication_document
from db.publishing.publish import PublishError, ReasonRequired, diff_year, publish_year
from db.publishing.rating import rate_year
from db.store.models import AuditEntry, Publication, PublishedCharge, PublishedPractitioner, PublishedRating
from tests.builders import credit_code, finding
from tests.db.publishing import YEAR, a_year, count, load
from tests.notices import ended_notice, publish_after_notice

DB_DIR = Path(__file__).resolve().parents[2] / "db"


def stored(engine, publication: Publication) -> dict:
    with Session(engine) as session:
        return publication_document(session, session.get(Publication, publication.id))


def test_first_publication_is_version_1_with_an_empty_previous_digest(engine):
    a_year(engine)
    p = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert (p.year, p.version, p.previous_digest, p.reason, p.agency_count) == (YEAR, 1, "", "", 5)
    assert re.fullmatch(r"[0-9a-f]{64}", p.digest)


def test_published_rows_are_the_rating_of_the_year_without_descriptions_or_practitioners(engine):
    a_year(engine)
    rating = rate_year(engine=engine, year=YEAR)
    p = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    with Session(engine) as session:
        ratings = session.execute(select(PublishedRating).where(PublishedRating.publication_id == p.id)
                                  .order_by(PublishedRating.credit_code)).scalars().all()
        charges = session.execute(select(PublishedCharge).where(PublishedCharge.publication_id == p.id)).scalars().all()
        listed = session.execute(select(PublishedPractitioner)).scalars().all()
    expected = rating.table.to_dict("records")
    assert [(r.credit_code, r.total, r.grade, r.blacklist_clauses) for r in ratings] == [
        (e["credit_code"], e["total"], e["grade"], e["blacklist_clauses"]) for e in expected
    ]
    by_code = {r.credit_code: r for r in ratings}
    assert [by_code[credit_code(i)].total for i in range(5)] == [100, 85, 100, 70, 90]
    assert by_code[credit_code(2)].grade == "BLACKLIST" and by_code[credit_code(2)].blacklist_clauses == "1.3"
    assert by_code[credit_code(3)].towns == "华士镇;澄江街道"  # the towns that assessed it that year
    assert by_code[credit_code(2)].towns == ""  # only the bureau did
    assert len(charges) == len(rating.explanation) == 8
    assert sorted(c.points_charged for c in charges if c.credit_code == credit_code(3)) == [0, 10, 10, 10]
    assert not hasattr(PublishedCharge, "description") and not hasattr(PublishedCharge, "practitioner")
    assert [(x.credit_code, x.practitioner, x.clause) for x in listed] == [(credit_code(2), "王建国", "1.3")]


def test_a_correction_is_version_2_chained_to_version_1(engine):
    a_year(engine)
    v1 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [finding(0, "3.1", period="Q4")])
    v2 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"),
                              reason="补录第四季度记录 / late Q4 record")
    assert (v2.version, v2.reason, v2.previous_digest) == (2, "补录第四季度记录 / late Q4 record", v1.digest)
    assert v2.digest != v1.digest
    # Recomputing each version's digest from its stored rows gives the stored digest.
    for p in (v1, v2):
        assert digest_of(stored(engine, p)) == p.digest
    assert stored(engine, v1)["ratings"][0]["total"] == 100 and stored(engine, v2)["ratings"][0]["total"] == 95


def test_a_staff_correction_of_demo_data_is_still_marked_demo(engine):
    a_year(engine)
    demo_v1 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("demo"), demo=True)
    load(engine, [finding(0, "3.1", period="Q4")])
    v2 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"),
                              reason="补录 / late record")  # staff pass no demo
    assert demo_v1.demo and v2.demo and stored(engine, v2)["demo"] is True


def test_a_new_year_published_by_staff_on_a_demo_database_is_marked_demo(engine):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("demo"), demo=True)
    load(engine, [finding(0, "3.1", period="Q1", year=YEAR + 1)])
    next_year = publish_after_notice(engine=engine, year=YEAR + 1,
                                     by=Actor.operator("admin.zhou"))  # staff pass no demo
    assert next_year.version == 1 and next_year.demo and stored(engine, next_year)["demo"] is True


def test_a_correction_of_real_data_is_not_marked_demo(engine):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [finding(0, "3.1", period="Q4")])
    v2 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录 / late record")
    assert not v2.demo and stored(engine, v2)["demo"] is False


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_correction_without_a_reason_is_refused_and_writes_nothing(engine, reason):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    before = [count(engine, m) for m in (Publication, PublishedRating, PublishedCharge, AuditEntry)]
    with pytest.raises(ReasonRequired) as refused:  # refused before the notice is even looked at
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason=reason)
    assert "更正原因" in str(refused.value) and "requires a reason" in str(refused.value)
    assert [count(engine, m) for m in (Publication, PublishedRating, PublishedCharge, AuditEntry)] == before


def test_publishing_a_year_with_nothing_to_rate_is_refused(engine):
    a_year(engine)
    with pytest.raises(PublishError, match="nothing to publish for 2019"):
        publish_year(engine=engine, year=2019, by=Actor.operator("admin.zhou"))
    assert count(engine, Publication) == 0


def test_a_missing_publisher_or_an_overlong_reason_is_refused(engine):
    a_year(engine)
    for name in ("  ", "admin.zhou" * 7):  # no operator without a name that fits the *_by columns
        with pytest.raises(AccessDenied):
            Actor.operator(name)
    for by in (None, "admin.zhou"):  # a bare name is no actor: it never skips the check
        with pytest.raises((AccessDenied, TypeError)):
            publish_year(engine=engine, year=YEAR, by=by)
    with pytest.raises(PublishError):
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="原因" * 1001)
    assert count(engine, Publication) == 0


def test_publishing_records_who_published_in_the_audit_log(engine):
    a_year(engine)
    p = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    with Session(engine) as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "publish")).scalars().one()
    assert (entry.actor, entry.entity, entry.entity_id) == ("admin.zhou", "publication", str(p.id))
    assert p.digest in entry.after


def race(engine, monkeypatch, reason: str | None) -> tuple[list[object], list[tuple[int, str, str]]]:
    """Two publishers of YEAR at once, each in its own thread, session and connection; both are held after
    reading the latest version, so both try to write the same next version."""
    barrier = threading.Barrier(2)
    waited = threading.local()
    read_latest = publish._next_version

    def both_read_then_write(session, year):
        result = read_latest(session, year)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=30)
        return result

    monkeypatch.setattr(publish, "_next_version", both_read_then_write)
    outcomes: list[object] = []

    def publisher(name: str) -> None:
        try:
            outcomes.append(publish_year(engine=engine, year=YEAR, by=Actor.operator(name), reason=reason))
        except CreditBoardError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=publisher, args=(n,)) for n in ("admin.zhou", "admin.wu")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with Session(engine) as session:
        versions = session.execute(select(Publication.version, Publication.digest, Publication.previous_digest)
                                   .where(Publication.year == YEAR).order_by(Publication.version)).all()
    return outcomes, [tuple(v) for v in versions]


def test_two_corrections_racing_through_one_notice_give_version_2_and_one_refusal(engine, monkeypatch):
    a_year(engine)
    v1 = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    ended_notice(engine, YEAR)
    outcomes, versions = race(engine, monkeypatch, reason="同时更正 / simultaneous correction")
    # The loser retries against version 2 and finds the notice spent: one notice, one version.
    assert [v for v, _, _ in versions] == [1, 2]  # never two rows with one version
    assert versions[1][2] == v1.digest  # the chain holds
    assert sorted(type(o).__name__ for o in outcomes) == ["NoticeError", "Publication"]


def test_two_first_publications_racing_give_version_1_and_one_refusal(engine, monkeypatch):
    a_year(engine)
    ended_notice(engine, YEAR)
    outcomes, versions = race(engine, monkeypatch, reason=None)
    assert [v for v, _, _ in versions] == [1]
    assert sorted(type(o).__name__ for o in outcomes) == ["Publication", "ReasonRequired"]


def test_the_database_refuses_to_edit_or_delete_a_published_row(engine):
    a_year(engine)
    p = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    statements = [
        f"UPDATE publishedrating SET total = 100 WHERE publication_id = {p.id}",
        f"DELETE FROM publishedcharge WHERE publication_id = {p.id}",
        f"UPDATE publication SET reason = 'x' WHERE id = {p.id}",
        f"DELETE FROM publishedpractitioner WHERE publication_id = {p.id}",
        f"UPDATE publishedscore SET score = 50 WHERE publication_id = {p.id}",
        f"DELETE FROM publishedscore WHERE publication_id = {p.id}",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
            conn.execute(text(statement))
    assert digest_of(stored(engine, p)) == p.digest


def test_no_code_path_updates_or_deletes_published_rows():
    changes = re.compile(r"(update|delete)\(\s*(Publication|Published\w+)|(UPDATE|DELETE FROM)\s+publi", re.I)
    offenders = [
        f"{path.name}:{n}" for path in DB_DIR.rglob("*.py") if "migrations" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if changes.search(line)
    ]
    assert offenders == []
    assert not [name for name in dir(publish) if re.match(r"(update|delete|edit|remove)_", name)]


def test_diff_reports_a_grade_change_and_a_blacklist_entry(engine):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [
        finding(0, "2.1", period="Q2"), finding(0, "2.2", period="Q3"),  # 100 A → 80 B
        finding(1, "1.7", assessor="市应急管理局"),  # 85 B → blacklisted
        finding(9, "3.1", period="Q1"),  # a new agency
    ])
    diff = diff_year(engine=engine, year=YEAR).set_index("credit_code")
    assert sorted(diff.index) == sorted([credit_code(0), credit_code(1), credit_code(9)])
    assert diff.loc[credit_code(0), ["change", "old_total", "new_total", "old_grade", "new_grade"]].tolist() == [
        "grade", 100, 80, "A", "B"]
    assert diff.loc[credit_code(1), ["change", "new_grade", "new_blacklist_clauses"]].tolist() == [
        "entered_blacklist", "BLACKLIST", "1.7"]
    assert diff.loc[credit_code(9), ["change", "new_total"]].tolist() == ["new", 95]


def test_diff_is_empty_when_a_new_publication_would_change_nothing(engine):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert diff_year(engine=engine, year=YEAR).empty


def test_diff_before_the_first_publication_lists_every_agency_as_new(engine):
    a_year(engine)
    diff = diff_year(engine=engine, year=YEAR)
    assert diff["change"].tolist() == ["new"] * 5
