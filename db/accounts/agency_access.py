"""Who an agency account acts for: the account re-read in the caller's transaction, and its agency."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from db.accounts.actor import Actor, acting_user
from db.accounts.roles import AccessDenied
from db.store.models import Agency


@dataclass(frozen=True)
class ActingAgency:
    """A signed-in agency account as it is in the database now: its username and the agency it acts for."""

    username: str
    credit_code: str
    agency_id: int
    agency_name: str


def acting_agency(session: Session, user: Actor | None) -> ActingAgency:
    """The agency `user` acts for, checked against the database (role agency, active, bound to a known agency).

    The credit code comes from the account row, never from the page: a page cannot ask for another agency's data.
    """
    row = acting_user(session, user, "agency_portal")
    agency = session.exec(select(Agency).where(Agency.credit_code == row.credit_code)).first()
    if agency is None:
        raise AccessDenied("该账号绑定的机构不存在", "the agency this account is bound to does not exist")
    return ActingAgency(row.username, agency.credit_code, int(agency.id), agency.name)
