"""Staff accounts: passwords, sign-in, lockout, account changes and their audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from db.accounts import security, users
from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.accounts.security import PasswordPolicyError
from db.accounts.throttle import FIRST_WAIT, FREE_ATTEMPTS
from db.accounts.users import UserError, authenticate
from db.store.models import AuditEntry, User
from tests.builders import ACCOUNT_TOWN, PASSWORD, make_staff, make_user

pytestmark = pytest.mark.usefixtures("fast_argon2")

T0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


def _audit(engine) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_a_new_account_signs_in_with_its_password_and_carries_no_hash(engine):
    make_user(engine, "Wang.Li", "bureau_staff")
    result = authenticate(engine=engine, username="  wang.li ", password=PASSWORD)
    assert result
    assert result.user["username"] == "wang.li"
    assert result.user["role"] == "bureau_staff"
    assert not any("argon2" in str(v) for v in result.user.values())
    with Session(engine) as s:
        stored = s.exec(select(User)).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


@pytest.mark.parametrize("password", ["", "short", "123456789", " " * 12])
def test_passwords_shorter_than_ten_characters_or_blank_are_refused(engine, password):
    with pytest.raises(PasswordPolicyError):
        make_user(engine, "li", "bureau_admin", password=password)
    assert users.list_users(engine=engine).empty


def test_ten_characters_is_enough(engine):
    make_user(engine, "li", "bureau_admin", password="abcdefghij")
    assert authenticate(engine=engine, username="li", password="abcdefghij")


def test_a_wrong_password_is_refused_as_wrong(engine):
    make_user(engine, "li", "bureau_admin")
    result = authenticate(engine=engine, username="li", password="not the password")
    assert not result and result.reason == "wrong" and result.user is None


def test_an_unknown_user_spends_one_verification_on_the_dummy_hash(engine, monkeypatch):
    seen: list[str] = []
    real = security.verify_password

    def spy(password, password_hash):
        seen.append(password_hash)
        return real(password, password_hash)

    monkeypatch.setattr(security, "verify_password", spy)
    result = authenticate(engine=engine, username="nobody", password=PASSWORD)
    assert not result and result.reason == "unknown"
    assert seen == [security.DUMMY_HASH]


def test_every_refusal_verifies_exactly_one_hash(engine, monkeypatch):
    make_user(engine, "li", "bureau_admin")
    make_user(engine, "zhao", "bureau_staff")
    users.deactivate(engine=engine, username="zhao", by=Actor.operator("test"))
    calls: list[str] = []
    real = security.verify_password
    monkeypatch.setattr(security, "verify_password", lambda p, h: calls.append(h) or real(p, h))
    for name, password in [("nobody", "x" * 12), ("li", "x" * 12), ("zhao", PASSWORD)]:
        calls.clear()
        assert not authenticate(engine=engine, username=name, password=password)
        assert len(calls) == 1, name


def test_five_failures_make_the_client_wait_a_minute_then_the_right_password_opens(engine):
    make_user(engine, "li", "bureau_admin")
    reasons = [authenticate(engine=engine, username="li", password="wrong password", now=T0 + dt.timedelta(seconds=i)).reason
               for i in range(FREE_ATTEMPTS)]
    assert reasons == ["wrong"] * (FREE_ATTEMPTS - 1) + ["locked"]
    locked_at = T0 + dt.timedelta(seconds=FREE_ATTEMPTS - 1)
    # The right password does not open during the wait, up to its last second.
    almost = authenticate(engine=engine, username="li", password=PASSWORD, now=locked_at + FIRST_WAIT - dt.timedelta(seconds=1))
    assert almost.reason == "locked"
    assert almost.locked_until == locked_at + FIRST_WAIT
    assert users.list_users(engine=engine, now=locked_at)["locked"].tolist() == [True]
    opened = authenticate(engine=engine, username="li", password=PASSWORD, now=locked_at + FIRST_WAIT)
    assert opened and opened.user["username"] == "li"


def test_a_successful_sign_in_resets_the_failure_count(engine):
    make_user(engine, "li", "bureau_admin")
    for _ in range(FREE_ATTEMPTS - 1):
        authenticate(engine=engine, username="li", password="wrong password", now=T0)
    assert authenticate(engine=engine, username="li", password=PASSWORD, now=T0)
    for _ in range(FREE_ATTEMPTS - 1):
        assert authenticate(engine=engine, username="li", password="wrong password", now=T0).reason == "wrong"
    assert authenticate(engine=engine, username="li", password=PASSWORD, now=T0)


def test_an_admin_unlocks_an_account_before_the_period_ends(engine):
    accounts = make_staff(engine)
    for _ in range(FREE_ATTEMPTS):
        authenticate(engine=engine, username="staff", password="wrong password", now=T0)
    assert authenticate(engine=engine, username="staff", password=PASSWORD, now=T0).reason == "locked"
    users.unlock(engine=engine, username="staff", by=accounts["admin"])
    assert authenticate(engine=engine, username="staff", password=PASSWORD, now=T0)


def test_a_password_reset_replaces_the_password_and_lifts_the_lock(engine):
    accounts = make_staff(engine)
    for _ in range(FREE_ATTEMPTS):
        authenticate(engine=engine, username="town", password="wrong password", now=T0)
    users.set_password(engine=engine, username="town", password="a new long secret", by=accounts["admin"])
    assert authenticate(engine=engine, username="town", password="a new long secret", now=T0)
    assert authenticate(engine=engine, username="town", password=PASSWORD, now=T0).reason == "wrong"


def test_a_deactivated_account_cannot_sign_in(engine):
    accounts = make_staff(engine)
    users.deactivate(engine=engine, username="staff", by=accounts["admin"])
    assert authenticate(engine=engine, username="staff", password=PASSWORD).reason == "inactive"


def test_the_last_active_bureau_admin_cannot_be_deactivated(engine):
    accounts = make_staff(engine)
    with pytest.raises(UserError):
        users.deactivate(engine=engine, username="admin", by=accounts["admin"])
    make_user(engine, "admin2", "bureau_admin")
    users.deactivate(engine=engine, username="admin", by=Actor.operator("test"))
    assert users.current_user(engine=engine, username="admin")["active"] is False


@pytest.mark.parametrize("who", ["staff", "town"])
def test_only_a_bureau_admin_manages_accounts(engine, who):
    accounts = make_staff(engine)
    actor = accounts[who]
    with pytest.raises(AccessDenied):
        users.create_user(engine=engine, username="x", password=PASSWORD, role="bureau_admin", by=actor)
    with pytest.raises(AccessDenied):
        users.set_password(engine=engine, username="admin", password="taken over now", by=actor)
    with pytest.raises(AccessDenied):
        users.deactivate(engine=engine, username="admin", by=actor)
    with pytest.raises(AccessDenied):
        users.unlock(engine=engine, username="admin", by=actor)
    assert len(users.list_users(engine=engine)) == 3
    assert authenticate(engine=engine, username="admin", password=PASSWORD)


def test_an_admin_deactivated_while_signed_in_loses_the_right_at_once(engine):
    accounts = make_staff(engine)
    make_user(engine, "admin2", "bureau_admin")
    users.deactivate(engine=engine, username="admin", by=Actor.operator("test"))
    with pytest.raises(AccessDenied):
        users.create_user(engine=engine, username="x", password=PASSWORD, role="bureau_staff", by=accounts["admin"])


def test_town_staff_is_bound_to_one_known_town_by_any_of_its_names(engine):
    user = make_user(engine, "hx", "town_staff", "璜土")
    assert user.town == ACCOUNT_TOWN
    with pytest.raises(UserError):
        make_user(engine, "nowhere", "town_staff", "火星镇")
    with pytest.raises(UserError):
        make_user(engine, "townless", "town_staff")
    with pytest.raises(UserError):
        make_user(engine, "bureau_as_town", "town_staff", "市应急管理局")


def test_bureau_accounts_carry_no_town_and_roles_are_known(engine):
    with pytest.raises(UserError):
        make_user(engine, "b", "bureau_staff", ACCOUNT_TOWN)
    with pytest.raises(UserError):
        make_user(engine, "c", "superuser")


def test_usernames_are_unique_whatever_their_case(engine):
    make_user(engine, "li", "bureau_admin")
    with pytest.raises(UserError):
        make_user(engine, "LI", "bureau_staff")
    with pytest.raises(UserError):
        make_user(engine, "li ming", "bureau_staff")


def test_list_users_never_returns_a_hash(engine):
    make_staff(engine)
    table = users.list_users(engine=engine)
    assert list(table.columns) == list(users.USER_COLUMNS)
    assert "argon2" not in table.to_csv()
    assert sorted(table["username"]) == ["admin", "staff", "town"]


def test_a_user_changes_their_own_password_only_with_the_current_one(engine):
    accounts = make_staff(engine)
    assert not users.change_own_password(engine=engine, user=accounts["town"], current_password="guess guess",
                                         new_password="another secret")
    assert users.change_own_password(engine=engine, user=accounts["town"], current_password=PASSWORD,
                                     new_password="another secret")
    assert authenticate(engine=engine, username="town", password="another secret")


def test_sign_ins_failures_and_account_changes_are_audited_without_secrets(engine):
    accounts = make_staff(engine)
    authenticate(engine=engine, username="admin", password=PASSWORD)
    authenticate(engine=engine, username="admin", password="a wrong guess!")
    authenticate(engine=engine, username="ghost", password="another guess")
    users.set_password(engine=engine, username="town", password="brand new secret", by=accounts["admin"])
    users.sign_out(engine=engine, user=accounts["admin"])
    entries = _audit(engine)
    actions = [e.action for e in entries]
    assert actions.count("user_create") == 3
    assert {"sign_in", "sign_in_failed", "user_password", "sign_out"} <= set(actions)
    with Session(engine) as s:
        hashes = [u.password_hash for u in s.exec(select(User)).all()]
    text = "\n".join(f"{e.actor} {e.action} {e.entity_id} {e.before} {e.after} {e.detail}" for e in entries)
    for secret in [PASSWORD, "a wrong guess!", "another guess", "brand new secret", "argon2", *hashes]:
        assert secret not in text
