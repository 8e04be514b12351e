"""Agencies and agency accounts for the portal's tests (tests only)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.accounts.users import create_user
from db.store.engine import transaction
from db.store.models import Agency
from tests.core.factory import uscc
from tests.db.staff_factories import PASSWORD

MINE, THEIRS = uscc(11), uscc(12)
NAMES = {MINE: "甲安全技术服务有限公司", THEIRS: "乙安全咨询有限公司"}


def make_agencies(engine: Engine, codes: tuple[str, ...] = (MINE, THEIRS)) -> None:
    """The agencies on record (an agency account can only be made for one of them)."""
    with transaction(engine) as session:
        for code in codes:
            session.add(Agency(credit_code=code, name=NAMES.get(code, f"机构{code[-4:]}")))


def make_agency_user(engine: Engine, username: str, credit_code: str) -> Actor:
    """An agency account bound to `credit_code` (created from the command line's side), as a page would act."""
    return Actor.of(create_user(engine=engine, username=username, password=PASSWORD, role="agency",
                                by=Actor.operator("test"), credit_code=credit_code))

