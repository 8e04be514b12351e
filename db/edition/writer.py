"""The app's one background writer of the static edition: a request returns at once, a thread rewrites the folder.

At 10,000 agencies × 3 years a build takes minutes (benchmarks/bench_edition.py), so no request (a clerk's click, a
citizen's page that records a listing's end) may wait for one. `request_refresh` notes that the edition should be
rewritten and returns; one worker thread per process builds, under the folder's lock (db.edition.hook.write_locked),
and requests that arrive while it builds are coalesced: however many, exactly one more build follows, which reads
the record as committed when it starts, so it holds every change that asked for it (docs/edition.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

from core.china_time import utc_now
from db.edition.hook import write_locked
from db.edition.status import BUILDING, FAILED, IDLE, EditionStatus, mark_requested, one_line, read_status
from db.store.settings import get_settings

log = logging.getLogger(__name__)

Build = Callable[[Engine, Path], object]  # builds the edition `out` from `engine`; raises when it cannot


class EditionWriter:
    """Rewrites editions in one daemon thread, a folder at a time, coalescing requests per folder."""

    def __init__(self, build: Build | None = None) -> None:
        self.build: Build = build or (lambda engine, out: write_locked(engine, out))
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending: dict[Path, Engine] = {}  # folder → the engine of its newest request
        self._building: Path | None = None
        self._thread: threading.Thread | None = None
        # What this process saw, for a folder whose status file cannot be written (its parent is not a folder).
        self._seen: dict[Path, EditionStatus] = {}
        self.builds = 0  # builds started by this writer (tests count them)

    def request(self, engine: Engine, out: Path, reason: str = "") -> None:
        """Ask for `out` to be rewritten from `engine`; returns at once. Never raises: what asked has committed."""
        out = Path(out).absolute()
        try:
            mark_requested(out)
        except OSError:
            log.warning("the static edition's status file beside %s cannot be written", out)
        with self._lock:
            self._pending[out] = engine
            self._seen[out] = replace(self._seen.get(out, EditionStatus()), requested_at=utc_now())
            log.info("static edition %s requested (%s)", out, reason or "no reason given")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="static-edition", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    self._idle.notify_all()
                    return
                out = next(iter(self._pending))
                engine = self._pending.pop(out)
                self._building = out
                self.builds += 1
                self._seen[out] = replace(self._seen.get(out, EditionStatus()), state=BUILDING,
                                          started_at=utc_now(), reason=None)
            try:
                self.build(engine, out)
            except Exception as exc:  # noqa: BLE001 - the change stands; the status says failed, the log says why
                log.exception("the static edition could not be written")
                seen = replace(self._seen[out], state=FAILED, finished_at=utc_now(), reason=one_line(exc))
            except BaseException:
                # The interpreter is going (SystemExit in this thread): let the next request start a new thread.
                with self._lock:
                    self._thread, self._building = None, None
                    self._idle.notify_all()
                raise
            else:
                seen = replace(self._seen[out], state=IDLE, finished_at=utc_now(), reason=None)
            with self._lock:
                self._seen[out] = seen
                self._building = None

    def busy(self) -> bool:
        """Whether a build runs or waits in this process."""
        with self._lock:
            return self._thread is not None

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is building or asked for; False when `timeout` (seconds) passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._thread is None, timeout)

    def status(self, out: Path) -> EditionStatus | None:
        """The status of `out`: its file (any process's writer), else what this process saw, else None."""
        out = Path(out).absolute()
        found = read_status(out)
        if found is not None:
            return found
        with self._lock:
            return self._seen.get(out)


WRITER = EditionWriter()  # the process's one writer


def request_refresh(engine: Engine, reason: str = "", out: Path | None = None) -> None:
    """Ask the process's writer to rewrite EDITION_DIR (or `out`) from `engine`; returns at once."""
    WRITER.request(engine, out or get_settings().edition, reason)


def wait_idle(timeout: float | None = None) -> bool:
    """Wait for the process's writer to finish everything asked of it (start-up of the demo; tests)."""
    return WRITER.wait_idle(timeout)


def edition_status(out: Path | None = None) -> EditionStatus | None:
    """The status of EDITION_DIR (or `out`), as any process's writer left it."""
    return WRITER.status(out or get_settings().edition)


def waiting(status: EditionStatus) -> bool:
    """Whether a request of `status` has no build yet (none started since it was asked for)."""
    return status.requested_at is not None and (status.started_at is None or status.requested_at > status.started_at)


def long_behind(status: EditionStatus, minutes: int, now: dt.datetime | None = None) -> bool:
    """Whether the edition has been behind for more than `minutes`: a build running that long, or a request that
    long without a build (a writer that died with its process, or a build far slower than any measured)."""
    now = now or utc_now()
    if status.state == BUILDING and status.started_at is not None:
        return (now - status.started_at).total_seconds() > minutes * 60
    return waiting(status) and (now - status.requested_at).total_seconds() > minutes * 60
