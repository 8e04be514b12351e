"""Memory given back after visitors leave (dashboard/memory.py): when the trim runs, and that it is harmless."""

from __future__ import annotations

import sys
import threading

import pytest

from dashboard import memory


def test_a_trim_is_due_once_visitors_have_left_and_not_more_often_than_trim_every():
    watch = memory.Watch()
    assert watch.due(0, 0.0) is None  # nobody yet
    assert watch.due(20, 1.0) is None  # visitors arrive: nothing to give back
    assert watch.due(1, 2.0) == "collect"  # a crowd left (1 of 20 remains): a full collection, then the trim
    assert watch.due(0, 3.0) is None  # fewer again, but the last trim is too recent
    assert watch.due(0, 2.0 + memory.TRIM_EVERY) == "collect"  # once it may: 0 of the most since (1)
    assert watch.due(0, 100.0) is None  # nothing has changed since: nothing to do
    assert watch.due(8, 101.0) is None
    assert watch.due(7, 102.0) == "trim"  # a steady stream, one leaves: the cheap trim alone, no collection


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_gives_memory_back_on_linux_and_start_runs_once(monkeypatch):
    assert memory.trim() in (True, False)  # True when memory was returned, False when there was none to return
    assert memory.trim(collect=True) in (True, False)
    monkeypatch.setattr(memory, "_STARTED", threading.Event())
    started: list[str] = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real(self))[1])
    memory.start()
    memory.start()
    assert started.count("memory-trim") == (1 if memory._libc() is not None else 0)


def test_no_session_count_outside_a_streamlit_server():
    assert memory.sessions() is None
