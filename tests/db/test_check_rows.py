"""`db check` names the rows a version cannot be rebuilt from (added or changed behind a dropped trigger)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, text

from db.accounts.actor import Actor
from db.documents.check import check_store
from db.documents.export import load_document
from db.store.models import PublishedRating, PublishedScore
from tests.db.publishing import YEAR, a_year
from tests.notices import publish_after_notice

STRANGER = "91320281MA1XXXXXX0"


@pytest.fixture
def published(engine):
    a_year(engine)
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))


def drop_guards(conn, engine, table: str) -> None:
    """Drop what keeps `table`'s published rows as they were: its seal and its update/delete guard."""
    if engine.dialect.name == "postgresql":
        for name in ("sealed", "immutable"):
            conn.execute(text(f"DROP TRIGGER {table}_{name} ON {table}"))
    else:
        for name in ("sealed", "no_update", "no_delete"):
            conn.execute(text(f"DROP TRIGGER {table}_{name}"))


def messages(engine) -> str:
    return "\n".join(d.message_en for d in check_store(engine=engine))


def test_a_rating_row_inserted_without_its_scores_is_named(engine, published):
    row = {k: v for k, v in load_document(engine=engine, year=YEAR)["ratings"][0].items() if not k.endswith("_score")}
    row.update(credit_code=STRANGER, publication_id=published.id)
    with engine.begin() as conn:
        drop_guards(conn, engine, "publishedrating")
        conn.execute(insert(PublishedRating), [row])
    found = messages(engine)
    assert f"rating rows lack their bucket scores: {STRANGER}" in found
    assert "triggers guarding published rows are missing" in found


def test_a_removed_score_names_its_agency(engine, published):
    code = load_document(engine=engine, year=YEAR)["ratings"][0]["credit_code"]
    with engine.begin() as conn:
        drop_guards(conn, engine, "publishedscore")
        first = conn.execute(text("SELECT id FROM publishedscore WHERE credit_code = :c ORDER BY id"),
                             {"c": code}).scalars().first()
        conn.execute(delete(PublishedScore).where(PublishedScore.id == first))
    assert f"rating rows lack their bucket scores: {code}" in messages(engine)


def test_scores_without_a_rating_row_are_named(engine, published):
    """Left out of the rebuilt document (scores join their ratings), so only this check sees them."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER publishedscore_linked ON publishedscore"))
        else:  # the foreign key is the link there; it is off outside a transaction only
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        drop_guards(conn, engine, "publishedscore")
        conn.execute(insert(PublishedScore), [{"publication_id": published.id, "credit_code": STRANGER,
                                               "bucket": "a", "bucket_order": 0, "score": 1}])
        conn.commit()
    assert f"bucket scores without a rating row: {STRANGER}" in messages(engine)


def test_an_honest_version_names_no_row(engine, published):
    assert check_store(engine=engine) == []


def test_values_no_published_row_holds_are_named_by_field_and_agency(engine, published):
    """What SQLite's loose column types let through (1.5 points, text for a date) is named, not a crash."""
    from sqlmodel import Session

    from db.documents.check_rows import row_faults
    from db.documents.export import stored_content

    with Session(engine) as session:
        ratings, buckets, others = stored_content(session, published.id)
        ratings = ratings.astype({"total": float})
        ratings.loc[0, "total"] = 1.5
        charges = others["charges"].astype({"date": object})
        charges.loc[0, "date"] = "not a date"
        found = row_faults(session, published.id, ratings, buckets, {"charges": charges})
    english = [en for _, en in found]
    assert f"ratings: total holds a value no published row can (empty, not whole, out of range): " \
           f"{ratings.loc[0, 'credit_code']}" in english
    assert any(en.startswith("charges: date holds") and charges.loc[0, "credit_code"] in en for en in english)


def test_a_version_whose_scores_are_all_gone_names_five_agencies_and_counts_the_rest(engine, published):
    codes = sorted(r["credit_code"] for r in load_document(engine=engine, year=YEAR)["ratings"])
    with engine.begin() as conn:
        drop_guards(conn, engine, "publishedscore")
        conn.execute(delete(PublishedScore))
    more = f" (+{len(codes) - 5})" if len(codes) > 5 else ""
    assert f"rating rows lack their bucket scores: {', '.join(codes[:5])}{more} " in messages(engine)
