"""The suggestions queue's cached watch run: recomputed only when the stored service records (or the year, the as-of
day, the rulebook) change, so every page load reruns the watch "nightly-equivalent" for the price of a fingerprint.

Decided suggestions are filtered out after the cache (db.findings.suggestions.open_suggestions), so a decision
shows at once without running the watch again.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data
from db.findings.suggestions import records_fingerprint, run_watch


def fingerprint() -> tuple[int, ...]:
    """What the stored service records are now (db.findings.suggestions.records_fingerprint): read on every load."""
    return records_fingerprint(data.engine())


@st.cache_data(show_spinner=False, max_entries=8)
def watch_result(year: int, as_of: dt.date, rulebook_name: str, fingerprint: tuple[int, ...]) -> pd.DataFrame:
    """Every suggestion of `year` as of `as_of` over the stored records (db.findings.suggestions.QUEUE_COLUMNS).

    `fingerprint` (of `fingerprint()`) is only part of the cache key: new records make a new key, so a stale
    result is never served."""
    return run_watch(engine=data.engine(), year=year, as_of=as_of, rulebook=data.rulebook(rulebook_name))


def clear() -> None:
    """Forget the cached runs (the "check again" button; decisions need no clearing)."""
    watch_result.clear()
