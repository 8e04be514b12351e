"""The tables (SQLModel). A published year lives in Publication + Published* rows and is never updated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKeyConstraint, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Named constraints, so a later migration can drop or alter them by name (SQLite batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timezone-aware now; every stored time is UTC."""
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as UTC-aware: SQLite hands back naive datetimes, and everything stored is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _when(**kw) -> object:
    """A timezone-aware timestamp column.

    The Column default too (not only the model's default_factory), so bulk Core inserts get a time.
    """
    return Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, default=utcnow, **kw)
    )


# Table: a town, street or park whose supervision department assesses agencies (editable by bureau admins).
class Town(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    aliases: str = Field(default="", max_length=512)  # ";"-joined short forms
    active: bool = True


# Table: a safety-service agency, identified by its USCC.
class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    credit_code: str = Field(max_length=18, unique=True, index=True)
    name: str = Field(max_length=200)
    created_at: dt.datetime = _when()


# Table: an agency on the roster of a year (rated even with no findings).
class RosterEntry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("year", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    upload_id: int | None = Field(default=None, foreign_key="upload.id")


# Table: a practitioner of an agency. id_number and phone are personal data: staff area only.
class Practitioner(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    name: str = Field(max_length=64)
    id_number: str | None = Field(default=None, max_length=18, index=True)
    phone: str | None = Field(default=None, max_length=32)
    specialty: str = Field(default="", max_length=64)  # 机械 / 电气 / 化工 / 消防 …
    certificate_no: str = Field(default="", max_length=64)


# Table: an uploaded file; the SHA-256 of its content makes a second upload of the same file add nothing.
class Upload(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(max_length=16)  # findings | roster | a service-record kind (registry, visits …)
    uploaded_by: str = Field(max_length=64)
    uploaded_at: dt.datetime = _when()
    row_count: int = 0


# --- Service records (core/service_records.py): one table per kind, one row per checked file row. -------------
# Columns as read_records types them (dates NULL where blank); `upload_id` is the file, `row` its Excel row.
# Nothing here is public: phones and the legal representative are staff-only like the ID numbers below.


def _upload_ref() -> object:
    return Field(foreign_key="upload.id", index=True)


# Table: an agency's 附件1 filing (registry); phone and legal_rep are personal data, staff only.
class RegistryRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    agency_name: str = Field(max_length=200)
    address: str = Field(max_length=500)
    office_address: str = Field(max_length=500)
    legal_rep: str = Field(max_length=64)
    phone: str = Field(max_length=64)
    filed_on: dt.date
    commitment_on: dt.date | None = None


# Table: a practitioner at an agency. The ID number is kept only as id_hash + id_last4, never in clear: the watch
# needs equality only (one person employed by two agencies), and a leaked copy of this table must not leak ID
# numbers. id_hash = HMAC-SHA256 under the database's site key (db/records/imports.py id_number_hash).
class PractitionerRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    name: str = Field(max_length=64)
    id_hash: str = Field(max_length=64, index=True)
    id_last4: str = Field(max_length=4)  # what a clerk compares with the card in hand
    specialty: str = Field(max_length=8)
    certificate: str = Field(max_length=64)
    joined_on: dt.date
    left_on: dt.date | None = None


# Table: a change of an agency's basic information and when it was reported (信息变化).
class ChangeRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    item: str = Field(max_length=500)
    practitioner: str = Field(max_length=64)
    changed_on: dt.date
    reported_on: dt.date | None = None


# Table: a service contract between an agency and a client company (服务合同).
class ContractRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    client_code: str = Field(max_length=18)
    client_name: str = Field(max_length=200)
    town: str = Field(max_length=64)
    contract_no: str = Field(max_length=64)
    signed_on: dt.date
    start: dt.date
    end: dt.date
    visits_per_year: int


# Table: an on-site visit as reported in a month's 附件2 (服务记录); month is the month's first day.
class VisitRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    month: dt.date
    submitted_on: dt.date
    client_code: str = Field(max_length=18)
    client_name: str = Field(max_length=200)
    town: str = Field(max_length=64)
    contract_no: str = Field(max_length=64)
    visit_date: dt.date
    practitioner: str = Field(max_length=64)
    hazards: int
    written_advice: bool


# Table: a monthly report received (月度报送), also for a month without visits; month is the month's first day.
class ReportRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = _upload_ref()
    row: int
    credit_code: str = Field(max_length=18, index=True)
    month: dt.date
    submitted_on: dt.date


# Table: one recorded act under a clause (扣分记录). description is staff-only.
class Finding(SQLModel, table=True):
    # (year, recorded_at): publishing asks how many of the year's findings came after its notice opened.
    __table_args__ = (Index("ix_finding_year_agency", "year", "agency_id"),
                      Index("ix_finding_year_recorded_at", "year", "recorded_at"))
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    year: int
    clause: str = Field(max_length=8)
    assessor: str = Field(max_length=64)  # "bureau" or a town's full name
    period: str = Field(max_length=8)  # Q1..Q4, YE, Y
    date: dt.date
    practitioner: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=2000)
    document_no: str = Field(default="", max_length=64)
    upload_id: int | None = Field(default=None, foreign_key="upload.id", index=True)
    source_row: int = 0
    recorded_by: str = Field(max_length=64)
    recorded_at: dt.datetime = _when()
    # Withdrawn (db/findings/withdraw.py, e.g. an upheld objection): kept for the record, no longer rated.
    withdrawn_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    withdrawn_by: str | None = Field(default=None, max_length=64)
    withdrawal_reason: str | None = Field(default=None, max_length=2000)


# Table: a suggested finding of the compliance watch (core/watch.py) that a person decided: confirmed (then
# finding_id is the finding it became) or dismissed (with a required reason). Open suggestions are recomputed from
# the service records, so a late report filed meanwhile simply makes one disappear; `key` is the watch's stable key,
# so a rerun never suggests a decided one again. evidence names file rows; it is staff/agency-only like descriptions.
class Suggestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True, index=True)
    year: int = Field(index=True)
    credit_code: str = Field(max_length=18, index=True)
    agency_name: str = Field(max_length=200)
    clause: str = Field(max_length=8)
    date: dt.date
    assessor: str = Field(max_length=64, index=True)  # "bureau" or a town's full name
    rule: str = Field(max_length=32)
    evidence: str = Field(default="", max_length=2000)
    status: str = Field(max_length=12, index=True)  # confirmed | dismissed
    reason: str = Field(default="", max_length=2000)  # required for a dismissal
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    decided_by: str = Field(max_length=64)
    decided_at: dt.datetime = _when()


# Table: a scanned document an agency filed (附件1 form, 守法诚信承诺书): bytes kept with their SHA-256. Staff and the
# agency itself only; size-limited where it is received.
class AgencyDocument(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    credit_code: str = Field(max_length=18, index=True)
    kind: str = Field(max_length=16)  # commitment | registry
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=64)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=64)
    uploaded_at: dt.datetime = _when()


# Table: a formal talk (约谈) the bureau held with an agency; counts drive clauses 3.8 / 2.7 / 1.8.
class Interview(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    date: dt.date
    year: int = Field(index=True)
    notes: str = Field(default="", max_length=2000)  # staff-only
    recorded_by: str = Field(max_length=64)
    recorded_at: dt.datetime = _when()


# Table: an immutable published version of one year's ratings; digest chains to the previous version.
# The current edition of the readers' files: 2 labels the act's date 行为日期, joins every list with ";" and
# spells keys.csv's demo as true/false (docs/open-data.md, "Editions of the readers' files").
FILES_EDITION = 2


class Publication(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("year", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    version: int
    rulebook: str = Field(max_length=64)
    published_at: dt.datetime = _when()
    published_by: str = Field(max_length=64)
    reason: str = Field(default="", max_length=2000)
    digest: str = Field(max_length=64)
    previous_digest: str = Field(default="", max_length=64)
    agency_count: int = 0
    demo: bool = False
    signature: str = Field(default="", max_length=128, sa_column_kwargs={"server_default": text("''")})  # Ed25519 over the canonical bytes, base64; "" before 0007
    key_id: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": text("''")})  # the signing key (signingkey.key_id)
    # The edition of the readers' files (CSV, XLSX, keys.csv) this version is offered in (docs/open-data.md): set when
    # it is published, never changed, so a file downloaded once is always named by SHA256SUMS. Versions published
    # before editions (0014) are of edition 1.
    files_edition: int = Field(default=FILES_EDITION, sa_column_kwargs={"server_default": text("1")})


# Table: a publication whose rows are complete. Published rows of a sealed publication refuse INSERT (triggers of
# migration 0007), as all published rows refuse UPDATE and DELETE: a published year can only gain a new version.
class PublicationSeal(SQLModel, table=True):
    publication_id: int = Field(primary_key=True, foreign_key="publication.id", sa_column_kwargs={"autoincrement": False})
    sealed_at: dt.datetime = _when()


# Table: every public key that signed a version (the private key stays in its file, never here).
class SigningKey(SQLModel, table=True):
    key_id: str = Field(primary_key=True, max_length=16)
    public_key: str = Field(max_length=400)  # PEM
    demo: bool = False
    first_used_at: dt.datetime = _when()


# Table: one agency's rating in a publication (what the public sees).
class PublishedRating(SQLModel, table=True):
    # The unique (publication_id, credit_code) index also serves every read by publication: no index of its own.
    __table_args__ = (UniqueConstraint("publication_id", "credit_code"),)
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id")
    credit_code: str = Field(max_length=18, index=True)
    agency_name: str = Field(max_length=200)
    year: int
    total: int
    grade: str = Field(max_length=16)
    blacklist_clauses: str = Field(default="", max_length=128)
    towns: str = Field(default="", max_length=1000)  # ";"-joined towns that assessed the agency that year


# Table: one bucket's score of a published rating (the rulebook's buckets: town and bureau for jiangyin-2020).
# A child table rather than a JSON column: scores stay typed integers in SQL on both databases, the rows go in
# through the same bulk path (COPY) as the other Published* rows without needing the rating rows' ids, and the
# same publication guard triggers cover it. `bucket_order` is the bucket's place in its rulebook, so the
# `<bucket>_score` columns read back in the rulebook's order even when the rulebook file is not at hand.
class PublishedScore(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("publication_id", "credit_code", "bucket"),
        ForeignKeyConstraint(["publication_id", "credit_code"],
                             ["publishedrating.publication_id", "publishedrating.credit_code"]),
    )
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int
    credit_code: str = Field(max_length=18)
    bucket: str = Field(max_length=32)
    bucket_order: int
    score: int


# Table: one charged finding of a publication (the public explanation). No description, ever.
class PublishedCharge(SQLModel, table=True):
    # Every read names the publication (and maybe agencies): one index on both, not one each (each index costs
    # the 60,000 charges of a year's publication another insert).
    __table_args__ = (Index("ix_publishedcharge_publication_id_credit_code", "publication_id", "credit_code"),)
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id")
    credit_code: str = Field(max_length=18)
    clause: str = Field(max_length=8)
    assessor: str = Field(max_length=64)
    period: str = Field(max_length=8)
    date: dt.date
    points_nominal: int
    points_charged: int
    blacklist: bool = False


# Table: a practitioner listed on the blacklist in a publication (name only; never ID number or phone).
class PublishedPractitioner(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", index=True)
    credit_code: str = Field(max_length=18)
    agency_name: str = Field(max_length=200)
    practitioner: str = Field(max_length=64)
    clause: str = Field(max_length=8)
    assessor: str = Field(max_length=64)
    date: dt.date


# Table: a staff account (the staff workspace). password_hash is argon2; never shown or exported.
class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=64)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)  # bureau_admin | bureau_staff | town_staff | agency
    town: str | None = Field(default=None, max_length=64)  # for town_staff
    credit_code: str | None = Field(default=None, max_length=18, index=True)  # for agency: the one agency it acts for
    active: bool = True
    created_at: dt.datetime = _when()


# Table: failed sign-ins per (account, client), counted before the password is checked (db/accounts/throttle.py).
# `account` and `client` are keyed hashes, so a password typed into the name field is never stored;
# client "*" is the account-wide ceiling.
class SignInThrottle(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account", "client"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=64)
    client: str = Field(max_length=64)
    failures: int = 0
    blocked_until: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    updated_at: dt.datetime = _when()


# Table: random keys made once by a migration (e.g. "sign_in", the key of the hashes above); never shown.
class SiteKey(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)


# Table: the audit log: who did what, when, with before/after as JSON text.
class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _when(index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=32, index=True)  # sign_in, sign_in_failed, upload, finding, publish, user …
    entity: str = Field(default="", max_length=32)
    entity_id: str = Field(default="", max_length=64)
    before: str = Field(default="", max_length=10000)
    after: str = Field(default="", max_length=10000)
    detail: str = Field(default="", max_length=2000)


# Table: a blacklist listing (docs/listings.md): one agency blacklisted in a year (by clause or by score), or one
# practitioner named in a 1.x finding of a year. Made by publishing, in the publication's transaction; a later
# version of the year keeps it (same subject, same year: never a second one) or withdraws it. `status` is what was
# last recorded; a listing past its planned removal date reads as removed_at_term even before expire_listings runs.
class Listing(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    subject_kind: str = Field(max_length=12)  # agency | practitioner
    credit_code: str = Field(max_length=18, index=True)  # a practitioner's is its agency's
    agency_name: str = Field(max_length=200)
    practitioner: str = Field(default="", max_length=64)  # "" for an agency; the name as published, nothing more
    basis_kind: str = Field(max_length=8)  # clause | score
    basis_clauses: str = Field(default="", max_length=128)  # ";"-joined clause codes (clause listings)
    basis_total: int | None = None  # the total under the threshold (score listings)
    basis_text: str = Field(max_length=2000)  # 认定依据 as the public reads it
    department: str = Field(max_length=500)  # 认定部门
    publication_id: int = Field(foreign_key="publication.id", index=True)  # the version that listed it
    listed_on: dt.date  # 列入日期: that version's date in China
    term_months: int
    planned_removal_on: dt.date  # 移出日期 as planned: listed_on + term_months
    status: str = Field(max_length=24, index=True)  # listed | removed_at_term | repaired | withdrawn
    ended_on: dt.date | None = None
    ended_by_publication_id: int | None = Field(default=None, foreign_key="publication.id")  # a withdrawing version
    updated_at: dt.datetime = _when()


# Table: an application for early removal (信用修复) of a listing, recorded by bureau staff from the agency's letter
# and decided by bureau staff: pending → granted | refused; granted → revoked (the listing is restored).
class RepairApplication(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    received_on: dt.date  # the date of the agency's letter
    summary: str = Field(default="", max_length=2000)  # staff-only: what the agency asks and why
    status: str = Field(max_length=12, index=True)  # pending | granted | refused | revoked
    recorded_by: str = Field(max_length=64)
    recorded_at: dt.datetime = _when()
    decided_by: str = Field(default="", max_length=64)
    decided_on: dt.date | None = None
    decision_reason: str = Field(default="", max_length=2000)  # staff-only
    revoked_by: str = Field(default="", max_length=64)
    revoked_on: dt.date | None = None
    revoke_reason: str = Field(default="", max_length=2000)  # staff-only


# Table: the history of a listing (the public history shows action, date and office; never actor or reason).
class ListingEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    action: str = Field(max_length=24)  # listed | amended | withdrawn | removed_at_term | repair_applied | …
    on: dt.date  # the day it took effect, China time
    office: str = Field(max_length=64)  # who acted, as the public reads it (市应急管理局), never an account
    publication_id: int | None = Field(default=None, foreign_key="publication.id")
    application_id: int | None = Field(default=None, foreign_key="repairapplication.id")
    actor: str = Field(default="", max_length=64)  # staff-only
    reason: str = Field(default="", max_length=2000)  # staff-only
    at: dt.datetime = _when()


# Table: a 公示 (notice) of a year's draft before it is published (db/publishing/notice.py). Objections may be filed
# from the day it opens to ends_on (a China date, inclusive); the year may be published once today is after ends_on
# and no objection is open. status: open → published (the version it led to: publication_id) | cancelled.
class Notice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    opened_on: dt.date  # the China date it opened (objections count from here)
    ends_on: dt.date  # the last day of the notice, China date, inclusive
    opened_by: str = Field(max_length=64)
    opened_at: dt.datetime = _when()
    status: str = Field(default="open", max_length=12, index=True)  # open | published | cancelled
    publication_id: int | None = Field(default=None, foreign_key="publication.id")
    closed_by: str = Field(default="", max_length=64)  # who cancelled it (or published the version)
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


# Table: an objection (异议) to one finding during a notice: filed by the agency's account, or by bureau staff from a
# letter (received_on = the letter's date). Resolved by bureau staff: upheld (the finding withdrawn, finding_action)
# or rejected, with a reason the agency sees. text and reason are staff/agency-only, never public.
class Objection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    finding_id: int = Field(foreign_key="finding.id", index=True)
    credit_code: str = Field(max_length=18, index=True)
    channel: str = Field(max_length=8)  # account | letter
    filed_by: str = Field(max_length=64)  # the agency account, or the staff account that recorded the letter
    filed_on: dt.date  # China date: the day filed on the portal, or the letter's received date
    filed_at: dt.datetime = _when()
    text: str = Field(max_length=2000)
    status: str = Field(default="open", max_length=12, index=True)  # open | upheld | rejected
    reason: str = Field(default="", max_length=2000)  # the resolution's reason, shown to the agency
    finding_action: str = Field(default="", max_length=12)  # "withdrawn" when upheld; "" otherwise
    resolved_by: str = Field(default="", max_length=64)
    resolved_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
# Table: a signed-in browser (db/accounts/sessions.py). The browser's cookie holds a random token; only its SHA-256
# hash is stored. Open while ended_at is empty and expires_at (last activity + the idle limit) is ahead; any app
# process on the database can continue it.
class WebSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: dt.datetime = _when()
    last_active_at: dt.datetime = _when()
    expires_at: dt.datetime = _when(index=True)
    ended_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    end_reason: str = Field(default="", max_length=32)  # signed out | idle timeout | account deactivated | …
    client_note: str = Field(default="", max_length=200)  # optional, e.g. the sign-in client key; never a token
# Table: a stored run of the compliance watch (db/findings/watch_runs.py): every suggestion of a year as of a day
# under a rulebook, for the stored service records as they were (`fingerprint`, db.findings.suggestions.
# records_fingerprint as text). Computed after each import or filing, never while a clerk waits; the queue page
# reads the newest one. A row is first claimed as `running` (the unique key lets one process of several compute it),
# then becomes `ready` (result: the suggestions as Parquet bytes) or `failed` (the refusal, in both languages).
class WatchRun(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("year", "as_of", "rulebook", "fingerprint"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    as_of: dt.date
    rulebook: str = Field(max_length=200)
    fingerprint: str = Field(max_length=400)
    status: str = Field(max_length=12)  # running | ready | failed
    started_at: dt.datetime = _when()
    finished_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    rows: int = 0
    result: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    error_zh: str = Field(default="", max_length=2000)
    error_en: str = Field(default="", max_length=2000)


# --- spot-checks (监督抽查, docs/spot-checks.md) ---------------------------------------------------------------------


# Table: an expert of the bureau's spot-check pool. `code` is the id the draw uses and publishes (E01…); name and
# employer are staff-only (the public page shows names only when a plan says so); `conflicts` (";"-joined credit
# codes: the agencies the expert is employed by or related to) are part of every plan that lists the expert.
class Expert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=64)
    field: str = Field(max_length=32)
    employer: str = Field(default="", max_length=200)
    conflicts: str = Field(default="", max_length=4000)
    active: bool = True
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = _when()


# Table: an announced spot-check plan. `document` is the plan JSON as announced (its every byte is part of the seed);
# `secret` (hex, from `secrets`) is sealed: never shown, exported or logged before the draw, which reveals it. The
# row refuses UPDATE and DELETE (triggers of migration 0017): an announced plan cannot be changed, only followed.
class SpotCheckPlan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(max_length=64, unique=True)
    year: int = Field(index=True)
    population_rule: str = Field(max_length=500)
    draw_day: dt.date
    commitment: str = Field(max_length=64)
    secret: str = Field(max_length=128)
    show_expert_names: bool = False
    document: str = Field(sa_column=Column(Text, nullable=False))
    announced_by: str = Field(max_length=64)
    announced_at: dt.datetime = _when()
    demo: bool = False


# Table: the draw of a plan: at most one (unique plan), immutable like a published rating (triggers of 0017).
# `document` is the published draw JSON (plan, secret, public value, seed, drawn with teams).
class SpotCheckDraw(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="spotcheckplan.id", unique=True)
    public_value: str = Field(max_length=1000)
    seed: str = Field(max_length=64)
    document: str = Field(sa_column=Column(Text, nullable=False))
    drawn_by: str = Field(max_length=64)
    drawn_at: dt.datetime = _when()


# Table: the result of one drawn agency's check: date, the team that checked (expert codes), 未发现问题 (clear) or
# 发现问题 (found) with the findings it led to, recorded through the one finding path (db/findings/recording.py).
class SpotCheckResult(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("draw_id", "credit_code"),)
    id: int | None = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="spotcheckdraw.id", index=True)
    credit_code: str = Field(max_length=18)
    checked_on: dt.date
    team: str = Field(max_length=400)  # ";"-joined expert codes
    outcome: str = Field(max_length=8)  # clear | found
    finding_ids: str = Field(default="", max_length=400)  # ";"-joined finding ids
    recorded_by: str = Field(max_length=64)
    recorded_at: dt.datetime = _when()
# Table: a hazard-refusal report (拒不整改报告, 第十三条、第十四条): an agency found a hazard at an enterprise, gave written
# advice, and the enterprise refused to fix it. Filed on the portal (channel "portal") or by staff from a paper report
# ("paper"); addressed to the enterprise's town, or to the bureau ("bureau") with the agency's reason (情况特殊).
# received → acknowledged (受理) → closed (办结, with an outcome: rectified | case + case_no | unfounded + reason).
# Both deadlines are fixed when it is received (working days from received_on, the settings of that day). The
# enterprise, the hazard and the outcome's words are staff/agency-only: the public sees counts per town and year.
class HazardReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    credit_code: str = Field(max_length=18, index=True)  # the reporting agency
    enterprise_code: str = Field(max_length=18)
    enterprise_name: str = Field(max_length=200)
    town: str = Field(max_length=64, index=True)  # the enterprise's town
    hazard: str = Field(max_length=2000)
    found_on: dt.date
    major: bool = False
    advice_on: dt.date  # the written advice (整改意见书) given to the enterprise
    advice_no: str = Field(max_length=64)
    rectify_by: dt.date  # the deadline the agency gave the enterprise
    response: str = Field(max_length=2000)  # what the enterprise did
    addressee: str = Field(max_length=64, index=True)  # the town's name, or "bureau"
    bureau_reason: str = Field(default="", max_length=2000)  # why straight to the bureau (情况特殊)
    channel: str = Field(max_length=8)  # portal | paper
    received_on: dt.date = Field(index=True)  # China date: the day filed on the portal, or the paper's received date
    filed_by: str = Field(max_length=64)
    filed_at: dt.datetime = _when()
    acknowledge_due: dt.date  # the last day to acknowledge (ACKNOWLEDGE_WORKING_DAYS after received_on)
    close_due: dt.date  # the last day to close (CLOSE_WORKING_DAYS after received_on)
    status: str = Field(default="received", max_length=12, index=True)  # received | acknowledged | closed
    acknowledged_on: dt.date | None = None
    acknowledged_by: str = Field(default="", max_length=64)
    acknowledged_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    outcome: str = Field(default="", max_length=12)  # rectified | case | unfounded
    case_no: str = Field(default="", max_length=64)  # the case's number when one was opened (立案)
    outcome_reason: str = Field(default="", max_length=2000)  # why unfounded (or a note on the other outcomes)
    closed_on: dt.date | None = None
    closed_by: str = Field(default="", max_length=64)
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    scan_name: str = Field(default="", max_length=255)  # the optional scan, checked like an agency's filed scans
    scan_type: str = Field(default="", max_length=64)
    scan_sha256: str = Field(default="", max_length=64)
    scan: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
# Table: a town's inspection of an enterprise (一企双查, 第十五条): what the town found there, and which agency
# serving it was checked at the same visit (agency_code "" when none serves it). Enterprise name, hazard counts and
# the inspector are staff-only: public pages show counts per agency only (db/supervision/effectiveness.py).
class Inspection(SQLModel, table=True):
    __table_args__ = (Index("ix_inspection_agency_year", "agency_code", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    town: str = Field(max_length=64, index=True)
    date: dt.date
    year: int = Field(index=True)
    enterprise_code: str = Field(max_length=18, index=True)
    enterprise_name: str = Field(max_length=200)
    hazards: int = 0
    major_hazards: int = 0
    agency_source: str = Field(max_length=12)  # contract | other | none: how the checked agency was named
    agency_code: str = Field(default="", max_length=18)
    agency_name: str = Field(default="", max_length=200)
    contract_no: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=2000)
    recorded_by: str = Field(max_length=64)
    recorded_at: dt.datetime = _when()


# Table: one check of the agency made at an inspection: its result (pass | fail | unchecked), the clause a failure
# proposes, what the clerk made of a failure (finding → finding_id; note; referral → referral_id) and the records the
# check was shown beside (e.g. "contract AN-2025-01: 3 of 6 visits recorded so far").
class InspectionCheck(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("inspection_id", "check_key"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspection.id", index=True)
    check_key: str = Field(max_length=16)
    clause: str = Field(max_length=8)
    result: str = Field(max_length=12)  # pass | fail | unchecked
    outcome: str = Field(default="", max_length=12)  # "" (passed/unchecked) | finding | note | referral
    note: str = Field(default="", max_length=2000)
    shown: str = Field(default="", max_length=2000)
    finding_id: int | None = Field(default=None, foreign_key="finding.id")


# Table: a town's referral (上报) of blacklist-grade conduct (a 1.x clause) to the bureau: from a failed check of an
# inspection or any matter the town saw. The bureau confirms it (finding_id: its own 1.x finding) or dismisses it with
# a reason; the deadline counts working days from referred_on (REFERRAL_WORKING_DAYS). Staff-only.
class Referral(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    town: str = Field(max_length=64, index=True)
    inspection_id: int | None = Field(default=None, foreign_key="inspection.id", index=True)
    credit_code: str = Field(max_length=18, index=True)
    agency_name: str = Field(max_length=200)
    clause: str = Field(max_length=8)
    date: dt.date  # the day of the conduct or of the inspection that saw it: the finding's date when confirmed
    facts: str = Field(max_length=2000)
    evidence: str = Field(default="", max_length=2000)
    state: str = Field(max_length=12, index=True)  # referred | confirmed | dismissed
    referred_on: dt.date
    referred_by: str = Field(max_length=64)
    referred_at: dt.datetime = _when()
    reason: str = Field(default="", max_length=2000)  # required for a dismissal
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
