"""Sign-in throttling: growing waits per (account, client) and an account-wide ceiling for unknown clients.

Why this shape: a hard lock after five failures let anyone lock any account, and told a stranger which names
exist. Here a client that fails FREE_ATTEMPTS times in a row must wait before its next attempt is checked —
1, 2, 4, 8, then 15 minutes — while the owner signing in from elsewhere is not affected. Since a client key
can be faked (a new session, a forged header), all clients together also count against ACCOUNT_CEILING, after
which the same growing waits apply to every *unknown* client: a lone stranger needs about ten hours of steady
guessing to get there, and a crowd of fake clients gets ACCOUNT_CEILING guesses and then one per wait. A client
the account signed in from within KNOWN_FOR is known: the ceiling does not apply to it (only its own count does),
so a crowd guessing a name cannot lock its owner out of the place they always sign in from. The trade-off: the
owner on a new device waits with the crowd (or asks an admin to unlock). Unknown names are throttled exactly
like real ones, so the answers do not tell them apart.

An attempt is counted as failed *before* its password is checked (`reserve`, one short transaction that holds
the rows: SELECT … FOR UPDATE on PostgreSQL, the write lock on SQLite), and cleared on success: parallel
attempts cannot all read "not locked yet". Names and clients are stored only as keyed hashes; a known client is
a row of its own under another keyed hash of the client (`known_token`), holding the time of its last success.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from db.accounts import security
from db.store.models import SignInThrottle, SiteKey, aware

FREE_ATTEMPTS = 5  # failures in a row from one client before it has to wait
ACCOUNT_CEILING = 50  # failures from all clients together before every client has to wait
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=24)  # a count untouched this long starts again (old typos never add up)
KNOWN_FOR = dt.timedelta(days=90)  # a client the account signed in from this recently is known (no ceiling)
ALL_CLIENTS = "*"
KEY_NAME = "sign_in"


@dataclass(frozen=True)
class Reservation:
    """One attempt counted in advance: `allowed` to check its password, or refused until `blocked_until`.

    When allowed, `waits` lists the waits this attempt starts if it fails: (scope, until), scope "client" or
    "account".
    """

    allowed: bool
    blocked_until: dt.datetime | None = None
    waits: tuple[tuple[str, dt.datetime], ...] = ()


def _key(session: Session) -> str:
    return session.exec(select(SiteKey.value).where(SiteKey.name == KEY_NAME)).one()


def name_token(session: Session, name: str) -> str:
    """The keyed hash that stands for a typed (normalized) username in the throttle and the audit log."""
    return security.keyed_digest(_key(session), f"name:{name}")


def client_token(session: Session, client: str) -> str:
    """The keyed hash of a client key (an address or a session id): not kept as typed."""
    return security.keyed_digest(_key(session), f"client:{client}")


def known_token(session: Session, client: str) -> str:
    """The keyed hash under which a client the account signed in from is remembered (apart from its count's row)."""
    return security.keyed_digest(_key(session), f"known:{client}")


def wait_after(failures: int, free: int) -> dt.timedelta | None:
    """How long to wait after `failures` in a row when `free` are allowed: None, then 1, 2, 4 … 15 minutes."""
    if failures < free:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - free, 10), LONGEST_WAIT)


def _insert_missing(session: Session, account: str, clients: Iterable[str], now: dt.datetime) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two first attempts at once both find a row, neither fails.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"account": account, "client": c, "failures": 0, "updated_at": now} for c in clients]
    session.execute(dialect.insert(SignInThrottle).values(rows).on_conflict_do_nothing())


def _locked_rows(session: Session, account: str, clients: tuple[str, ...]) -> dict[str, SignInThrottle]:
    # Ordered by client so that two transactions always lock the same rows in the same order (no deadlock).
    query = (select(SignInThrottle).where(SignInThrottle.account == account, SignInThrottle.client.in_(clients))
             .order_by(SignInThrottle.client).with_for_update())
    return {row.client: row for row in session.exec(query).all()}


def _blocked_until(rows: Iterable[SignInThrottle], now: dt.datetime) -> dt.datetime | None:
    ends = [end for row in rows if (end := aware(row.blocked_until)) is not None and end > now]
    return max(ends, default=None)


def _count(row: SignInThrottle, free: int, now: dt.datetime) -> dt.datetime | None:
    """Count one more failure on `row`; the end of the wait it starts, if any."""
    updated = aware(row.updated_at)
    if updated is not None and now - updated > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.updated_at = now
    wait = wait_after(row.failures, free)
    row.blocked_until = now + wait if wait else None
    return row.blocked_until


def _is_known(row: SignInThrottle | None, now: dt.datetime) -> bool:
    last = None if row is None else aware(row.updated_at)
    return last is not None and now - last <= KNOWN_FOR


def reserve(session: Session, *, account: str, client: str, known: str, now: dt.datetime) -> Reservation:
    """Count an attempt as failed before its password is checked, unless a wait is running (then refuse it).

    `known` is the client's `known_token`: a client the account signed in from lately waits only for its own
    failures, never for the account-wide ceiling. Call first in its own transaction (after
    db.store.engine.write_lock) and commit before checking the password.
    """
    _insert_missing(session, account, sorted({client, ALL_CLIENTS}), now)
    rows = _locked_rows(session, account, tuple(sorted({client, ALL_CLIENTS, known})))
    applies = [rows[client]] if _is_known(rows.get(known), now) else [rows[client], rows[ALL_CLIENTS]]
    blocked = _blocked_until(applies, now)
    if blocked is not None:
        return Reservation(False, blocked)
    waits = []
    for scope, row, free in (("client", rows[client], FREE_ATTEMPTS), ("account", rows[ALL_CLIENTS], ACCOUNT_CEILING)):
        until = _count(row, free, now)
        session.add(row)
        if until is not None:
            waits.append((scope, until))
    return Reservation(True, None, tuple(waits))


def remember(session: Session, *, account: str, known: str, now: dt.datetime) -> None:
    """Note a success from the client of `known` (its `known_token`): known to the account for KNOWN_FOR."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    row = {"account": account, "client": known, "failures": 0, "updated_at": now}
    session.execute(dialect.insert(SignInThrottle).values([row])
                    .on_conflict_do_update(index_elements=["account", "client"], set_={"updated_at": now}))


def clear(session: Session, *, account: str, client: str | None = None) -> None:
    """Forget the failures of `account`: from `client` and the account-wide count (a success), or all, known
    clients too (an admin's unlock, a password reset)."""
    query = delete(SignInThrottle).where(SignInThrottle.account == account)
    if client is not None:
        query = query.where(SignInThrottle.client.in_((client, ALL_CLIENTS)))
    session.execute(query)


def state(session: Session, accounts: list[str], now: dt.datetime) -> dict[str, tuple[int, dt.datetime | None]]:
    """Per account token: (failures counted account-wide, end of the longest running wait or None)."""
    rows = session.exec(select(SignInThrottle).where(SignInThrottle.account.in_(accounts))).all() if accounts else []
    out: dict[str, tuple[int, dt.datetime | None]] = {}
    for account in accounts:
        mine = [r for r in rows if r.account == account]
        failures = sum(r.failures for r in mine if r.client == ALL_CLIENTS)
        out[account] = (failures, _blocked_until(mine, now))
    return out
