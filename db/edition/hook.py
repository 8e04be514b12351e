"""Rewrite the static edition after a publication, or after a listing ends or is repaired.

Called once the writing transaction has committed: the record is already published, so a failure here never undoes
it. It is logged, and the caller tells staff (or the operator) that the edition is behind and how to rewrite it
(`python -m db build-site`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
from pathlib import Path

from sqlalchemy.engine import Engine

from db.edition.build import EditionReport, build_edition
from db.store.settings import get_settings

log = logging.getLogger(__name__)

# What the caller says when the edition could not be written (the publication stands).
FAILED = ("已发布，但静态版未能更新（详见日志）；请运行 python -m db build-site 重新生成",
          "published, but the static edition could not be updated (see the log): run python -m db build-site")


def write_locked(engine: Engine, out: Path, today: dt.date | None = None) -> EditionReport:
    """Build the edition into `out`, one writer at a time (a lock file beside it: two staff publishing at once, or
    a publication during the daily expiry, take turns instead of racing to rename)."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return build_edition(engine, out, today)
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
