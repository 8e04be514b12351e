"""Staff accounts: create, sign in (argon2, throttled per client), change, list — every change audited."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.errors import CreditBoardError
from core.reader import credit_code_check
from core.towns import is_bureau
from db.accounts import audit, security, sessions, throttle
from db.accounts.account_view import public as _public
from db.accounts.actor import Actor, actor_name
from db.accounts.roles import PERMISSIONS, ROLES, AccessDenied, is_agency_role, is_town_role
from db.reference.towns import towns_in
from db.store.engine import transaction, write_lock
from db.store.models import Agency, User, aware, utcnow

WAIT_SCOPES = {"client": "this client", "account": "every unknown client (account-wide ceiling)"}
USER_COLUMNS = ("username", "display_name", "role", "town", "credit_code", "active", "locked", "locked_until", "failed_attempts",
                "created_at")


class UserError(CreditBoardError):
    """An account change refused (bad name, role, town…); bilingual and safe to show."""


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in attempt gave: `user` (a plain dict, no hash) or a `reason` why not.

    reason: "unknown" | "wrong" | "inactive" | "locked" (for tests; the sign-in page shows one generic message for
    the first three). "locked" means a throttle wait runs until `locked_until` — for unknown names exactly as for
    real ones, so it tells nobody which names exist.
    """

    user: dict[str, Any] | None
    reason: str | None = None
    locked_until: dt.datetime | None = None
    token: str | None = None  # the new session's token (db/accounts/sessions.py), when one was asked for

    def __bool__(self) -> bool:
        return self.user is not None


def normalize_username(username: str) -> str:
    """The stored form of a username: NFKC, stripped, lower case (so `Admin` and `admin` are one account)."""
    return unicodedata.normalize("NFKC", str(username or "")).strip().lower()


def _check_username(username: str) -> str:
    name = normalize_username(username)
    if not name or len(name) > 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise UserError("用户名须为1至64个字符，不含空格", "a username is 1 to 64 characters without blanks")
    return name


def _check_role_and_town(session: Session, role: str, town: str | None) -> str | None:
    if role not in ROLES:
        raise UserError(f"未知角色（{role}）", f"unknown role ({role}); expected one of {', '.join(ROLES)}")
    if not is_town_role(role):
        if town:
            raise UserError("只有镇街园工作人员账号绑定镇街园", "only town_staff accounts are bound to a town")
        return None
    resolved = towns_in(session).resolve(town or "")
    if not resolved or is_bureau(resolved):
        raise UserError(f"镇街园工作人员须绑定一个已知镇街园（{town or ''}）",
                        f"a town_staff account needs a known town ({town or ''})")
    return resolved


def _check_credit_code(session: Session, role: str, credit_code: str | None) -> str | None:
    """An agency account's credit code: valid and of a known agency; any other role is bound to none."""
    if not is_agency_role(role):
        if credit_code:
            raise UserError("只有机构用户账号绑定统一社会信用代码", "only agency accounts are bound to a credit code")
        return None
    code, failure = credit_code_check(credit_code or "")
    if failure is not None:
        raise UserError(f"机构用户须绑定有效的统一社会信用代码（{credit_code or ''}）：{failure[0]}",
                        f"an agency account needs a valid credit code ({credit_code or ''}): {failure[1]}")
    if session.exec(select(Agency.id).where(Agency.credit_code == code)).first() is None:
        raise UserError(f"未知机构（{code}）：须先有该机构的记录", f"unknown agency ({code}): it must be on record first")
    return code


def _get(session: Session, username: str) -> User:
    row = session.exec(select(User).where(User.username == normalize_username(username))).first()
    if row is None:
        raise UserError("账号不存在", "no such account")
    return row


def create_user(
    *, engine: Engine, username: str, password: str, role: str, town: str | None = None,
    by: Actor, display_name: str = "", credit_code: str | None = None,
) -> dict[str, Any]:
    """Create an account (by a bureau admin, or a name from the command line); returns it without the hash.

    An agency account names the credit code of a known agency and no town; staff accounts name no credit code.
    """
    name = _check_username(username)
    password_hash = security.hash_password(password)  # raises PasswordPolicyError before touching the database
    with transaction(engine) as session:
        actor = actor_name(session, by, "manage_users")
        town = _check_role_and_town(session, role, town)
        credit_code = _check_credit_code(session, role, credit_code)
        if session.exec(select(User.id).where(User.username == name)).first() is not None:
            raise UserError(f"用户名已存在（{name}）", f"the username is taken ({name})")
        row = User(username=name, display_name=(display_name or "").strip()[:64], password_hash=password_hash,
                   role=role, town=town, credit_code=credit_code)
        session.add(row)
        session.flush()
        user = _public(row)
        audit.record(session, actor=actor, action="user_create", entity="user", entity_id=name, after=user)
        return user


