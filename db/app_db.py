"""The app's database at start-up: engine from settings, schema at head, default towns, demo data if empty."""

from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.towns import default_towns
from db.engine import make_engine, transaction
from db.inserts import insert_ignoring_duplicates
from db.migrate import upgrade
from db.models import Agency, Town
from db.settings import Settings, get_settings


def get_ready_engine(url: str | None = None, *, settings: Settings | None = None) -> Engine:
    """settings → engine → `alembic upgrade head` → default towns → demo data when there are no agencies.

    Safe at every start: each step does nothing when already done. Demo data is seeded only when the
    database has no agency and SEED_DEMO is not "0", and only if db.seed exists.
    """
    settings = settings or get_settings()
    engine = make_engine(url or settings.database_url)
    prepare(engine)
    if settings.seed_demo and not has_agencies(engine):
        seed = _seed_module()
        if seed is not None:
            seed.seed_demo(engine=engine)
    return engine


def prepare(engine: Engine) -> None:
    """Schema at head and the default towns in place (what every entry point needs before writing)."""
    upgrade(engine)
    seed_default_towns(engine)


def seed_default_towns(engine: Engine) -> int:
    """Put the default towns (core/towns.toml) into an empty town table; returns how many were added."""
    with transaction(engine) as session:
        if session.execute(select(func.count()).select_from(Town)).scalar_one():
            return 0  # the towns are data bureau admins edit: never re-add what they removed
        towns = default_towns()
        rows = [{"name": n, "aliases": ";".join(towns.aliases.get(n, ())), "active": True} for n in towns.names]
        # Two processes on first start may both see an empty table: the loser's duplicates are ignored.
        return insert_ignoring_duplicates(session, Town, rows, ["name"])


def has_agencies(engine: Engine) -> bool:
    """True when the database holds at least one agency."""
    with engine.connect() as conn:
        return conn.execute(select(Agency.id).limit(1)).first() is not None


def _seed_module():
    # db.seed belongs to the publishing work and may not exist yet; import it only when present.
    if importlib.util.find_spec("db.seed") is None:
        return None
    return importlib.import_module("db.seed")
