"""Server-side sign-in sessions (db/accounts/sessions.py) on SQLite and PostgreSQL: open with a sign-in, slide the
idle expiry at most once per interval, expire, end one, end all on deactivation or password reset, purge, and never
store a token as it is."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from db.accounts import sessions, users
from db.accounts.actor import Actor
from db.accounts.users import authenticate
from db.store.models import AuditEntry, WebSession, aware
from tests.builders import PASSWORD, make_staff

pytestmark = pytest.mark.usefixtures("fast_argon2")

T0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
IDLE = dt.timedelta(minutes=30)


@pytest.fixture
def accounts(engine):
    return make_staff(engine)


def _open(engine, username: str = "staff", now: dt.datetime = T0, idle: dt.timedelta = IDLE) -> str:
    result = authenticate(engine=engine, username=username, password=PASSWORD, now=now, session_idle=idle,
                          note="host pid 1")
    assert result and result.token
    return result.token


def _row(engine, token: str) -> WebSession:
    with Session(engine) as s:
        return s.exec(select(WebSession).where(WebSession.token_hash == sessions.token_hash(token))).one()


def _sign_outs(engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        return [(e.actor, e.detail) for e in s.exec(select(AuditEntry).where(AuditEntry.action == "sign_out")
                                                     .order_by(AuditEntry.id)).all()]


def test_a_sign_in_opens_a_session_that_resumes_with_the_account_as_it_is_now(engine, accounts):
    token = _open(engine)
    found = sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + dt.timedelta(seconds=5))
    assert (found.status, found.user["username"], found.user["role"]) == ("open", "staff", "bureau_staff")
    assert "password_hash" not in found.user
    row = _row(engine, token)
    assert (aware(row.created_at), aware(row.expires_at), row.client_note) == (T0, T0 + IDLE, "host pid 1")


def test_a_sign_in_without_asking_for_a_session_opens_none(engine, accounts):
    assert authenticate(engine=engine, username="staff", password=PASSWORD, now=T0).token is None
    with Session(engine) as s:
        assert s.exec(select(WebSession)).all() == []


def test_a_wrong_password_opens_no_session(engine, accounts):
    result = authenticate(engine=engine, username="staff", password="not the password", now=T0, session_idle=IDLE)
    assert (result.user, result.token) == (None, None)
    with Session(engine) as s:
        assert s.exec(select(WebSession)).all() == []


def test_the_token_is_stored_only_as_its_sha256_hash(engine, accounts):
    token = _open(engine)
    sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + dt.timedelta(minutes=2))
    sessions.end(engine=engine, token=token, now=T0 + dt.timedelta(minutes=3))
    assert _row(engine, token).token_hash == hashlib.sha256(token.encode()).hexdigest()
    # Every text column of every table, as the database holds it: the token itself is nowhere.
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for record in conn.execute(text(f'SELECT * FROM "{table}"')):
                assert not any(token in str(value) for value in record), table


def test_activity_slides_the_expiry_but_is_written_at_most_once_a_minute(engine, accounts):
    token = _open(engine)
    sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + dt.timedelta(seconds=59))
    row = _row(engine, token)
    assert (aware(row.last_active_at), aware(row.expires_at)) == (T0, T0 + IDLE)  # not written yet
    later = T0 + dt.timedelta(seconds=61)
    found = sessions.resume(engine=engine, token=token, idle=IDLE, now=later)
    row = _row(engine, token)
    assert (aware(row.last_active_at), aware(row.expires_at), found.expires_at) == (later, later + IDLE, later + IDLE)
    # 29 minutes after that activity it is still open: the limit counts from the last activity, not the sign-in.
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=later + dt.timedelta(minutes=29)).status == "open"


def test_a_short_idle_limit_is_written_more_often(engine, accounts):
    assert sessions.touch_interval(dt.timedelta(seconds=20)) == dt.timedelta(seconds=2)
    assert sessions.touch_interval(IDLE) == dt.timedelta(minutes=1)


def test_a_session_idle_past_the_limit_ends_once_and_is_audited(engine, accounts):
    token = _open(engine)
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + IDLE).status == "expired"
    row = _row(engine, token)
    assert (aware(row.ended_at), row.end_reason) == (T0 + IDLE, "idle timeout")
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + IDLE).status == "ended"
    assert _sign_outs(engine) == [("staff", "idle timeout")]


def test_signing_out_ends_the_session_everywhere(engine, accounts):
    token = _open(engine)
    assert sessions.end(engine=engine, token=token, now=T0 + dt.timedelta(minutes=1))
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + dt.timedelta(minutes=2)).status == "ended"
    assert not sessions.end(engine=engine, token=token)  # twice: nothing more to end
    assert _sign_outs(engine) == [("staff", "signed out")]


@pytest.mark.parametrize("token", ["", "not-a-token-we-made", "x" * 43])
def test_an_unknown_token_opens_nothing(engine, accounts, token):
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=T0) == sessions.Resumed("unknown")


def test_deactivating_an_account_ends_all_its_sessions_and_no_one_elses(engine, accounts):
    first, second, other = _open(engine), _open(engine), _open(engine, "town")
    now = users.utcnow()
    assert sessions.open_count(engine=engine, username="staff", now=T0) == 2
    users.deactivate(engine=engine, username="staff", by=Actor.operator("test"))
    for token in (first, second):
        assert _row(engine, token).end_reason == "account deactivated"
        assert sessions.resume(engine=engine, token=token, idle=IDLE, now=now).status == "ended"
    assert sessions.resume(engine=engine, token=other, idle=IDLE, now=T0 + dt.timedelta(minutes=1)).status == "open"
    assert _sign_outs(engine) == [("staff", "account deactivated")] * 2


def test_a_password_reset_ends_every_session_of_the_account(engine, accounts):
    token = _open(engine)
    users.set_password(engine=engine, username="staff", password="another long secret", by=Actor.operator("test"))
    assert _row(engine, token).end_reason == "password reset"
    assert sessions.open_count(engine=engine, username="staff", now=T0) == 0


def test_a_session_of_an_account_deactivated_behind_its_back_ends_at_the_next_look(engine, accounts):
    token = _open(engine)
    with Session(engine) as s:  # as if another tool had switched it off without the service
        s.exec(text("UPDATE \"user\" SET active = false WHERE username = 'staff'"))
        s.commit()
    assert sessions.resume(engine=engine, token=token, idle=IDLE, now=T0 + dt.timedelta(minutes=1)).status == "ended"
    assert _row(engine, token).end_reason == "account deactivated"


def test_rows_over_for_a_day_are_purged_when_a_session_opens(engine, accounts):
    old, recent = _open(engine, now=T0), _open(engine, now=T0 + dt.timedelta(hours=20))
    sessions.end(engine=engine, token=recent, now=T0 + dt.timedelta(hours=21))
    _open(engine, now=T0 + IDLE + sessions.KEEP_ENDED + dt.timedelta(seconds=1))
    with Session(engine) as s:
        kept = {r.token_hash for r in s.exec(select(WebSession)).all()}
    assert sessions.token_hash(old) not in kept  # expired more than a day before
    assert sessions.token_hash(recent) in kept  # ended less than a day before
    assert len(kept) == 2
