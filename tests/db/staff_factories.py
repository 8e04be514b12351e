"""Accounts for staff tests: one call per role, with a known password (tests only; no default password exists)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from db.accounts import security
from db.accounts.users import create_user

PASSWORD = "correct horse battery"  # 21 characters, passes the policy
TOWN = "璜土镇"
OTHER_TOWN = "月城镇"


def make_user(engine: Engine, username: str, role: str, town: str | None = None,
              password: str = PASSWORD) -> dict[str, Any]:
    """Create an account from the command line's side (by="test") and return its session dict."""
    return create_user(engine=engine, username=username, password=password, role=role, town=town, by="test")


def make_staff(engine: Engine) -> dict[str, dict[str, Any]]:
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
