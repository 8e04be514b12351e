"""Accounts for staff tests: one call per role, with a known password (tests only; no default password exists)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from db.accounts import security
from db.accounts.actor import Actor
from db.accounts.users import create_user

PASSWORD = "correct horse battery"  # 21 characters, passes the policy
TOWN = "璜土镇"
OTHER_TOWN = "月城镇"


OPERATOR = Actor.operator("test")  # the command line's side: who creates the test accounts


def actor_for(user: Mapping[str, Any]) -> Actor:
    """The Actor a page would pass for this signed-in account (its session dict, db/accounts/account_view.py)."""
    return Actor.of(user)


def make_user(engine: Engine, username: str, role: str, town: str | None = None,
              password: str = PASSWORD) -> Actor:
    """Create an account from the command line's side (OPERATOR) and return the Actor a page would act as."""
    return actor_for(create_user(engine=engine, username=username, password=password, role=role, town=town,
                                 by=OPERATOR))


def make_staff(engine: Engine) -> dict[str, Actor]:
    """One account of each role: admin, staff, town (璜土镇)."""
    return {
        "admin": make_user(engine, "admin", "bureau_admin"),
        "staff": make_user(engine, "staff", "bureau_staff"),
        "town": make_user(engine, "town", "town_staff", TOWN),
    }


@pytest.fixture
def fast_argon2(monkeypatch):
    """Real argon2id with small cost parameters, so tests that hash dozens of times stay fast.

    Production parameters are checked by test_user_cli's real command-line run.
    """
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
