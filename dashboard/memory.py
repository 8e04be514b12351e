"""Memory given back after visitors leave: fewer glibc arenas, and free heap trimmed once sessions have ended.

A crowd of visitors leaves a Streamlit process holding what their sessions freed: glibc keeps freed memory in
per-thread arenas (one per script thread, up to 8 × cores) instead of returning it, and with `runner.postScriptGC`
off (.streamlit/config.toml) the sessions' reference cycles wait for Python's rare full collection. Once per process
`start()` caps the arenas (mallopt M_ARENA_MAX) and starts a daemon thread that, when the process holds fewer
sessions than before, calls malloc_trim(0) (under a millisecond) at most once every TRIM_EVERY seconds, after a full
garbage collection (a fraction of a second) only when a crowd has left, never every few seconds under a steady
stream. Linux with glibc only; elsewhere (no `mallopt` in the C library) nothing happens. Measured by benchmarks/bench_load.py (docs/performance.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import threading
import time

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
ARENAS = 2  # a Streamlit process runs Python on about one core at a time (the GIL): 2 arenas suffice
CHECK_EVERY = 2.0  # seconds between looks at the number of sessions
TRIM_EVERY = 10.0  # seconds at least between two trims
CROWD_LEFT = 4  # a full collection once the sessions have fallen to a quarter of their most, or fewer

logger = logging.getLogger(__name__)
_STARTED = threading.Event()
_LOCK = threading.Lock()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 — glibc's own; absent on musl, macOS, Windows
    except (OSError, AttributeError):
        return None
    return libc


def sessions() -> int | None:
    """Sessions this Streamlit process holds (connected, and closed ones kept for their TTL); None outside a server."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    try:
        return len(runtime.get_instance()._session_mgr.list_sessions())  # noqa: SLF001 — no public count of all
    except AttributeError:  # a Streamlit without it: nothing is trimmed
        return None
    except RuntimeError:  # the event loop changed the sessions while they were listed: the next look counts
        return None


def trim(collect: bool = False) -> bool:
    """Give free heap back to the system now (malloc_trim, under a millisecond), after a full garbage collection when
    `collect` (0.15–0.3 s with 10,000 agencies' tables cached, holding the interpreter); False where glibc is not."""
    if collect:
        gc.collect()
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))


def start() -> None:
    """Once per process (later calls return at once): cap glibc's arenas and start the trimming thread."""
    if _STARTED.is_set():
        return
    with _LOCK:
        if _STARTED.is_set():
            return
        libc = _libc()
        if libc is not None:
            libc.mallopt(M_ARENA_MAX, ARENAS)
            threading.Thread(target=_watch, name="memory-trim", daemon=True).start()
        _STARTED.set()


class Watch:
    """When to give memory back: the sessions have fallen below their most since the last time (visitors left and
    their closed sessions were dropped), and the last time is TRIM_EVERY seconds old or more; with a full collection
    too when a crowd has left (a quarter of that most or fewer remain), not under a steady stream of visitors."""

    def __init__(self) -> None:
        self.most, self.last_trim = 0, float("-inf")

    def due(self, count: int, now: float) -> str | None:
        """"trim", "collect" (trim after a full collection) or None, with `count` sessions at `now` (monotonic
        seconds); an answer other than None counts as done."""
        self.most = max(self.most, count)
        if count >= self.most or now - self.last_trim < TRIM_EVERY:
            return None
        crowd_left = count * CROWD_LEFT <= self.most
        self.most, self.last_trim = count, now
        return "collect" if crowd_left else "trim"


def _watch() -> None:
    watch = Watch()
    while True:
        time.sleep(CHECK_EVERY)
        count = sessions()
        what = watch.due(count, time.monotonic()) if count is not None else None
        if what is not None:
            try:
                trim(collect=what == "collect")
            except Exception:  # noqa: BLE001 — a failed trim must never end the thread
                logger.exception("trimming memory failed")
