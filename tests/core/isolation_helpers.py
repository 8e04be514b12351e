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
