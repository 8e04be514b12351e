"""One entry point for reading any file from outside: in a child process capped in memory and CPU time.

`read_isolated(read_findings, content, name=…, limits=limits)` runs the reader in a child with RLIMIT_AS and
RLIMIT_CPU set from `limits` (core.limits: MAX_READ_MEMORY_MB, MAX_READ_CPU_SECONDS) and returns what it returned
(a plain frame, pickled back). A file the reader refuses raises the same bilingual refusal here; a child that
runs out of memory or time is the ordinary refusal too (InputError, exit 2). The calling process only ever holds
the reader's answer, so one hostile file cannot grow it.

How the child starts: "forkserver" whenever the caller runs other threads (the app: Streamlit serves each session
from its own thread, and a plain fork copies locks those threads may hold, so a child could hang on a lock no
thread will release). The fork server imports pandas, pyarrow and openpyxl once, single-threaded, and forks a
clean child of itself per file in milliseconds; "spawn" would import them again for every file (about a second).
A caller with no other thread (the command line, a test, a benchmark) forks itself directly: nothing can be
held, and a one-shot command does not pay for starting a fork server. Such a child may also reuse what its parent
had allocated and freed (still mapped, so RLIMIT_AS does not count it): a few MB in a fresh command.
"""

from __future__ import annotations

import errno
import io
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from typing import Any, TypeVar

from core.errors import CreditBoardError, InputError, Problem
from core.limits import MB, ReadLimits

T = TypeVar("T")
# Imported once by the fork server, so each child starts with them loaded (and a child's memory limit is spent on
# the file, not on loading libraries: Pillow and pypdf check agency scans).
_PRELOAD = ["core.reader", "core.service_records", "PIL.Image", "PIL.PngImagePlugin", "PIL.JpegImagePlugin", "pypdf"]
# For the fork server only (read at its start): Arrow's system allocator and one malloc arena per thread kind keep a
# child's address space near what it uses (Arrow's mimalloc and glibc's per-thread arenas reserve a GB untouched,
# which RLIMIT_AS would count); one BLAS thread, since a reader multiplies no matrices.
_SERVER_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1",
                       "OMP_NUM_THREADS": "1"}
_START = threading.Lock()
_FORK = multiprocessing.get_context("fork")


class _Popen(popen_forkserver.Popen):
    """popen_forkserver.Popen without the main module: a child would otherwise run the caller's script again first
    (Streamlit's page script, a benchmark); what a child runs always lives in an importable module."""

    def _launch(self, process_obj: Any) -> None:  # the standard library's, less the two main-module keys
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:
        return _Popen(process_obj)


def read_isolated(fn: Callable[..., T], *args: Any, limits: ReadLimits, **kwargs: Any) -> T:
    """`fn(*args, **kwargs, limits=limits)` in a capped child process; its result, or its refusal raised here.

    `fn` and its arguments are pickled to the child (module-level functions, bytes or paths, plain values).
    """
    threaded = threading.active_count() > 1
    if threaded:
        _ensure_server()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    process = _Process if threaded else _FORK.Process
    child = process(target=_run, args=(sender, fn, args, {**kwargs, "limits": limits}), daemon=True)
    child.start()
    sender.close()
    # Wall time as well as CPU time: a child that sleeps or waits (a stuck pipe) uses no CPU.
    wall = limits.max_read_cpu_seconds * 2 + 10
    try:
        if not receiver.poll(wall):
            raise _too_costly(limits)
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):  # the child died before it answered: killed at its memory or CPU limit
            raise _too_costly(limits) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return _answer(outcome, limits)


def _answer(outcome: tuple, limits: ReadLimits) -> Any:
    kind = outcome[0]
    if kind == "ok":
        return outcome[1]
    if kind == "refused":
        _, cls, args, state = outcome
        refusal = cls.__new__(cls)  # rebuilt, not unpickled: InputError's constructor takes problems, not a message
        Exception.__init__(refusal, *args)
        refusal.__dict__.update(state)
        raise refusal
    if kind == "memory":
        raise _too_costly(limits)
    raise outcome[1]


def _too_costly(limits: ReadLimits) -> InputError:
    return InputError([Problem(
        None, None,
        f"读取此文件所需的内存或时间超过上限（{limits.max_read_memory // MB} MB，{limits.max_read_cpu_seconds}秒），"
        "文件可能已损坏或被篡改",
        f"reading this file takes more memory or time than allowed ({limits.max_read_memory // MB} MB, "
        f"{limits.max_read_cpu_seconds} s): damaged or forged?")])


def _ensure_server() -> None:
    """Start the fork server once, with the environment its children should read files in."""
    with _START:
        saved = {key: os.environ.get(key) for key in _SERVER_ENVIRONMENT}
        os.environ.update(_SERVER_ENVIRONMENT)
        forkserver.set_forkserver_preload(_PRELOAD)
        try:
            forkserver.ensure_running()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _run(sender, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """The child: cap itself, read, send back one answer."""
    limits: ReadLimits = kwargs["limits"]
    _cap(limits)
    try:
        sender.send(("ok", fn(*args, **kwargs)))
    except CreditBoardError as exc:
        sender.send(("refused", type(exc), exc.args, vars(exc)))
    except BaseException as exc:  # out of memory, or a fault of ours: raised again in the caller, reported as such
        sender.send(("memory",) if _exhausted(exc) else ("error", _picklable(exc)))
    finally:
        sender.close()


def _exhausted(exc: BaseException) -> bool:
    """Whether `exc` is the child meeting its memory limit: MemoryError (Python's, numpy's, Arrow's), or a thread or
    mapping the limit refused (Arrow says so only in words)."""
    if isinstance(exc, MemoryError) or (isinstance(exc, OSError) and exc.errno in (errno.ENOMEM, errno.EAGAIN)):
        return True
    return any(words in str(exc) for words in ("Resource temporarily unavailable", "Cannot allocate memory",
                                                "Failed to launch worker thread", "out of memory"))


def _cap(limits: ReadLimits) -> None:
    """RLIMIT_AS: what the child has now plus the read's allowance; RLIMIT_CPU: SIGXCPU, then SIGKILL a second on."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())  # mimalloc reserves address space it never touches (a forked caller)
    pa.set_cpu_count(1)  # each Arrow thread would add a stack and an arena to the address space
    pa.set_io_thread_count(1)
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.max_read_cpu_seconds, limits.max_read_cpu_seconds + 1))
    ceiling = _address_space() + limits.max_read_memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")

