"""A version as published before signatures (format 1, no signature, as migration 0007 left such versions)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from db.documents.export import STORED_RATING_FIELDS, document_tables
from db.documents.scores import score_rows
from db.publishing.publish import insert_rows
from db.publishing.rating import rate_year
from db.store.engine import transaction
from db.store.inserts import bulk_insert
from db.store.models import (
    Publication,
    PublicationSeal,
    PublishedCharge,
    PublishedPractitioner,
    PublishedRating,
    PublishedScore,
)


def publish_unsigned(engine: Engine, year: int) -> Publication:
    """Store the database's rating of `year` as its unsigned version 1, with the digest of its true content."""
    rating = rate_year(engine=engine, year=year)
    buckets = [b.key for b in rating.rulebook.buckets]
    tables = document_tables(
        year=year, version=1, rulebook=rating.rulebook.name, published_at=dt.datetime(year + 1, 1, 17, 1, tzinfo=dt.UTC),
        reason="", previous_digest="", demo=False, buckets=buckets, ratings=rating.table.assign(towns="澄江街道"),
        charges=rating.explanation, practitioners=rating.practitioners, signed=False,
    )
    digest, _ = tables.digest_and_bytes()
    with transaction(engine) as session:
        publication = Publication(year=year, version=1, rulebook=rating.rulebook.name,
                                  published_at=dt.datetime(year + 1, 1, 17, 1, tzinfo=dt.UTC), published_by="admin.zhou",
                                  reason="", digest=digest, previous_digest="", agency_count=len(tables.ratings))
        session.add(publication)
        session.flush()
        pid = publication.id
        insert_rows(session, PublishedRating, tables.ratings, pid, STORED_RATING_FIELDS)
        bulk_insert(session, PublishedScore, score_rows(tables.ratings, buckets), constants={"publication_id": pid})
        insert_rows(session, PublishedCharge, tables.charges, pid)
        insert_rows(session, PublishedPractitioner, tables.practitioners, pid)
        session.add(PublicationSeal(publication_id=pid))
        return publication
