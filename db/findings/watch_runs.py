"""Stored runs of the compliance watch: computed after each import or filing, read by the queue page, never run there.

A run is keyed by (year, as-of day, rulebook, records fingerprint). Whoever changes the records (the upload page,
the agency portal, `python -m db import`) calls refresh_after_change — in a background thread on the pages — and
the queue page only reads: the run of the records as they are now when it is stored, else the newest run stored
(marked as being updated while a refresh runs). Several app processes on one database share the runs: a process
claims a key by inserting its `running` row (the unique key lets one through) and the others wait for its result.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.errors import CreditBoardError
from core.rulebook import DEFAULT_RULEBOOK, load_rulebook
from db.findings.suggestions import records_fingerprint, run_watch, split_waiting
from db.store.engine import transaction
from db.store.models import WatchRun, aware, utcnow

ABANDONED_AFTER = dt.timedelta(minutes=30)  # a `running` claim this old lost its process: another may take it over
RECENT = dt.timedelta(days=7)  # runs staff asked for this recently are refreshed after a change (refresh_targets)
MOST_TARGETS = 4  # keys refreshed after one change: this year as of today and the latest few others
INTERNAL = ("监测运行出错，请联系管理员", "the watch failed: tell an administrator")
_INFO = ("id", "year", "as_of", "rulebook", "fingerprint", "status", "started_at", "finished_at", "rows",
         "error_zh", "error_en")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredRun:
    """A finished run as the page shows it (never its bytes); `fresh` when it is of the records as they are now,
    for the very year, day and rulebook asked."""

    id: int
    year: int
    as_of: dt.date
    rulebook: str
    status: str  # ready | failed
    finished_at: dt.datetime
    rows: int
    error_zh: str
    error_en: str
    fresh: bool


def fingerprint_text(fingerprint: tuple[int, ...]) -> str:
    """records_fingerprint as stored."""
    return ",".join(map(str, fingerprint))


def latest_run(*, engine: Engine, year: int, as_of: dt.date, rulebook: str,
               fingerprint: tuple[int, ...]) -> StoredRun | None:
    """The run the queue shows for `year` as of `as_of`: this key's run of the current records when stored (ready, or
    failed with its refusal); else the newest ready run of the year and day, else of the year on another day (not
    fresh: the page says it is being updated). None when the year has no run yet. One indexed query, no result bytes."""
    table = WatchRun.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(*(table.c[c] for c in _INFO))
                            .where(table.c.year == year, table.c.rulebook == rulebook, table.c.status != "running")
                            .order_by(table.c.id.desc())).mappings().all()
    now = fingerprint_text(fingerprint)
    exact = [r for r in rows if r["as_of"] == as_of and r["fingerprint"] == now]
    ready = [r for r in rows if r["status"] == "ready"]
    chosen = exact or [r for r in ready if r["as_of"] == as_of] or ready
    if not chosen:
        return None
    row = chosen[0]
    return StoredRun(id=row["id"], year=row["year"], as_of=row["as_of"], rulebook=row["rulebook"],
                     status=row["status"], finished_at=aware(row["finished_at"]), rows=row["rows"],
                     error_zh=row["error_zh"], error_en=row["error_en"], fresh=bool(exact))


def finished_at(*, engine: Engine, run_id: int) -> dt.datetime | None:
    """When a run finished (None while it runs, or once it is gone)."""
    with engine.connect() as conn:
        when = conn.execute(select(WatchRun.__table__.c.finished_at).where(WatchRun.__table__.c.id == run_id)).scalar()
    return aware(when)


def run_result(*, engine: Engine, run_id: int) -> pd.DataFrame:
    """A ready run's suggestions (db.findings.suggestions.QUEUE_COLUMNS). A run is never changed once ready, so
    callers may cache this by `run_id`."""
    with engine.connect() as conn:
        content = conn.execute(select(WatchRun.__table__.c.result).where(WatchRun.__table__.c.id == run_id)).scalar()
    if content is None:
        raise CreditBoardError("该次监测结果已被更新的结果取代，请刷新页面",
                               "this watch result was replaced by a newer one: reload the page")
    return pd.read_parquet(io.BytesIO(content))


def refresh(*, engine: Engine, year: int, as_of: dt.date, rulebook: str = DEFAULT_RULEBOOK,
            force: bool = False) -> int | None:
    """Run the watch for `year` as of `as_of` over the records as they are now and store it (the run's id); None when
    that run is stored already (unless `force`) or another process is computing it. What waits for a year the
    working-day calendar does not cover is stored with the run (its rows marked by missing_year; `rows` counts the
    suggestions only); a refusal of the watch is stored as a failed run, shown to staff in both languages."""
    fingerprint = fingerprint_text(records_fingerprint(engine))  # before reading: a change meanwhile reads as stale
    run_id = _claim(engine, year, as_of, rulebook, fingerprint, force)
    if run_id is None:
        return None
    try:
        found = run_watch(engine=engine, year=year, as_of=as_of, rulebook=load_rulebook(rulebook))
    except CreditBoardError as exc:
        _finish(engine, run_id, status="failed", error=(exc.message_zh, exc.message_en))
    except Exception:
        log.exception("watch run %s failed", run_id)
        _finish(engine, run_id, status="failed", error=INTERNAL)
        raise
    else:
        buffer = io.BytesIO()
        found.to_parquet(buffer, index=False, compression="zstd")
        _finish(engine, run_id, status="ready", result=buffer.getvalue(), rows=len(split_waiting(found)[0]))
    _prune(engine, run_id, year, as_of, rulebook)
    return run_id


def refresh_targets(*, engine: Engine, today: dt.date, rulebook: str = DEFAULT_RULEBOOK
                    ) -> list[tuple[int, dt.date, str]]:
    """What a change of the records makes stale and worth computing at once: this year as of today, then the keys of
    the runs made this week (newest first), leaving out the earlier days' "today" runs nobody will ask for again."""
    table = WatchRun.__table__
    since = utcnow() - RECENT
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.year, table.c.as_of, table.c.rulebook)
                            .where(table.c.started_at >= since).order_by(table.c.id.desc())).all()
    targets = [(today.year, today, rulebook)]
    for year, as_of, name in rows:
        rolled_over = today - RECENT <= as_of < today  # a default "today" of an earlier day
        if not rolled_over and (year, as_of, name) not in targets:
            targets.append((year, as_of, name))
    return targets[:MOST_TARGETS]


