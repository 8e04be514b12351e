"""Server-side sign-in sessions (table `websession`): open, resume with a sliding idle expiry, end one or all.

The browser holds a random token (a cookie, dashboard/staff/cookie.py); the table holds only its SHA-256 hash, so
neither a copy of the database nor the audit log can open a session. Any app process on the same database resumes
a session by its token, which is what lets several processes serve one site. A session is open while `ended_at`
is empty and `expires_at` (its last recorded activity + the idle limit) is ahead. Activity is written at most once
per TOUCH_EVERY (or a tenth of the idle limit, if shorter), so a rerun costs one read, not a write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.accounts import audit, security
from db.accounts.account_view import public
from db.store.engine import transaction
from db.store.models import User, WebSession, aware, utcnow

TOUCH_EVERY = dt.timedelta(minutes=1)
KEEP_ENDED = dt.timedelta(days=1)  # an ended or expired row stays this long (to say "ended: idle"), then is purged
NOTE_MAX = 200

# Why a session ended (end_reason and the audit entry's detail).
SIGNED_OUT, IDLE, DEACTIVATED, PASSWORD_RESET = "signed out", "idle timeout", "account deactivated", "password reset"


@dataclass(frozen=True)
class Resumed:
    """What a browser's token opened: `status` is "open" (with the account as it is now), "expired" (the idle
    limit passed; ended now if no one had noticed), "ended" (signed out, deactivated, reset) or "unknown"."""

    status: str
    user: dict[str, Any] | None = None
    expires_at: dt.datetime | None = None


def token_hash(token: str) -> str:
    """The stored form of a session token: SHA-256, 64 hex digits (the token itself is 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def touch_interval(idle: dt.timedelta) -> dt.timedelta:
    """How stale the recorded activity may get before a resume writes it again."""
    return min(TOUCH_EVERY, idle / 10)


def purge(session: Session, now: dt.datetime) -> int:
    """Delete rows ended or expired more than KEEP_ENDED ago (housekeeping, in the caller's transaction)."""
    cutoff = now - KEEP_ENDED
    done = session.exec(delete(WebSession).where(or_(WebSession.expires_at < cutoff, WebSession.ended_at < cutoff)))
    return done.rowcount or 0


def open_in(session: Session, *, user: User, idle: dt.timedelta, now: dt.datetime, note: str = "") -> str:
    """Open a session for `user` in the caller's transaction (the sign-in's, which audits it); returns the token.

    The token is returned once, for the browser; only its hash is stored. Old rows are purged on the way.
    """
    purge(session, now)
    token = security.new_session_token()
    session.add(WebSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_active_at=now,
                           expires_at=now + idle, client_note=note[:NOTE_MAX]))
    return token


def _end_row(session: Session, row: WebSession, username: str, reason: str, now: dt.datetime) -> None:
    row.ended_at, row.end_reason = now, reason[:32]
    session.add(row)
    audit.record(session, actor=username, action="sign_out", entity="user", entity_id=username, detail=reason)


def resume(*, engine: Engine, token: str, idle: dt.timedelta, now: dt.datetime | None = None) -> Resumed:
    """The session behind a browser's token, with its account re-read; slides the expiry when due.

    An expired session, or one whose account was deactivated, is ended here (audited) the first time it is seen.
    """
    now = now or utcnow()
    if not token:
        return Resumed("unknown")
    wanted = token_hash(token)
    with Session(engine) as session:
        found = session.exec(select(WebSession, User).join(User, User.id == WebSession.user_id)
                             .where(WebSession.token_hash == wanted)).first()
    if found is None:
        return Resumed("unknown")
    row, account = found
    if row.ended_at is not None:
        return Resumed("ended")
    expired = aware(row.expires_at) <= now
    if expired or not account.active:
        reason = IDLE if expired else DEACTIVATED
        with transaction(engine) as session:
            # Only the process that actually ends it records it: another may have got there first.
            ended = session.exec(update(WebSession).where(WebSession.id == row.id, WebSession.ended_at.is_(None))
                                 .values(ended_at=now, end_reason=reason)).rowcount
            if ended:
                audit.record(session, actor=account.username, action="sign_out", entity="user",
                             entity_id=account.username, detail=reason)
        return Resumed("expired" if expired else "ended")
    expires_at = aware(row.expires_at)
    if now - aware(row.last_active_at) >= touch_interval(idle):
        expires_at = now + idle
        with transaction(engine) as session:  # activity, not an event: not audited
            session.exec(update(WebSession).where(WebSession.id == row.id, WebSession.ended_at.is_(None))
                         .values(last_active_at=now, expires_at=expires_at))
    return Resumed("open", public(account), expires_at)


def end(*, engine: Engine, token: str, reason: str = SIGNED_OUT, now: dt.datetime | None = None) -> bool:
    """End the session behind a token (sign-out), audited; False when it was not open."""
    now = now or utcnow()
    with transaction(engine) as session:
        found = session.exec(select(WebSession, User).join(User, User.id == WebSession.user_id)
                             .where(WebSession.token_hash == token_hash(token or ""),
                                    WebSession.ended_at.is_(None))).first()
        if found is None:
            return False
        _end_row(session, found[0], found[1].username, reason, now)
        return True


def end_all_in(session: Session, *, user: User, reason: str, now: dt.datetime) -> int:
    """End every open session of an account in the caller's transaction (deactivation, password reset); audited."""
    rows = session.exec(select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))).all()
    for row in rows:
        _end_row(session, row, user.username, reason, now)
    return len(rows)


def open_count(*, engine: Engine, username: str, now: dt.datetime | None = None) -> int:
    """How many sessions of an account are open now (for tests and the users page)."""
    now = now or utcnow()
    with Session(engine) as session:
        rows = session.exec(select(WebSession.expires_at).join(User, User.id == WebSession.user_id)
                            .where(User.username == username, WebSession.ended_at.is_(None))).all()
    return sum(1 for expires_at in rows if aware(expires_at) > now)
