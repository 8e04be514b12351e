"""The stored record tables kept loaded in this process, per engine and kind, read again only as far as they changed.

Records are only ever added (an upload's rows), so a table whose highest id moved needs only its new rows: the
watch after a filing of twenty visits reads twenty rows, not 1.2 million. Two things would make the appended copy
wrong, and both are checked before it is trusted, falling back to reading the whole table: a row committed late
with an id below the highest one read (PostgreSQL hands out ids before commit), caught by the row count up to the
highest id; and the one update records get, a practitioner's 离职日期 (db.agency.filings.leave_practitioner),
caught by the count of practitioners who left.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.service_records import RECORD_KINDS
from db.records.reads import RECORD_MODELS, load_records


@dataclass(frozen=True)
class _Loaded:
    top: int  # the highest id read
    count: int  # rows with id ≤ top when read
    left: int  # practitioners with a 离职日期 (0 for other kinds)
    frame: pd.DataFrame


_CACHE: weakref.WeakKeyDictionary[Engine, dict[str, _Loaded]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()  # one reader per process at a time: two background runs must not both read 1.2M rows


def record_tables(engine: Engine) -> dict[str, pd.DataFrame]:
    """Every stored record table (RECORD_KINDS), as db.records.reads.load_records gives them, kept between calls."""
    with _LOCK:
        cached = _CACHE.setdefault(engine, {})
        with engine.connect() as conn:
            for kind in RECORD_KINDS:
                cached[kind] = _refreshed(conn, kind, cached.get(kind))
        return {kind: cached[kind].frame for kind in RECORD_KINDS}


def forget(engine: Engine | None = None) -> None:
    """Drop the loaded tables (of one engine, or all): the next call reads them whole."""
    with _LOCK:
        if engine is None:
            _CACHE.clear()
        else:
            _CACHE.pop(engine, None)


def _refreshed(conn, kind: str, loaded: _Loaded | None) -> _Loaded:
    table = RECORD_MODELS[kind].__table__
    top = int(conn.execute(select(func.max(table.c.id))).scalar() or 0)
    count = int(conn.execute(select(func.count()).where(table.c.id <= top)).scalar() or 0)
    left = (int(conn.execute(select(func.count()).where(table.c.left_on.is_not(None))).scalar() or 0)
            if kind == "practitioners" else 0)
    if loaded is not None and loaded.left == left and loaded.top <= top:
        if loaded.top == top and loaded.count == count:
            return loaded
        added = load_records(conn, kind, ids=(loaded.top, top))
        if loaded.count + len(added) == count:
            frame = added if loaded.frame.empty else pd.concat([loaded.frame, added], ignore_index=True)
            return _Loaded(top, count, left, frame)
    # First read, a late commit below the top, or a practitioner's leaving: the whole table again.
    frame = load_records(conn, kind, ids=(0, top))
    return _Loaded(top, len(frame), left, frame)
