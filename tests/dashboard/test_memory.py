"""Memory given back after visitors leave (dashboard/memory.py): when the trim runs, and that it is harmless."""

from __future__ import annotations

import sys
import threading

import pytest

from dashboard import memory


def test_a_trim_is_due_once_visitors_have_left_and_not_more_often_than_trim_every():
    watch = memory.Watch()
    assert not watch.due(0, 0.0)  # nobody yet
    assert not watch.due(20, 1.0)  # visitors arrive: nothing to give back
    assert watch.due(1, 2.0)  # their closed sessions were dropped: trim
    assert not watch.due(0, 3.0)  # fewer again, but the last trim is too recent
    assert watch.due(0, 2.0 + memory.TRIM_EVERY)  # still below the most since that trim: trim once it may
    assert not watch.due(0, 100.0)  # nothing left since: nothing to do
    assert not watch.due(5, 101.0)
    assert watch.due(4, 102.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_gives_memory_back_on_linux_and_start_runs_once(monkeypatch):
    assert memory.trim() in (True, False)  # 1 when memory was returned, 0 when there was none to return
    monkeypatch.setattr(memory, "_STARTED", threading.Event())
    started: list[str] = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real(self))[1])
    memory.start()
    memory.start()
    assert started.count("memory-trim") == (1 if memory._libc() is not None else 0)


def test_no_session_count_outside_a_streamlit_server():
    assert memory.sessions() is None
