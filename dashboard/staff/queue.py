"""The suggestions queue's stored watch runs (db.findings.watch_runs): read on every page load, computed in a
background thread of this process after records change, so no clerk waits for the watch.

A run is stored in the database, so every app process (and every browser session) reads the same one; what this
module caches is only a ready run's rows, by its id and finishing time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading

import pandas as pd
import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from dashboard import data
from db.findings import watch_runs
from db.findings.suggestions import records_fingerprint

# How long a page waits for a run it had to start because its year has none stored yet: a town's records are done
# by then; at province scale the page says the result is being computed instead of waiting.
FIRST_WAIT_SECONDS = 1.5
_threads: dict[tuple, threading.Thread] = {}
_lock = threading.Lock()
log = logging.getLogger(__name__)


def fingerprint() -> tuple[int, ...]:
    """What the stored service records are now (db.findings.suggestions.records_fingerprint): read on every load."""
    return records_fingerprint(data.engine())


def latest(year: int, as_of: dt.date, rulebook_name: str, now: tuple[int, ...]) -> watch_runs.StoredRun | None:
    """The stored run to show (watch_runs.latest_run): one small query, not cached, so a new run shows at once."""
    return watch_runs.latest_run(engine=data.engine(), year=year, as_of=as_of, rulebook=rulebook_name,
                                 fingerprint=now)


@st.cache_data(show_spinner=False, max_entries=8)
def result(run_id: int, finished_at: dt.datetime) -> pd.DataFrame:
    """A ready run's suggestions (db.findings.suggestions.QUEUE_COLUMNS), by its id and when it finished (a forced
    重新检查 rewrites its run in place)."""
    return watch_runs.run_result(engine=data.engine(), run_id=run_id)


def refresh(year: int, as_of: dt.date, rulebook_name: str, force: bool = False) -> threading.Thread:
    """Compute this key's run in the background (one thread per key in this process; the database lets one process
    of several compute it)."""
    engine = data.engine()
    return _start(("run", year, as_of, rulebook_name, force), lambda: _warm(engine, [watch_runs.refresh(
        engine=engine, year=year, as_of=as_of, rulebook=rulebook_name, force=force)]))


def records_changed() -> threading.Thread:
    """After an import or a filing: refresh the runs staff will ask for (watch_runs.refresh_targets) in the
    background, so the queue's next load reads them stored."""
    engine = data.engine()
    today = china_time.today()
    return _start(("changed",), lambda: _warm(engine, watch_runs.refresh_after_change(engine=engine, today=today)))


def _warm(engine, run_ids: list[int | None]) -> None:
    # The new runs' rows decoded now, in the background, so the next page load of this process finds them cached.
    for run_id in run_ids:
        when = None if run_id is None else watch_runs.finished_at(engine=engine, run_id=run_id)
        if when is not None:
            with contextlib.suppress(CreditBoardError):  # replaced by a newer run meanwhile: decoded when asked
                result(run_id, when)


def running() -> list[threading.Thread]:
    """The background runs still going in this process."""
    with _lock:
        return [t for t in _threads.values() if t.is_alive()]


def wait_all(timeout: float = 600) -> None:
    """Wait for every background run of this process (tests and benchmarks; never a page)."""
    for thread in running():
        thread.join(timeout)


def _start(key: tuple, job) -> threading.Thread:
    with _lock:
        thread = _threads.get(key)
        if thread is not None and thread.is_alive():
            if key[0] != "changed":
                return thread
            # A change while the last one is refreshed: run again after it, or the newest records wait a change.
            job = _after(thread, job)
        thread = threading.Thread(target=_logged(job), name=f"watch-{key}", daemon=True)
        _threads[key] = thread
        thread.start()
        return thread


def _after(first: threading.Thread, job):
    def chained():
        first.join()
        job()
    return chained


def _logged(job):
    def run():
        try:
            job()
        except Exception:  # a background thread has nobody to show it to: the log, and a failed run stored
            log.exception("background watch run failed")
    return run


def clear() -> None:
    """Forget the cached rows (only for memory: the cache key says when a run changed)."""
    result.clear()