def refresh_after_change(*, engine: Engine, today: dt.date, rulebook: str = DEFAULT_RULEBOOK) -> list[int]:
    """Refresh every refresh_targets key, one after another (the ids of the runs made)."""
    made = []
    for year, as_of, name in refresh_targets(engine=engine, today=today, rulebook=rulebook):
        run_id = refresh(engine=engine, year=year, as_of=as_of, rulebook=name)
        if run_id is not None:
            made.append(run_id)
    return made


def is_running(*, engine: Engine, year: int, as_of: dt.date, rulebook: str, fingerprint: tuple[int, ...]) -> bool:
    """True while some process computes this key (a claim younger than ABANDONED_AFTER)."""
    table = WatchRun.__table__
    with engine.connect() as conn:
        started = conn.execute(select(table.c.started_at).where(
            table.c.year == year, table.c.as_of == as_of, table.c.rulebook == rulebook,
            table.c.fingerprint == fingerprint_text(fingerprint), table.c.status == "running")).scalar()
    return started is not None and aware(started) > utcnow() - ABANDONED_AFTER


def _claim(engine: Engine, year: int, as_of: dt.date, rulebook: str, fingerprint: str, force: bool) -> int | None:
    """This process's right to compute the key: a new `running` row, an abandoned claim taken over, or (forced) the
    finished row to overwrite. None when someone else holds it or it is done."""
    table = WatchRun.__table__
    key = (table.c.year == year, table.c.as_of == as_of, table.c.rulebook == rulebook,
           table.c.fingerprint == fingerprint)
    now = utcnow()
    try:
        with transaction(engine) as session:
            found = session.execute(select(table.c.id, table.c.status).where(*key)).first()
            if found is None:
                return int(session.execute(table.insert().values(
                    year=year, as_of=as_of, rulebook=rulebook, fingerprint=fingerprint, status="running",
                    started_at=now, rows=0, error_zh="", error_en="").returning(table.c.id)).scalar_one())
            if found.status != "running":
                # Forced (重新检查): computed again in place; the stored result stays shown until the new one lands.
                return int(found.id) if force else None
            # An abandoned claim. The WHERE is checked again under the row's lock: of two taking over, one wins.
            taken = session.execute(update(table).where(
                table.c.id == found.id, table.c.status == "running", table.c.started_at < now - ABANDONED_AFTER,
            ).values(started_at=now))
            return int(found.id) if taken.rowcount == 1 else None
    except IntegrityError:  # another process inserted the same key a moment ago: it computes it
        return None


def _finish(engine: Engine, run_id: int, *, status: str, result: bytes | None = None, rows: int = 0,
            error: tuple[str, str] = ("", "")) -> None:
    with transaction(engine) as session:
        session.execute(update(WatchRun.__table__).where(WatchRun.__table__.c.id == run_id).values(
            status=status, finished_at=utcnow(), result=result, rows=rows, error_zh=error[0][:2000],
            error_en=error[1][:2000]))


def _prune(engine: Engine, run_id: int, year: int, as_of: dt.date, rulebook: str) -> None:
    """Drop the runs the new one replaces (the older ones of its year and day) and other days' runs older than
    RECENT: none of them is shown again."""
    table = WatchRun.__table__
    with transaction(engine) as session:
        session.execute(delete(table).where(
            table.c.year == year, table.c.rulebook == rulebook, table.c.status != "running", table.c.id < run_id,
            (table.c.as_of == as_of) | (table.c.started_at < utcnow() - RECENT)))
