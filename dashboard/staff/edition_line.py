"""The static edition's state on the staff pages: being rewritten (since when), or failed and how to rewrite it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core import china_time
from dashboard import data
from dashboard.i18n import t
from db.edition.status import BUILDING, FAILED
from db.edition.writer import long_behind, waiting

# The staff home page warns when the edition has been behind this long: the longest measured build (10,000
# agencies × 3 years, docs/performance.md) is about 4 minutes; this much more means a writer died or is stuck.
BEHIND_MINUTES = 30


def _when(moment: dt.datetime | None) -> str:
    # HH:MM in China time, with the date when it was not today (a build left "building" by a process that died).
    if moment is None:
        return "?"
    local = china_time.to_china(moment)
    return local.strftime("%H:%M") if local.date() == china_time.today() else local.strftime("%Y-%m-%d %H:%M")


def show_edition_state() -> None:
    """On the publish and listings pages: the rewrite under way, or the failure of the last one."""
    status = data.edition_status()
    if status is None:
        return
    if status.state == BUILDING or waiting(status):
        since = status.started_at if status.state == BUILDING else status.requested_at
        st.info(t("staff.edition_building", time=_when(since)), icon=":material/sync:")
    elif status.state == FAILED:
        st.warning(t("staff.edition_failed"), icon=":material/warning:")


def show_edition_trouble() -> None:
    """On the staff home page: only what needs someone, a failed edition or one behind for long."""
    status = data.edition_status()
    if status is None:
        return
    if status.state == FAILED and not waiting(status):
        st.warning(t("staff.edition_failed"), icon=":material/warning:")
    elif long_behind(status, BEHIND_MINUTES):
        since = status.started_at if status.state == BUILDING else status.requested_at
        st.warning(t("staff.edition_behind", time=_when(since), minutes=BEHIND_MINUTES), icon=":material/schedule:")
