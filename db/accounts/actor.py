"""Who is acting: a signed-in account, or the command line's named operator, re-checked inside each write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.accounts.roles import BUREAU_STAFF, AccessDenied, is_agency_role, is_town_role, require
from db.store.models import User

NAME_MAX = 64  # the *_by columns' width (db/store/models.py)


@dataclass(frozen=True)
class Actor:
    """Who a service acts for. Pages build it from the signed-in session (`Actor.of`); the command line and the
    demo seed name an operator (`Actor.operator`). What it says of the account is a claim: every service re-reads
    the account in its own writing transaction (`acting_user`), so a deactivated or demoted account is refused there.
    """

    username: str
    role: str | None = None
    account_id: int | None = None
    display_name: str = ""
    town: str | None = None
    credit_code: str | None = None
    active: bool = True
    is_operator: bool = False

    @classmethod
    def of(cls, user: Mapping[str, Any] | User) -> Actor:
        """The actor of a signed-in account: the session's dict (db/accounts/account_view.py) or an account row.

        Never an operator, whatever the input holds: a page can only name an account, and accounts are checked.
        """
        if isinstance(user, User):
            user = {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
                    "town": user.town, "credit_code": user.credit_code, "active": user.active}
        return cls(username=str(user.get("username") or ""), role=user.get("role"), account_id=user.get("id"),
                   display_name=str(user.get("display_name") or ""), town=user.get("town"),
                   credit_code=user.get("credit_code"), active=bool(user.get("active", True)))

    @classmethod
    def operator(cls, name: str) -> Actor:
        """The command line's named operator (`python -m db … --by NAME`, the demo seed): no account, no role check.

        Trusted because only someone holding the server (a shell, the database's address) runs the command line,
        and that person could write to the database directly anyway; the name is what the audit log records.
        Only db/cli and the demo seed build one; no page does (tests/db/test_actor.py holds that).
        """
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name:
            raise AccessDenied("缺少操作人", "who is acting must be named")
        if len(name) > NAME_MAX:
            raise AccessDenied(f"操作人不超过{NAME_MAX}个字符", f"who is acting is at most {NAME_MAX} characters")
        return cls(username=name, is_operator=True)

    def claims(self) -> dict[str, Any]:
        """The claimed account as the permission table reads it (roles.require)."""
        return {"username": self.username, "role": self.role, "active": self.active}


# Housekeeping that follows from the date alone, which no one decides (listings ending at term): it runs on a page
# load or the daily command, and the audit log names it "system" unless the command line names its operator.
SYSTEM = Actor.operator("system")


def _typed(actor: object) -> Actor | None:
    # A bare name (or a session dict) is not an actor: no service may take one and skip the role check.
    if actor is not None and not isinstance(actor, Actor):
        raise TypeError(f"a service acts for an Actor (db/accounts/actor.py), not {type(actor).__name__}")
    return actor


def acting_user(session: Session, actor: Actor | None, action: str) -> User:
    """The account row of `actor`, re-read in this transaction, allowed to do `action`; AccessDenied otherwise.

    Re-reading means an account deactivated or demoted while signed in loses its rights at once. The operator has
    no account row: services that only an account may use refuse it here.
    """
    require_actor(actor, action)
    row = session.exec(select(User).where(User.username == actor.username)).first()
    if row is None:
        raise AccessDenied("账号不存在", "no such account")
    require({"username": row.username, "role": row.role, "active": row.active}, action)
    if is_town_role(row.role) and not row.town:
        raise AccessDenied("该账号未绑定镇街园", "this town account is bound to no town")
    if is_agency_role(row.role) and not row.credit_code:
        raise AccessDenied("该机构账号未绑定统一社会信用代码", "this agency account is bound to no credit code")
    return row


def acting_account(session: Session, actor: Actor | None, action: str, *, operator_role: str = BUREAU_STAFF,
                   operator_town: str | None = None) -> User:
    """The account row acting: acting_user's (re-read, allowed `action`), or for the command line's operator, which
    has no account, an unsaved row of its name with `operator_role` and `operator_town`: the stand-in that the
    finding path and the audit read, so the operator records as that role would. Never added to a session."""
    if _typed(actor) is not None and actor.is_operator:
        return User(username=actor.username, role=operator_role, town=operator_town, password_hash="", active=True)
    return acting_user(session, actor, action)


def actor_name(session: Session, actor: Actor | None, action: str) -> str:
    """The name a write records: the operator's, or the account's after acting_user checked it in this session."""
    if _typed(actor) is not None and actor.is_operator:
        return actor.username
    return acting_user(session, actor, action).username


def check_actor(engine: Engine, actor: Actor | None, action: str) -> str:
    """actor_name in a read of its own: an early refusal before slow work; the write checks again."""
    with Session(engine) as session:
        return actor_name(session, actor, action)


def require_actor(actor: Actor | None, action: str) -> Actor:
    """`actor` if what it claims allows `action` (a cheap early refusal, before reading a file or a form); the
    write still re-reads the account (acting_user). The operator claims no role, so it is refused here too."""
    if _typed(actor) is not None and actor.is_operator:
        raise AccessDenied("此操作须由账号执行", "this needs a signed-in account")
    require(actor.claims() if actor is not None else None, action)
    return actor  # type: ignore[return-value]  # require refused None
