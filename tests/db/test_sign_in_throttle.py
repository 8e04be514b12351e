"""Sign-in throttling: parallel guesses, unknown vs locked names, strangers, admin unlock, and what the log keeps."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from db.accounts import security, users
from db.accounts.audit_log import audit_csv, audit_entries
from db.accounts.throttle import ACCOUNT_CEILING, FREE_ATTEMPTS, KNOWN_FOR
from db.accounts.users import authenticate
from db.store.models import AuditEntry
from tests.builders import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.usefixtures("fast_argon2")

T0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
WRONG = "not the password"
THREADS = 20


@pytest.fixture
def verified(monkeypatch) -> list[str]:
    """Every hash a password was checked against; each check also takes a moment, as real argon2 does."""
    seen: list[str] = []
    guard = threading.Lock()
    real = security.verify_password

    def spy(password: str, password_hash: str) -> bool:
        with guard:
            seen.append(password_hash)
        time.sleep(0.02)  # widens the window between reading the throttle and counting the failure
        return real(password, password_hash)

    monkeypatch.setattr(security, "verify_password", spy)
    return seen


def _real_checks(seen: list[str]) -> int:
    return sum(h != security.DUMMY_HASH for h in seen)


def _all_at_once(engine, passwords: list[str], client: str = "10.0.0.9") -> list[users.SignInResult]:
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> users.SignInResult:
        start.wait()
        return authenticate(engine=engine, username="li", password=password, client=client, now=T0)

    with ThreadPoolExecutor(len(passwords)) as pool:
        return list(pool.map(attempt, passwords))


def _audit(engine) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_twenty_parallel_guesses_get_at_most_five_passwords_checked(engine, verified):
    make_user(engine, "li", "bureau_admin")
    results = _all_at_once(engine, [WRONG] * THREADS)
    assert _real_checks(verified) <= FREE_ATTEMPTS
    assert len(verified) == THREADS  # the refused ones still cost one (dummy) verification each
    assert not any(results)
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="10.0.0.9", now=T0).reason == "locked"


def test_a_right_password_inside_a_locked_window_neither_signs_in_nor_clears_the_lock(engine, verified):
    make_user(engine, "li", "bureau_admin")
    for _ in range(FREE_ATTEMPTS):
        authenticate(engine=engine, username="li", password=WRONG, client="10.0.0.9", now=T0)
    verified.clear()
    results = _all_at_once(engine, [PASSWORD] * 3 + [WRONG] * (THREADS - 3))
    assert not any(results)
    assert {r.reason for r in results} == {"locked"}
    assert _real_checks(verified) == 0
    later = authenticate(engine=engine, username="li", password=PASSWORD, client="10.0.0.9",
                         now=T0 + dt.timedelta(seconds=30))
    assert later.reason == "locked"


def test_the_wait_grows_after_each_failure_past_the_free_attempts_up_to_fifteen_minutes(engine):
    make_user(engine, "li", "bureau_admin")
    now, waits = T0, []
    for _ in range(FREE_ATTEMPTS + 6):
        result = authenticate(engine=engine, username="li", password=WRONG, client="c", now=now)
        if result.locked_until is not None:
            waits.append(round((result.locked_until - now).total_seconds() / 60))
            now = result.locked_until
    assert waits == [1, 2, 4, 8, 15, 15, 15]
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="c", now=now)


def test_an_unknown_name_and_a_locked_account_answer_alike(engine, verified):
    make_user(engine, "li", "bureau_admin")
    answers = {}
    for name in ("li", "ghost"):
        for _ in range(FREE_ATTEMPTS):
            authenticate(engine=engine, username=name, password=WRONG, client="c", now=T0)
        verified.clear()
        answer = authenticate(engine=engine, username=name, password=WRONG, client="c", now=T0)
        answers[name] = (answer.user, answer.reason, answer.locked_until, len(verified))
    assert answers["li"] == answers["ghost"] == (None, "locked", T0 + dt.timedelta(minutes=1), 1)


def test_the_first_failures_of_an_unknown_name_and_a_real_one_answer_alike(engine):
    make_user(engine, "li", "bureau_admin")
    for i in range(FREE_ATTEMPTS):
        real = authenticate(engine=engine, username="li", password=WRONG, client="c", now=T0)
        ghost = authenticate(engine=engine, username="ghost", password=WRONG, client="c", now=T0)
        assert (real.user, real.locked_until) == (ghost.user, ghost.locked_until), i
        assert (real.reason == "locked") == (ghost.reason == "locked"), i


def test_a_stranger_on_another_client_cannot_lock_the_owner_out(engine):
    make_user(engine, "li", "bureau_admin")
    now = T0
    for _ in range(FREE_ATTEMPTS + 3):  # the stranger keeps guessing as fast as the throttle lets them
        result = authenticate(engine=engine, username="li", password=WRONG, client="203.0.113.7", now=now)
        now = result.locked_until or now
    assert authenticate(engine=engine, username="li", password=WRONG, client="203.0.113.7", now=now - dt.timedelta(
        seconds=1)).reason == "locked"
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="10.1.1.1", now=now)


def test_the_account_wide_ceiling_stops_guesses_from_many_clients(engine, verified):
    make_user(engine, "li", "bureau_admin")
    for i in range(ACCOUNT_CEILING):
        authenticate(engine=engine, username="li", password=WRONG, client=f"client-{i}", now=T0)
    verified.clear()
    result = authenticate(engine=engine, username="li", password=PASSWORD, client="fresh", now=T0)
    assert result.reason == "locked" and _real_checks(verified) == 0
    assert users.list_users(engine=engine, now=T0)["locked"].tolist() == [True]


def _crowd_reaches_the_ceiling(engine, now: dt.datetime) -> None:
    for i in range(ACCOUNT_CEILING):
        authenticate(engine=engine, username="li", password=WRONG, client=f"crowd-{i}", now=now)


def test_the_owner_on_a_client_it_signed_in_from_is_never_stopped_by_the_ceiling(engine, verified):
    make_user(engine, "li", "bureau_admin")
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=T0)
    later = T0 + dt.timedelta(days=30)
    _crowd_reaches_the_ceiling(engine, later)
    verified.clear()
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=later)
    assert _real_checks(verified) == 1
    # The success cleared the account-wide count: the crowd starts again from zero, as after any success.


def test_the_ceiling_still_slows_every_unknown_client_even_with_the_right_password(engine, verified):
    make_user(engine, "li", "bureau_admin")
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=T0)
    _crowd_reaches_the_ceiling(engine, T0)
    verified.clear()
    for client in ("fresh", "crowd-0", "new laptop"):
        assert authenticate(engine=engine, username="li", password=PASSWORD, client=client, now=T0).reason == "locked"
    assert _real_checks(verified) == 0


def test_a_known_client_still_waits_for_its_own_failures(engine, verified):
    make_user(engine, "li", "bureau_admin")
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=T0)
    verified.clear()
    results = _all_at_once(engine, [WRONG] * THREADS, client="office")
    assert _real_checks(verified) <= FREE_ATTEMPTS and not any(results)
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=T0).reason == "locked"


def test_a_client_is_known_for_ninety_days_after_its_last_success(engine):
    make_user(engine, "li", "bureau_admin")
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=T0)
    long_after = T0 + KNOWN_FOR + dt.timedelta(seconds=1)
    _crowd_reaches_the_ceiling(engine, long_after)
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office", now=long_after).reason == \
        "locked"
    assert authenticate(engine=engine, username="li", password=PASSWORD, client="office",
                        now=long_after + dt.timedelta(minutes=15))


def test_an_admin_unlock_clears_every_throttle_of_the_account_and_is_audited(engine):
    accounts = make_staff(engine)
    for client in ("a", "b"):
        for _ in range(FREE_ATTEMPTS):
            authenticate(engine=engine, username="staff", password=WRONG, client=client, now=T0)
    users.unlock(engine=engine, username="staff", by=accounts["admin"])
    assert authenticate(engine=engine, username="staff", password=PASSWORD, client="a", now=T0)
    assert authenticate(engine=engine, username="staff", password=PASSWORD, client="b", now=T0)
    actions = [(e.action, e.actor, e.entity_id) for e in _audit(engine)]
    assert ("user_unlock", "admin", "staff") in actions


def test_the_moment_a_throttle_starts_is_audited(engine):
    make_user(engine, "li", "bureau_admin")
    for _ in range(FREE_ATTEMPTS):
        authenticate(engine=engine, username="li", password=WRONG, client="c", now=T0)
    locks = [e for e in _audit(engine) if e.action == "sign_in_locked"]
    assert [(e.actor, e.entity_id) for e in locks] == [("li", "li")]
    assert "1" in locks[0].detail


def test_an_unknown_name_is_never_kept_verbatim_in_the_log(engine):
    typed = "MySecretPass99"  # a password typed into the name field
    for _ in range(FREE_ATTEMPTS + 1):
        authenticate(engine=engine, username=typed, password=WRONG, client="c", now=T0)
    entries = _audit(engine)
    assert entries
    text = "\n".join(f"{e.actor} {e.entity_id} {e.before} {e.after} {e.detail}" for e in entries)
    assert typed.lower() not in text.lower()
    assert typed[:4].lower() not in text.lower()
    # The same typed name gives the same token, so an admin can still see repeated attempts.
    assert len({e.entity_id for e in entries}) == 1


def test_a_known_name_stays_readable_in_the_log(engine):
    make_user(engine, "li", "bureau_admin")
    authenticate(engine=engine, username="li", password=WRONG, client="c", now=T0)
    failed = [e for e in _audit(engine) if e.action == "sign_in_failed"]
    assert [(e.actor, e.entity_id) for e in failed] == [("li", "li")]


def test_the_audit_download_of_an_unknown_name_holds_no_verbatim_name(engine):
    accounts = make_staff(engine)
    typed = "Hunter2Hunter2"
    authenticate(engine=engine, username=typed, password=WRONG, client="c", now=T0)
    entries = audit_entries(engine=engine, user=accounts["admin"])
    csv = audit_csv(entries).decode("utf-8-sig")
    assert "sign_in_failed" in csv
    assert typed.lower() not in csv.lower()
