"""A 公示 that has already ended, for tests that publish: every version needs one (db/publishing/notice.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from core import china_time
from db.publishing.notice import open_notice
from db.publishing.publish import publish_year
from db.store.models import Notice, Publication


def ended_notice(engine: Engine, year: int, *, by: str = "admin.zhou") -> Notice:
    """Open a notice of `year` as if on a day eight days ago, ending yesterday: the year may be published now."""
    today = china_time.today()
    return open_notice(engine=engine, by=by, year=year, ends_on=today - dt.timedelta(days=1),
                       today=today - dt.timedelta(days=8))


def publish_after_notice(*, engine: Engine, year: int, by: str, **kwargs) -> Publication:
    """publish_year after an ended notice of its own (the way every version is published)."""
    ended_notice(engine, year, by=by if isinstance(by, str) and by.strip() else "admin.zhou")
    return publish_year(engine=engine, year=year, by=by, **kwargs)
