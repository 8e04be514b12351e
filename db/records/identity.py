"""Who a practitioner is without their ID number: the keyed hash stored instead, and the database's key for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from db.accounts import security
from db.store.models import SiteKey


def id_number_hash(key: str, number: str) -> str:
    """The stored stand-in for an ID number (normalized as the reader gives it): equal numbers, equal hashes."""
    return security.keyed_digest(key, f"id_number:{number}")


ID_KEY_NAME = "id_number"  # the site key of the ID-number hashes (made by migration 0005; apart from sign-in's)


def site_key(bind: Session | Connection) -> str:
    """The database's ID-number key (made by migration 0005); never shown."""
    statement = select(SiteKey.value).where(SiteKey.name == ID_KEY_NAME)
    if isinstance(bind, Session):
        return bind.exec(statement).one()
    return bind.execute(statement).scalar_one()
