"""Ending blacklist listings: removal at term end (expire_listings) and early removal (信用修复) decided by staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import china_time
from core.errors import CreditBoardError
from core.terms import add_months
from db.accounts import audit
from db.accounts.actor import SYSTEM, Actor, actor_name
from db.publishing.listings import LISTED, OFFICE, REMOVED_AT_TERM, REPAIRED
from db.store.engine import transaction, write_lock
from db.store.models import Listing, ListingEvent, RepairApplication, utcnow
from db.store.settings import get_settings
from db.store.text import checked_text

ACTION = "decide_listings"  # db.accounts.roles.PERMISSIONS
PENDING, GRANTED, REFUSED, REVOKED = "pending", "granted", "refused", "revoked"


class ListingError(CreditBoardError):
    """A listing change refused for a reason people can read (Chinese and English); nothing was written."""


def effective_status(status: str, planned_removal_on: dt.date, today: dt.date) -> str:
    """What a listing is on `today`: a listing past its planned removal date has ended, recorded or not yet."""
    return REMOVED_AT_TERM if status == LISTED and planned_removal_on <= today else status


def repair_from(listing: Listing, months: int | None = None) -> dt.date:
    """The first day early removal may be granted: 列入日期 plus the minimum (REPAIR_MINIMUM_MONTHS)."""
    return add_months(listing.listed_on, get_settings().repair_minimum_months if months is None else months)


def _event(session: Session, listing: Listing, action: str, on: dt.date, actor: str,
           application: RepairApplication | None = None, reason: str = "") -> None:
    session.add(ListingEvent(listing_id=listing.id, action=action, on=on, office=OFFICE, actor=actor,
                             application_id=application.id if application else None, reason=reason))


def expire_listings(*, engine: Engine, today: dt.date | None = None, by: Actor = SYSTEM) -> list[int]:
    """Record removal at term end for every listing whose planned removal date has come; returns their ids.

    Idempotent: a second run (another page load, the daily CLI run) finds nothing and writes nothing, not even
    an audit entry. Reads never wait for it: they compute the same status (effective_status).
    """
    day = today or china_time.today()
    due = select(Listing.id).where(Listing.status == LISTED, Listing.planned_removal_on <= day).limit(1)
    with engine.connect() as connection:  # the usual case, nothing due: no write lock taken at all
        if connection.execute(due).first() is None:
            return []
    with transaction(engine) as session:
        by = actor_name(session, by, ACTION)  # SYSTEM or the command line's operator; an account is checked
        write_lock(session)
        listings = session.execute(
            select(Listing).where(Listing.status == LISTED, Listing.planned_removal_on <= day)
            .order_by(Listing.id).with_for_update()
        ).scalars().all()
        for listing in listings:
            listing.status, listing.ended_on, listing.updated_at = REMOVED_AT_TERM, listing.planned_removal_on, utcnow()
            _event(session, listing, REMOVED_AT_TERM, listing.planned_removal_on, by)
        ids = [int(listing.id) for listing in listings]
        if ids:
            audit.record(session, actor=by, action="expire_listings", entity="listing", after={"ids": ids},
                         detail=f"到期移出 {len(ids)} 条 / {len(ids)} removed at term end ({day.isoformat()})")
        return ids


def _locked(session: Session, model: type, row_id: int, missing: tuple[str, str]):
    row = session.execute(select(model).where(model.id == row_id).with_for_update()).scalars().first()
    if row is None:
        raise ListingError(*missing)
    return row


def _listing(session: Session, listing_id: int) -> Listing:
    return _locked(session, Listing, listing_id, ("没有这条黑名单记录", "no such listing"))


def _application(session: Session, application_id: int) -> RepairApplication:
    return _locked(session, RepairApplication, application_id, ("没有这份信用修复申请", "no such repair application"))


def apply_repair(*, engine: Engine, by: Actor, listing_id: int, received_on: dt.date, summary: str = "",
                 today: dt.date | None = None) -> RepairApplication:
    """Record an agency's application for early removal of a current listing (from its letter); audited."""
    day = today or china_time.today()
    summary = checked_text(summary, field=("申请摘要", "summary"), required=False, error=ListingError)
    with transaction(engine) as session:
        write_lock(session)
        actor = actor_name(session, by, ACTION)
        listing = _listing(session, listing_id)
        if effective_status(listing.status, listing.planned_removal_on, day) != LISTED:
            raise ListingError("该记录已不在黑名单中，无需信用修复", "this listing has ended: there is nothing to repair")
        if not listing.listed_on <= received_on <= day:
            raise ListingError(f"申请日期应在列入日期（{listing.listed_on}）与今天之间",
                               f"the application date must lie between the listing date ({listing.listed_on}) and today")
        pending = session.execute(select(RepairApplication.id).where(
            RepairApplication.listing_id == listing.id, RepairApplication.status == PENDING)).first()
        if pending is not None:
            raise ListingError("该记录已有待决定的信用修复申请", "this listing already has an application waiting for a decision")
        application = RepairApplication(listing_id=listing.id, received_on=received_on, summary=summary,
                                        status=PENDING, recorded_by=actor)
        session.add(application)
        session.flush()
        _event(session, listing, "repair_applied", received_on, actor, application)
        audit.record(session, actor=actor, action="repair_apply", entity="listing", entity_id=listing.id,
                     after={"application": application.id, "received_on": received_on.isoformat()}, detail=summary)
        return application


