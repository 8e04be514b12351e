"""Blacklist listings made by publishing: who a version blacklists, kept in step with the listings of its year."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from core.china_time import to_china
from core.rulebook import Rulebook, clause_order, load_rulebook
from core.terms import add_months
from core.towns import BUREAU_NAME_ZH, assessor_name_zh
from db.accounts import audit
from db.store.inserts import bulk_insert
from db.store.models import (
    Listing,
    ListingEvent,
    Publication,
    PublishedCharge,
    PublishedPractitioner,
    PublishedRating,
    utcnow,
)
from db.store.settings import get_settings

AGENCY = "agency"
PRACTITIONER = "practitioner"
BY_CLAUSE = "clause"
BY_SCORE = "score"
LISTED = "listed"
REMOVED_AT_TERM = "removed_at_term"
REPAIRED = "repaired"
WITHDRAWN = "withdrawn"
STATUSES = (LISTED, REMOVED_AT_TERM, REPAIRED, WITHDRAWN)
# The office that acts for the bureau, as the public reads it (never a staff account).
OFFICE = BUREAU_NAME_ZH

Key = tuple[str, str, str]  # (subject_kind, credit_code, practitioner)


def _departments(assessors: Iterable[str]) -> str:
    """认定部门: the departments of these assessors as the public reads them, in one order, joined with 、."""
    return "、".join(sorted({assessor_name_zh(a) for a in assessors}))


@dataclass(frozen=True)
class Ground:
    """One ground of a blacklisting: a clause, who found it (assessor keys) and 行为日期, the date of the act.

    An agency has one ground per clause (every department that found it, the earliest finding's date); a practitioner
    one per published row (each finding that named them)."""

    clause: str
    assessors: tuple[str, ...]
    act_on: dt.date | None

    @property
    def department(self) -> str:
        return _departments(self.assessors)


@dataclass(frozen=True)
class Subject:
    """One blacklisted subject of a version and why: what its listing records and the blacklist page shows.

    `total` is the agency's rated total (None for a practitioner); `grounds` are empty for a listing by score."""

    kind: str
    credit_code: str
    agency_name: str
    practitioner: str
    basis_kind: str
    total: int | None
    grounds: tuple[Ground, ...]

    @property
    def key(self) -> Key:
        return (self.kind, self.credit_code, self.practitioner)

    @property
    def clauses(self) -> tuple[str, ...]:
        """The clauses it is listed under, once each, in the rulebook's order."""
        return tuple(sorted({g.clause for g in self.grounds}, key=clause_order))

    @property
    def basis_total(self) -> int | None:
        """The total a listing by score fell under the threshold with; None for a listing by clause."""
        return self.total if self.basis_kind == BY_SCORE else None

    @property
    def department(self) -> str:
        """认定部门: by clause, the departments of its grounds; by score, the bureau, which rates and so decides."""
        if self.basis_kind == BY_SCORE:
            return BUREAU_NAME_ZH
        return _departments(a for g in self.grounds for a in g.assessors)


def basis_text(kind: str, clauses: tuple[str, ...], total: int | None, rulebook: Rulebook) -> str:
    """认定依据 as the public reads it: each clause with its text, or the total and the threshold it fell under."""
    if kind == BY_SCORE:
        threshold = rulebook.blacklist_grade.max
        return f"总分{total}分，低于{threshold:g}分"
    texts = rulebook.clause_map
    # A clause's text ends in "；" or "。" (it is an item of a list): the joined grounds end in one "。".
    return "；".join(f"{c} {texts[c].text_zh.rstrip('；;。. ')}" if c in texts else c for c in clauses) + "。"


def subjects_of(conn: Session | Connection, publication_id: int, rulebook: Rulebook) -> dict[Key, Subject]:
    """Who a published version blacklists, with which clauses, found by whom and when: the one derivation the
    listings (sync_listings), the public blacklist page (db.public.reads.blacklist) and through the listings
    the export for credit platforms read. From the version's stored rows only (what was published, nothing else).

    Agencies: those rated the blacklist grade; listed by clause when their rating names blacklist clauses (each
    clause's ground from the blacklisting charges of it), else by score. Practitioners: the published rows naming
    them. Dates here are 行为日期 (the act's); 列入日期 is the listing's own (`listed_on`, set when first listed).
    Agencies come first (by credit code), then practitioners in (credit code, name) order as the database sorts.
    """
    found: dict[tuple[str, str], list[Any]] = {}
    for row in conn.execute(
        select(PublishedCharge.credit_code, PublishedCharge.clause, PublishedCharge.assessor, PublishedCharge.date)
        .where(PublishedCharge.publication_id == publication_id, PublishedCharge.blacklist.is_(True))
    ).all():
        found.setdefault((row.credit_code, row.clause), []).append(row)
    out: dict[Key, Subject] = {}
    for code, name, total, clauses in conn.execute(
        select(PublishedRating.credit_code, PublishedRating.agency_name, PublishedRating.total,
               PublishedRating.blacklist_clauses)
        .where(PublishedRating.publication_id == publication_id,
               PublishedRating.grade == rulebook.blacklist_grade.key)
        .order_by(PublishedRating.credit_code)
    ).all():
        codes = sorted({c for c in clauses.split(";") if c}, key=clause_order)
        grounds = tuple(_agency_ground(c, found.get((code, c), [])) for c in codes)
        subject = Subject(AGENCY, code, name, "", BY_CLAUSE if codes else BY_SCORE, int(total), grounds)
        out[subject.key] = subject
    people: dict[tuple[str, str], list[Any]] = {}
    for row in conn.execute(
        select(PublishedPractitioner.credit_code, PublishedPractitioner.agency_name,
               PublishedPractitioner.practitioner, PublishedPractitioner.clause, PublishedPractitioner.assessor,
               PublishedPractitioner.date)
        .where(PublishedPractitioner.publication_id == publication_id)
        .order_by(PublishedPractitioner.credit_code, PublishedPractitioner.practitioner, PublishedPractitioner.id)
    ).all():
        people.setdefault((row.credit_code, row.practitioner), []).append(row)
    for (code, person), rows in people.items():
        grounds = tuple(Ground(r.clause, (r.assessor,), as_date(r.date)) for r in rows)
        subject = Subject(PRACTITIONER, code, rows[0].agency_name, person, BY_CLAUSE, None, grounds)
        out[subject.key] = subject
    return out


def _agency_ground(clause: str, charges: list[Any]) -> Ground:
    """An agency's ground under one clause: every assessor whose finding of it blacklisted, the earliest date."""
    days = [as_date(c.date) for c in charges]
    return Ground(clause, tuple(sorted({c.assessor for c in charges})), min(days) if days else None)


def as_date(value: Any) -> dt.date | None:
    """A stored date as a date (SQLite may hand back text; a listing by score has none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# The listing columns a version decides (a correction may change them).
DECIDED_FIELDS = ("agency_name", "basis_kind", "basis_clauses", "basis_total", "basis_text", "department")


def _fields(subject: Subject, rulebook: Rulebook) -> dict[str, Any]:
    """The listing columns a version decides (a correction may change them)."""
    return {
        "agency_name": subject.agency_name, "basis_kind": subject.basis_kind,
        "basis_clauses": ";".join(subject.clauses), "basis_total": subject.basis_total,
        "basis_text": basis_text(subject.basis_kind, subject.clauses, subject.basis_total, rulebook),
        "department": subject.department,
    }


def listed_on(publication: Publication) -> dt.date:
    """列入日期 of what a version lists: the day it was published, in China."""
    return to_china(publication.published_at).date()


def _event(session: Session, listing: Listing, action: str, on: dt.date, *, publication_id: int | None = None,
           actor: str = "") -> None:
    session.add(ListingEvent(listing_id=listing.id, action=action, on=on, office=OFFICE,
                             publication_id=publication_id, actor=actor))


def sync_listings(session: Session, publication: Publication, *, actor: str, term_months: int | None = None,
                  rulebook: Rulebook | None = None) -> dict[str, list[int]]:
    """Bring the listings of the publication's year in step with it, in the caller's transaction (audited).

    A subject it blacklists that has a listing of this year (other than a withdrawn one) keeps that listing — its
    列入日期 and term are those of the version that first listed it; its grounds follow the new version. A subject
    with none gets a new listing dated this version. A listing whose subject this version no longer blacklists is
    withdrawn by it (a correction found it wrong), whatever its status: the withdrawal is the public record.
    Returns the listing ids {"listed": …, "amended": …, "withdrawn": …}.
    """
    book = rulebook or load_rulebook(publication.rulebook)
    term = term_months or get_settings().listing_term_months
    day = listed_on(publication)
    subjects = subjects_of(session, publication.id, book)
    # Plain rows, locked: a correction compares every listing of the year but changes few, and an ORM object for
    # each of a province's 2,000 listings cost more than the comparison. Only the ones that change are loaded.
    current = session.execute(
        select(Listing.id, Listing.subject_kind, Listing.credit_code, Listing.practitioner,
               *(getattr(Listing, name) for name in DECIDED_FIELDS))
        .where(Listing.year == publication.year, Listing.status != WITHDRAWN)
        .order_by(Listing.id).with_for_update()
    ).all()
    done: dict[str, list[int]] = {"listed": [], "amended": [], "withdrawn": []}
    kept: set[Key] = set()
    for row in current:
        key = (row.subject_kind, row.credit_code, row.practitioner)
        subject = subjects.get(key)
        if subject is None:
            listing = session.get(Listing, row.id)
            listing.status, listing.ended_on, listing.ended_by_publication_id = WITHDRAWN, day, publication.id
            listing.updated_at = utcnow()
            _event(session, listing, WITHDRAWN, day, publication_id=publication.id, actor=actor)
            done["withdrawn"].append(listing.id)
            continue
        kept.add(key)
        fields = _fields(subject, book)
        if any(getattr(row, name) != value for name, value in fields.items()):
            listing = session.get(Listing, row.id)
            for name, value in fields.items():
                setattr(listing, name, value)
            listing.updated_at = utcnow()
            _event(session, listing, "amended", day, publication_id=publication.id, actor=actor)
            done["amended"].append(listing.id)
    # Core inserts with RETURNING, in order: building a validated SQLModel object per listing and per event cost
    # over a second for a province's 2,000 listings.
    rows = [{"year": publication.year, "subject_kind": subjects[key].kind, "credit_code": subjects[key].credit_code,
             "practitioner": subjects[key].practitioner, "publication_id": publication.id, "listed_on": day,
             "term_months": term, "planned_removal_on": add_months(day, term), "status": LISTED,
             "ended_on": None, "ended_by_publication_id": None, "updated_at": utcnow(), **_fields(subjects[key], book)}
            for key in sorted(set(subjects) - kept)]
    if rows:
        # In bulk (COPY on PostgreSQL, one executemany on SQLite), then the ids read back: every listing this
        # version made carries its publication id. SQLAlchemy's own executemany cost ~0.3 s for a province's 2,000.
        bulk_insert(session, Listing, {name: [r[name] for r in rows] for name in rows[0]})
        ids = session.execute(select(Listing.id).where(Listing.publication_id == publication.id)
                              .order_by(Listing.id)).scalars().all()
        now = utcnow()
        bulk_insert(session, ListingEvent, {"listing_id": list(ids)}, constants={
            "action": LISTED, "on": day, "office": OFFICE, "publication_id": publication.id, "application_id": None,
            "actor": actor, "reason": "", "at": now})
        done["listed"].extend(ids)
    session.flush()
    if any(done.values()):
        audit.record(session, actor=actor, action="listings", entity="publication", entity_id=publication.id,
                     after={"year": publication.year, "version": publication.version,
                            **{k: _ids(v) for k, v in done.items()}})
    return done


AUDITED_IDS = 100  # listing ids named one by one in the audit entry; more are summarised (each has its own events)


def _ids(ids: list[int]) -> list[int] | dict[str, int]:
    """The ids, or for a province-size year their count and range: an audit entry has a bounded size."""
    return ids if len(ids) <= AUDITED_IDS else {"count": len(ids), "first": min(ids), "last": max(ids)}


def backfill(session: Session, *, actor: str = "migration 0008") -> int:
    """Listings for publications stored before listings existed: every version in order, as if just published."""
    # The columns sync_listings reads, named: the model may hold columns later migrations add (0014's files_edition).
    publications = session.execute(
        select(Publication.id, Publication.year, Publication.version, Publication.rulebook, Publication.published_at)
        .order_by(Publication.year, Publication.version)
    ).all()
    made = 0
    for publication in publications:
        made += len(sync_listings(session, publication, actor=actor)["listed"])
    session.flush()
    return made
