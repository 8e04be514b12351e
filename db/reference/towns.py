"""The towns as the database holds them (bureau admins edit them), in core's Towns shape for the reader."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from core.errors import CreditBoardError
from core.text import fold
from core.towns import BUREAU_ALIASES, Towns, default_towns
from db.accounts import audit
from db.accounts.actor import Actor, actor_name
from db.store.engine import transaction, write_lock
from db.store.inserts import insert_ignoring_duplicates
from db.store.models import Town

TOWN_COLUMNS = ("name", "aliases", "active")


class TownError(CreditBoardError):
    """A town edit refused; bilingual and safe to show."""


def seed_default_towns(engine: Engine) -> int:
    """Put the default towns (core/towns.toml) into an empty town table; returns how many were added."""
    if _has_towns(engine):
        return 0  # the towns are data bureau admins edit: never re-add what they removed (no write lock at every start)
    with transaction(engine) as session:
        # Two processes on first start: SQLite would refuse the second writer at once ("database is locked") when its
        # read snapshot is older than the first's insert; the write lock makes it wait, then see the towns in place.
        write_lock(session)
        if session.execute(sa_select(func.count()).select_from(Town)).scalar_one():
            return 0
        towns = default_towns()
        rows = [{"name": n, "aliases": ";".join(towns.aliases.get(n, ())), "active": True} for n in towns.names]
        # Two processes on first start may both see an empty table: the loser's duplicates are ignored.
        return insert_ignoring_duplicates(session, Town, rows, ["name"])


def _has_towns(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa_select(func.count()).select_from(Town)).scalar_one())


def towns_from_db(conn: Connection) -> Towns | None:
    """The active towns with their aliases; None while the table is empty (then core's default list applies)."""
    rows = conn.execute(sa_select(Town.name, Town.aliases).where(Town.active).order_by(Town.id)).all()
    if not rows:
        return None
    return Towns(
        names=tuple(name for name, _ in rows),
        aliases={name: tuple(a for a in aliases.split(";") if a) for name, aliases in rows},
    )


def towns_in(session: Session) -> Towns:
    """The active towns as core Towns, read in the caller's transaction (the default list while none is active)."""
    return towns_from_db(session.connection()) or default_towns()


def load_towns(*, engine: Engine) -> Towns:
    """The active towns as core Towns."""
    with Session(engine) as session:
        return towns_in(session)


def list_towns(*, engine: Engine) -> pd.DataFrame:
    """Every town (active or not) with its aliases, `;`-joined: name, aliases, active."""
    seed_default_towns(engine)
    with Session(engine) as session:
        rows = session.exec(select(Town).order_by(Town.id)).all()
        return pd.DataFrame([(r.name, r.aliases, r.active) for r in rows], columns=list(TOWN_COLUMNS))


def _split_aliases(aliases: str | list[str] | tuple[str, ...]) -> list[str]:
    parts = aliases.replace("；", ";").replace(",", ";").replace("，", ";").split(";") if isinstance(aliases, str) else aliases
    out: list[str] = []
    for a in (str(p).strip() for p in parts):
        if a and a not in out:
            out.append(a)
    return out


def save_town(
    *, engine: Engine, by: Actor, name: str, aliases: str | list[str] = "", active: bool = True
) -> dict[str, object]:
    """Add a town or change its aliases / active flag (bureau admins); one transaction + audit entry.

    Refuses a name or alias that another town (or the bureau) already answers to, so every spelling
    in an upload still resolves to exactly one assessor.
    """
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise TownError("镇街园名称不能为空且不超过64个字", "a town name is 1 to 64 characters")
    alias_list = _split_aliases(aliases)
    joined = ";".join(alias_list)
    if len(joined) > 512:
        raise TownError("别名过长", "too many aliases")
    seed_default_towns(engine)  # an edit never starts from an empty list
    with transaction(engine) as session:
        actor = actor_name(session, by, "manage_towns")
        taken: dict[str, str] = {fold(a): "市应急管理局" for a in BUREAU_ALIASES}
        for other in session.exec(select(Town).where(Town.name != name)).all():
            for spelling in (other.name, *other.aliases.split(";")):
                if spelling:
                    taken[fold(spelling)] = other.name
        for spelling in (name, *alias_list):
            if fold(spelling) in taken:
                owner = taken[fold(spelling)]
                raise TownError(f"“{spelling}”已用于{owner}", f"“{spelling}” already names {owner}")
        row = session.exec(select(Town).where(Town.name == name)).first()
        before = None if row is None else {"name": row.name, "aliases": row.aliases, "active": row.active}
        if row is None:
            row = Town(name=name, aliases=joined, active=active)
        else:
            row.aliases, row.active = joined, active
        session.add(row)
        session.flush()
        after = {"name": row.name, "aliases": row.aliases, "active": row.active}
        audit.record(session, actor=actor, action="town", entity="town", entity_id=row.id, before=before, after=after)
        return after