def decide_repair(*, engine: Engine, by: Actor, application_id: int, grant: bool, reason: str,
                  today: dt.date | None = None) -> RepairApplication:
    """Grant (the listing ends today as 信用修复) or refuse a pending application; a reason is required; audited.

    Granting needs the minimum time since listing (REPAIR_MINIMUM_MONTHS) to have passed; refusing does not.
    """
    day = today or china_time.today()
    reason = checked_text(reason, field=("决定理由", "reason for the decision"), error=ListingError)
    with transaction(engine) as session:
        write_lock(session)
        actor = actor_name(session, by, ACTION)
        application = _application(session, application_id)
        if application.status != PENDING:
            raise ListingError("该申请已有决定", "this application has been decided already")
        listing = _listing(session, application.listing_id)
        if grant:
            if effective_status(listing.status, listing.planned_removal_on, day) != LISTED:
                raise ListingError("该记录已不在黑名单中，不能再准予信用修复",
                                   "this listing has ended: a repair can no longer be granted")
            earliest = repair_from(listing)
            if day < earliest:
                raise ListingError(f"列入未满最短期限，{earliest.isoformat()}起方可准予信用修复",
                                   f"the minimum time since listing has not passed: a repair may be granted from "
                                   f"{earliest.isoformat()}")
            listing.status, listing.ended_on, listing.updated_at = REPAIRED, day, utcnow()
        application.status = GRANTED if grant else REFUSED
        application.decided_by, application.decided_on, application.decision_reason = actor, day, reason
        _event(session, listing, "repair_granted" if grant else "repair_refused", day, actor, application, reason)
        audit.record(session, actor=actor, action="repair_grant" if grant else "repair_refuse", entity="listing",
                     entity_id=listing.id, after={"application": application.id, "status": listing.status},
                     detail=reason)
        return application


def revoke_repair(*, engine: Engine, by: Actor, application_id: int, reason: str,
                  today: dt.date | None = None) -> RepairApplication:
    """Revoke a granted repair: the listing is restored (listed again until its planned removal date); audited."""
    day = today or china_time.today()
    reason = checked_text(reason, field=("撤销理由", "reason for the revocation"), error=ListingError)
    with transaction(engine) as session:
        write_lock(session)
        actor = actor_name(session, by, ACTION)
        application = _application(session, application_id)
        if application.status != GRANTED:
            raise ListingError("只能撤销已准予的信用修复", "only a granted repair can be revoked")
        listing = _listing(session, application.listing_id)
        if listing.status != REPAIRED:
            raise ListingError("该记录已被更正撤销或另行处理，不能恢复", "this listing was withdrawn or changed since: "
                               "it cannot be restored")
        listing.status, listing.ended_on, listing.updated_at = LISTED, None, utcnow()
        application.status, application.revoked_by, application.revoked_on = REVOKED, actor, day
        application.revoke_reason = reason
        _event(session, listing, "repair_revoked", day, actor, application, reason)
        audit.record(session, actor=actor, action="repair_revoke", entity="listing", entity_id=listing.id,
                     after={"application": application.id, "status": LISTED}, detail=reason)
        return application
