"""The edition's status file beside EDITION_DIR: idle, building or failed, when, and which versions it covers.

Several app processes (and the command line) share one EDITION_DIR, so what a writer is doing lives in a small JSON
file every process can read, not in memory. It sits beside the folder, not in it: the folder is served to the public,
and the status holds a failure's reason, which staff and operators read (docs/edition.md). Written atomically (a
temporary file renamed over it) so a reader never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from core.china_time import utc_now

IDLE, BUILDING, FAILED = "idle", "building", "failed"
REASON_LIMIT = 200  # characters of a failure's one-line reason


@dataclass(frozen=True)
class EditionStatus:
    """What the last writer of an edition did. Times are aware UTC; `digests` are the published versions the edition
    on disk covers (from its last successful build); `reason` is one line, set when `state` is failed."""

    state: str = IDLE
    requested_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    digests: tuple[str, ...] = field(default_factory=tuple)
    reason: str | None = None

    def covers(self, digests: set[str] | frozenset[str]) -> bool:
        """Whether the edition on disk holds every one of these published versions."""
        return set(digests) <= set(self.digests)


def status_path(out: Path) -> Path:
    """The status file of the edition `out`: `.NAME.status.json` beside it (beside the lock file)."""
    out = Path(out).absolute()
    return out.parent / f".{out.name}.status.json"


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def read_status(out: Path) -> EditionStatus | None:
    """The status of the edition `out`, or None when no writer has written one (or it cannot be read)."""
    try:
        raw = json.loads(status_path(out).read_text(encoding="utf-8"))
        return EditionStatus(state=str(raw.get("state", IDLE)), requested_at=_time(raw.get("requested_at")),
                             started_at=_time(raw.get("started_at")), finished_at=_time(raw.get("finished_at")),
                             digests=tuple(raw.get("digests") or ()), reason=raw.get("reason"))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _write(out: Path, status: EditionStatus) -> None:
    path = status_path(out)
    raw = {k: (v.isoformat() if isinstance(v, dt.datetime) else list(v) if isinstance(v, tuple) else v)
           for k, v in asdict(status).items()}
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(raw, handle, ensure_ascii=False, indent=1)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    # Read-modify-write under a lock of its own (not the build's lock, held for minutes): a request stamping
    # requested_at and a writer stamping finished_at in two processes do not lose each other's fields.
    path = status_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f"{path.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update_status(out: Path, **changes: object) -> EditionStatus:
    """Change some fields of the status of `out` (a fresh one when there is none) and write it atomically."""
    with _locked(out):
        status = replace(read_status(out) or EditionStatus(), **changes)
        _write(out, status)
        return status


def mark_requested(out: Path) -> EditionStatus:
    return update_status(out, requested_at=utc_now())


def mark_building(out: Path) -> EditionStatus:
    return update_status(out, state=BUILDING, started_at=utc_now(), reason=None)


def mark_built(out: Path, digests: tuple[str, ...]) -> EditionStatus:
    return update_status(out, state=IDLE, finished_at=utc_now(), digests=tuple(digests), reason=None)


def mark_failed(out: Path, error: BaseException) -> EditionStatus:
    return update_status(out, state=FAILED, finished_at=utc_now(), reason=one_line(error))


def one_line(error: BaseException) -> str:
    """A failure's reason in one short line (its kind and first line; the traceback goes to the log only)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    line = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return line[:REASON_LIMIT]
