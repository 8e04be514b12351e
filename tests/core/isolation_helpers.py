"""Functions for tests to run in core.isolation's child process (an importable module, as it requires)."""

from __future__ import annotations

from core.errors import InputError, Problem
from core.limits import MB, ReadLimits


def allocate(megabytes: int, *, limits: ReadLimits) -> int:
    """Hold `megabytes` MB at once, touched page by page."""
    block = bytearray(megabytes * MB)
    return len(block)


def spin(*, limits: ReadLimits) -> None:
    """Use CPU until stopped."""
    while True:
        pass


def fail(*, limits: ReadLimits) -> None:
    raise ValueError("a fault of ours")


def refuse(*, limits: ReadLimits) -> None:
    raise InputError([Problem(3, "条款", "未知条款", "unknown clause", "9.9"), Problem(None, None, "整体", "whole")])


def parent(*, limits: ReadLimits) -> int:
    """The child's parent process id: the caller (forked directly) or the fork server."""
    import os

    return os.getppid()


def in_a_thread(call):
    """call() from a second thread, as the app calls its services (Streamlit): read_isolated then reads through the
    fork server, whose children start clean. A child forked from this test process would inherit its free heap,
    memory RLIMIT_AS cannot see, so a test of the memory limit would depend on what ran before it."""
    import threading

    outcome = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