@dataclass(frozen=True)
class _Attempt:
    """What the first (counting) transaction of a sign-in learnt: the typed name's token and the account, if any."""

    name: str
    token: str
    client: str
    known: str  # the client's token as a known client of the account (throttle.known_token)
    reservation: throttle.Reservation
    password_hash: str | None
    active: bool

    @property
    def audit_name(self) -> str:
        # A known username is shown as is; an unknown one may be a password typed into the wrong field.
        return self.name if self.password_hash is not None else f"#{self.token[:12]}"


def _reserve(engine: Engine, name: str, client: str, now: dt.datetime) -> _Attempt:
    with transaction(engine) as session:
        write_lock(session)
        token = throttle.name_token(session, name)
        client_token, known = throttle.client_token(session, client), throttle.known_token(session, client)
        reservation = throttle.reserve(session, account=token, client=client_token, known=known, now=now)
        row = session.exec(select(User).where(User.username == name)).first() if name else None
        return _Attempt(name, token, client_token, known, reservation, row and row.password_hash,
                        bool(row and row.active))


def _refusal(session: Session, attempt: _Attempt, detail: str, now: dt.datetime) -> SignInResult:
    """Audit a refused attempt and the moment any wait starts; "locked" whenever a wait is running."""
    who = attempt.audit_name
    audit.record(session, actor=who, action="sign_in_failed", entity="user", entity_id=who, detail=detail)
    for scope, until in attempt.reservation.waits:
        minutes = round((until - now).total_seconds() / 60)
        audit.record(session, actor=who, action="sign_in_locked", entity="user", entity_id=who,
                     detail=f"{WAIT_SCOPES[scope]} waits {minutes} min, until {until.isoformat(timespec='seconds')}")
    until = attempt.reservation.blocked_until or max((u for _, u in attempt.reservation.waits), default=None)
    if until is not None:
        return SignInResult(None, "locked", until)
    if attempt.password_hash is None:
        return SignInResult(None, "unknown")
    return SignInResult(None, "wrong" if attempt.active else "inactive")


def _succeed(session: Session, attempt: _Attempt, password: str, now: dt.datetime,
             session_idle: dt.timedelta | None, note: str) -> SignInResult:
    throttle.clear(session, account=attempt.token, client=attempt.client)
    throttle.remember(session, account=attempt.token, known=attempt.known, now=now)
    row = session.exec(select(User).where(User.username == attempt.name)).one()
    if security.needs_rehash(row.password_hash):
        row.password_hash = security.rehash(password)
        session.add(row)
    # The session row is part of the sign-in's transaction and its audit entry: no session without a sign-in.
    token = sessions.open_in(session, user=row, idle=session_idle, now=now, note=note) if session_idle else None
    audit.record(session, actor=row.username, action="sign_in", entity="user", entity_id=row.username)
    return SignInResult(_public(row), token=token)


def authenticate(
    *, engine: Engine, username: str, password: str, client: str = "", now: dt.datetime | None = None,
    session_idle: dt.timedelta | None = None, note: str = "",
) -> SignInResult:
    """Check a username and password from `client` (an address or session id); throttled (db/accounts/throttle.py), audited.

    With `session_idle`, a success also opens a server-side session with that idle limit (db/accounts/sessions.py)
    in the same transaction, and the result carries its token; `note` is kept with the session (never a secret).

    The attempt is counted before the password is checked, so parallel attempts cannot outrun the throttle.
    Every path verifies one argon2 hash (the dummy one for an unknown name or a running wait) so the time taken
    does not tell whether the account exists, waits or is deactivated.
    """
    now = now or utcnow()
    name = normalize_username(username)[:64]
    password = password or ""
    attempt = _reserve(engine, name, client, now)
    if not attempt.reservation.allowed or attempt.password_hash is None:
        security.verify_dummy(password)
        matches = False
    else:
        matches = security.verify_password(password, attempt.password_hash)
    with transaction(engine) as session:
        if matches and attempt.active:
            return _succeed(session, attempt, password, now, session_idle, note)
        if not attempt.reservation.allowed:
            detail = f"waiting until {attempt.reservation.blocked_until.isoformat(timespec='seconds')}; not checked"
        elif attempt.password_hash is None:
            detail = "unknown user"
        else:
            detail = "wrong password" if attempt.active else "deactivated"
        return _refusal(session, attempt, detail, now)


