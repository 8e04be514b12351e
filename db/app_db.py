"""The app's database at start-up: engine from settings, schema at head, default towns, demo data if empty."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.reference.towns import seed_default_towns
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import Agency
from db.store.settings import Settings, get_settings

log = logging.getLogger(__name__)
DEMO_EDITION_WAIT = 300  # seconds; the demo's edition takes a few (a slow disk or a busy machine: never forever)


def get_ready_engine(url: str | None = None, *, settings: Settings | None = None) -> Engine:
    """settings → engine → `alembic upgrade head` → default towns → demo data when there are no agencies.

    Safe at every start: each step does nothing when already done. Demo data is seeded only when the
    database has no agency and SEED_DEMO is not "0".
    """
    settings = settings or get_settings()
    engine = make_engine(url or settings.database_url)
    prepare(engine)
    seeded = settings.seed_demo and not has_agencies(engine)
    if seeded:
        _seed_module().seed_demo(engine=engine)
    _edition_if_missing(engine, settings, wait=seeded)
    return engine


def _edition_if_missing(engine: Engine, settings: Settings, *, wait: bool) -> None:
    """Write the static edition when there is a published version but no edition yet (the demo just published,
    or an install from before the edition): the app serves it, and the open-data page links its files.

    Both go through the process's one background writer (db.edition.writer). The demo's edition (a few seconds) is
    waited for before the first page, like the demo itself, so a fresh demo links the edition's files from its first
    page. An existing install is not waited for: at 10,000 agencies it takes minutes, and the first visitor must not
    wait for it; until it is there the open-data page offers its files as downloads (a failure is logged and in the
    status file).
    """
    from db.documents.versions import publications
    from db.edition.build import SUMS
    from db.edition.writer import request_refresh, wait_idle

    if (settings.edition / SUMS).is_file() or publications(engine).empty:
        return
    request_refresh(engine, "start-up: published versions but no edition", settings.edition)
    if wait and not wait_idle(DEMO_EDITION_WAIT):
        log.warning("the demo's static edition took over %s s: the first pages offer downloads until it is written",
                    DEMO_EDITION_WAIT)


def prepare(engine: Engine) -> None:
    """Schema at head and the default towns in place (what every entry point needs before writing)."""
    upgrade(engine)
    seed_default_towns(engine)


def has_agencies(engine: Engine) -> bool:
    """True when the database holds at least one agency."""
    with engine.connect() as conn:
        return conn.execute(select(Agency.id).limit(1)).first() is not None


def _seed_module():
    # Imported on first use only: the demo data set pulls in importing and publishing, which a start with data
    # (or SEED_DEMO=0) never needs.
    from db.demo import seed

    return seed
