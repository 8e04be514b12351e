"""Write the static edition under its lock, with its status file; the command line's synchronous rewrite.

The app never calls these inside a request: it asks the background writer (db.edition.writer.request_refresh), which
calls `write_locked`. The command line (`python -m db publish`, `listings expire`, `build-site`) waits for the
rewrite: an operator at a terminal waits anyway. Either way the record is already committed, so a failure here
never undoes it: it is logged, the status file says "failed" with a one-line reason, and staff (or the operator)
are told how to rewrite it (`python -m db build-site`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
from pathlib import Path

from sqlalchemy.engine import Engine

from db.documents.versions import publications
from db.edition.build import EditionReport, build_edition
from db.edition.status import mark_building, mark_built, mark_failed
from db.store.settings import get_settings

log = logging.getLogger(__name__)

# What the caller says when the edition could not be written (the publication stands).
FAILED = ("已发布，但静态版未能更新（详见日志）；请运行 python -m db build-site 重新生成",
          "published, but the static edition could not be updated (see the log): run python -m db build-site")


def write_locked(engine: Engine, out: Path, today: dt.date | None = None) -> EditionReport:
    """Build the edition into `out`, one writer at a time (a lock file beside it: two staff publishing at once, or
    a publication during the daily expiry, take turns instead of racing to rename). The status file beside it
    says building (from when this writer holds the lock), then idle with the versions it covers, or failed."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            mark_building(out)
            try:
                # Read before the build: a version published meanwhile may be in the build but is not claimed,
                # so the status never says the edition holds what it might not (its own request follows anyway).
                digests = tuple(publications(engine)["digest"])
                report = build_edition(engine, out, today)
            except Exception as exc:
                mark_failed(out, exc)
                raise
            mark_built(out, digests)
            return report
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def refresh_edition(engine: Engine, today: dt.date | None = None) -> EditionReport | None:
    """Rewrite the edition in EDITION_DIR; None (logged) when that failed. Never raises: what called it has
    committed already."""
    try:
        return write_locked(engine, get_settings().edition, today)
    except Exception:  # noqa: BLE001 - the publication stands whatever happens to its static copy
        log.exception("the static edition could not be written")
        return None