def sign_out(*, engine: Engine, user: Actor, reason: str = "signed out") -> None:
    """Record the end of a session (signed out, or idle too long)."""
    with transaction(engine) as session:
        audit.record(session, actor=user.username or "?", action="sign_out", entity="user",
                     entity_id=user.username, detail=reason)


def current_user(*, engine: Engine, username: str) -> dict[str, Any] | None:
    """The account as it is now (active or not), without the hash; None if it does not exist."""
    with Session(engine) as session:
        row = session.exec(select(User).where(User.username == normalize_username(username))).first()
        return None if row is None else _public(row)


def set_password(*, engine: Engine, username: str, password: str, by: Actor) -> None:
    """Reset an account's password (bureau admins, or the command line); also lifts a lock and ends its sessions."""
    password_hash = security.hash_password(password)
    with transaction(engine) as session:
        actor = actor_name(session, by, "manage_users")
        row = _get(session, username)
        row.password_hash = password_hash
        session.add(row)
        throttle.clear(session, account=throttle.name_token(session, row.username))
        audit.record(session, actor=actor, action="user_password", entity="user", entity_id=row.username,
                     detail="password reset")
        sessions.end_all_in(session, user=row, reason=sessions.PASSWORD_RESET, now=utcnow())


def change_own_password(*, engine: Engine, user: Actor, current_password: str, new_password: str) -> bool:
    """A signed-in user changes their own password; False (and audited) when the current one is wrong."""
    password_hash = security.hash_password(new_password)
    with transaction(engine) as session:
        row = _get(session, "" if user.is_operator else user.username)
        if not row.active:
            raise AccessDenied("账号已停用", "this account is deactivated")
        if not security.verify_password(current_password, row.password_hash):
            audit.record(session, actor=row.username, action="user_password", entity="user", entity_id=row.username,
                         detail="change refused: current password wrong")
            return False
        row.password_hash = password_hash
        session.add(row)
        audit.record(session, actor=row.username, action="user_password", entity="user", entity_id=row.username,
                     detail="changed own password")
        return True


def _active_admins(session: Session) -> int:
    # Accounts that may manage accounts (the permission table says which roles): without one, no one can make another.
    return session.exec(select(func.count()).select_from(User)
                        .where(User.role.in_(PERMISSIONS["manage_users"]), User.active == True)).one()  # noqa: E712


def set_active(*, engine: Engine, username: str, active: bool, by: Actor) -> dict[str, Any]:
    """Deactivate (or reactivate) an account; the last active bureau admin cannot be deactivated."""
    with transaction(engine) as session:
        actor = actor_name(session, by, "manage_users")
        row = _get(session, username)
        before = _public(row)
        if not active and row.active and row.role in PERMISSIONS["manage_users"] and _active_admins(session) <= 1:
            raise UserError("不能停用最后一个管理员账号", "the last active bureau admin cannot be deactivated")
        row.active = active
        session.add(row)
        if not active:  # every process sees it at once: the sessions are in the database
            sessions.end_all_in(session, user=row, reason=sessions.DEACTIVATED, now=utcnow())
        audit.record(session, actor=actor, action="user_activate" if active else "user_deactivate", entity="user",
                     entity_id=row.username, before=before, after=_public(row))
        return _public(row)


def deactivate(*, engine: Engine, username: str, by: Actor) -> dict[str, Any]:
    """Deactivate an account (it can no longer sign in; its open sessions end at once, in every app process)."""
    return set_active(engine=engine, username=username, active=False, by=by)


def unlock(*, engine: Engine, username: str, by: Actor) -> None:
    """End every sign-in wait of an account, from every client, and forget its failures."""
    with transaction(engine) as session:
        actor = actor_name(session, by, "manage_users")
        row = _get(session, username)
        throttle.clear(session, account=throttle.name_token(session, row.username))
        audit.record(session, actor=actor, action="user_unlock", entity="user", entity_id=row.username)


def list_users(*, engine: Engine, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every account, for the users page: USER_COLUMNS. Never the password hash.

    `locked` when any client of the account must wait (until `locked_until`); `failed_attempts` counts all clients.
    """
    now = now or utcnow()
    with Session(engine) as session:
        rows = session.exec(select(User).order_by(User.username)).all()
        tokens = {r.username: throttle.name_token(session, r.username) for r in rows}
        waits = throttle.state(session, list(tokens.values()), now)
    records = []
    for r in rows:
        failures, until = waits[tokens[r.username]]
        records.append((r.username, r.display_name, r.role, r.town or "", r.credit_code or "", r.active, until is not None, until,
                        failures, aware(r.created_at)))
    return pd.DataFrame(records, columns=list(USER_COLUMNS))
