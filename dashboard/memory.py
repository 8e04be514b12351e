"""Memory given back after visitors leave: fewer glibc arenas, and free heap trimmed once sessions have ended.

A crowd of visitors leaves a Streamlit process holding what their sessions freed: glibc keeps freed memory in
per-thread arenas (one per script thread, up to 8 × cores) instead of returning it, and with `runner.postScriptGC`
off (.streamlit/config.toml) the sessions' reference cycles wait for Python's rare full collection. Once per process
`start()` caps the arenas (mallopt M_ARENA_MAX) and starts a daemon thread that, when the process holds fewer
sessions than at its last look, collects garbage and calls malloc_trim(0) — at most once every TRIM_EVERY seconds,
so a steady stream of visitors costs a full collection every 10 s at most. Linux with glibc only; elsewhere
(no `mallopt` in the C library) nothing happens. Measured by benchmarks/bench_load.py (docs/performance.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
ARENAS = 2  # a Streamlit process runs Python on about one core at a time (the GIL): 2 arenas suffice
CHECK_EVERY = 2.0  # seconds between looks at the number of sessions
TRIM_EVERY = 10.0  # seconds at least between two collections and trims

logger = logging.getLogger(__name__)
_STARTED = threading.Event()
_LOCK = threading.Lock()


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
    except AttributeError:  # a Streamlit without it: trim on the timer alone
        return None


def trim() -> bool:
    """Collect garbage and give free heap back to the system now; False where glibc is not there."""
    libc = _libc()
    gc.collect()
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
    """When to trim: the sessions have fallen below their most since the last trim (visitors left and their closed
    sessions were dropped), and the last trim is TRIM_EVERY seconds old or more."""

    def __init__(self) -> None:
        self.most, self.last_trim = 0, float("-inf")

    def due(self, count: int, now: float) -> bool:
        """Whether to trim now, with `count` sessions at `now` (monotonic seconds); a True counts as done."""
        self.most = max(self.most, count)
        if count < self.most and now - self.last_trim >= TRIM_EVERY:
            self.most, self.last_trim = count, now
            return True
        return False


def _watch() -> None:
    watch = Watch()
    while True:
        time.sleep(CHECK_EVERY)
        count = sessions()
        if count is not None and watch.due(count, time.monotonic()):
            try:
                trim()
            except Exception:  # noqa: BLE001 — a failed trim must never end the thread
                logger.exception("trimming memory failed")
