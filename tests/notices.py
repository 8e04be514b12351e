"""A 公示 that has already ended, for tests that publish: every version needs one (db/publishing/notice.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from core import china_time
from db.accounts.actor import Actor
from db.publishing.notice import open_notice
from db.publishing.publish import publish_year
from db.store.models import Notice, Publication

ADMIN = Actor.operator("admin.zhou")  # who opens the notice when a test names no one


def ended_notice(engine: Engine, year: int, *, by: Actor = ADMIN) -> Notice:
    """Open a notice of `year` as if on a day eight days ago, ending yesterday: the year may be published now."""
    today = china_time.today()
    return open_notice(engine=engine, by=by, year=year, ends_on=today - dt.timedelta(days=1),
                       today=today - dt.timedelta(days=8))


def publish_after_notice(*, engine: Engine, year: int, by: Actor, **kwargs) -> Publication:
    """publish_year after an ended notice of its own (the way every version is published)."""
    ended_notice(engine, year, by=by)
    return publish_year(engine=engine, year=year, by=by, **kwargs)
