"""What both command lines (`python -m core`, `python -m db`) share: exit codes, one way to refuse, argument types."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import NoReturn

from core.errors import CreditBoardError, Problem, RulebookError, format_problems
from core.setting import Switch

# Exit codes of both CLIs: 0 done; 1 a check said no (db verify) or a fault of ours; 2 bad input, refused or
# unreachable (every problem on stderr, nothing on stdout).
EXIT_OK, EXIT_FAULT, EXIT_BAD_INPUT = 0, 1, 2
NAME_MAX = 64  # the audited "by" columns hold 64 characters
VERSION_MAX = 2**31 - 1  # a PostgreSQL integer: a larger number is a typo, not a version
# Read when a fault happens, not once: a developer sets it to see the traceback of the fault at hand.
DEBUG = Switch("CORE_DEBUG", "a fault of ours shows its traceback instead of one line (both command lines)")


class CommandError(CreditBoardError):
    """Bad input found by a command itself (a missing file, an unknown year, a database that is down): its problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems=problems)


def utf8_streams() -> None:
    """stdout/stderr in UTF-8 whatever the locale; a path that is not UTF-8 prints escaped rather than crashing."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def refuse(problems: list[Problem]) -> int:
    """Print every problem on stderr, English then Chinese (core.errors wording); return exit code 2."""
    print(format_problems(problems), file=sys.stderr)
    return EXIT_BAD_INPUT


def refuse_one(message_zh: str, message_en: str, value: str | None = None) -> int:
    """One problem of the whole command (no row or column): printed like every other, exit 2."""
    return refuse([Problem(None, None, message_zh, message_en, value)])


FILE_ACTIONS = {
    "read": ("无法读取文件", "cannot read the file"),
    "write": ("无法写入文件", "cannot write the file"),
    "use": ("无法读写文件", "cannot read or write the file"),
}


def file_refusal(exc: OSError, action: str = "use", path: str | os.PathLike | None = None) -> Problem:
    """A file the system would not let us read or write (`action`), named (`path`, else the system's) with why."""
    zh, en = FILE_ACTIONS[action]
    reason = exc.strerror or type(exc).__name__
    named = path if path is not None else exc.filename
    where = f"{os.fsdecode(named)}: " if named is not None else ""
    return Problem(None, None, zh, en, f"{where}{reason}")


def rulebook_problems(exc: RulebookError, column: str) -> list[Problem]:
    """A refused rulebook's problems, each named by the option (`column`) that chose the rulebook."""
    return [replace(p, column=column) for p in exc.problems]


def refusal_of(exc: Exception) -> list[Problem]:
    """The problems `exc` stands for when people can act on it (bad input, a file, a rule); [] for a fault of ours."""
    if isinstance(exc, CreditBoardError):  # every refusal of core and db, bilingual
        return exc.problems
    if isinstance(exc, OSError):
        return [file_refusal(exc)]
    return []


def refuse_or_fault(exc: Exception, more: Callable[[Exception], list[Problem]] | None = None) -> int:
    """Exit 2 with the problems of a refusal (refusal_of, then `more`), else report a fault of ours (exit 1)."""
    problems = refusal_of(exc) or (more(exc) if more else [])
    return refuse(problems) if problems else internal_error(exc)


def internal_error(exc: BaseException) -> int:
    """A fault of ours still ends in one readable line (exit 1); CORE_DEBUG=1 shows the traceback instead."""
    if DEBUG.read():
        raise exc
    print(f"internal error: {type(exc).__name__} (set {DEBUG.name}=1 for details) / 内部错误：{type(exc).__name__}"
          f"（设置 {DEBUG.name}=1 查看详情）", file=sys.stderr)
    return EXIT_FAULT


def stdout_closed_early() -> int:
    """`… | head` closed the pipe: not an error; silence the rest so Python's exit flush does not complain."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


# --- argument types: argparse prints the message after `error: argument --x:` and exits 2 ----------------------


def _invalid(message_zh: str, message_en: str, value: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(Problem(None, None, message_zh, message_en, value).format())


def _whole_number(text: str, low: int, high: int, message_zh: str, message_en: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        raise _invalid(message_zh, message_en, text) from None
    if not low <= number <= high:
        raise _invalid(message_zh, message_en, text)
    return number


def date_argument(text: str):
    """A date option (`--as-of`, `--ends`): any form the files take (2025-03-01, 2025/3/1, 2025年3月1日)."""
    from core.values import parse_date  # here, not at the top, as in year_argument

    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(Problem(None, None, "无法识别的日期（应为YYYY-MM-DD）",
                                                 "unreadable date (expected YYYY-MM-DD)", text).format())
    return day


def year_argument(text: str) -> int:
    """`--year`: a whole number in the years a file may hold (core.reader's YEAR_MIN..YEAR_MAX)."""
    from core.reader import YEAR_MAX, YEAR_MIN  # here, not at the top: the reader loads pandas, `--help` should not

    return _whole_number(text, YEAR_MIN, YEAR_MAX, f"年度应为{YEAR_MIN}—{YEAR_MAX}之间的整数",
                         f"the year must be a whole number {YEAR_MIN}–{YEAR_MAX}")


def version_argument(text: str) -> int:
    """`--version`: a published version number, 1 or more."""
    return _whole_number(text, 1, VERSION_MAX, "版本号应为从1开始的整数", "the version must be a whole number from 1")


def notice_id_argument(text: str) -> int:
    """A notice's number, as `notice list` shows it: 1 or more (a PostgreSQL integer, like a version)."""
    return _whole_number(text, 1, VERSION_MAX, "公示编号应为从1开始的整数", "the notice number must be a whole number from 1")


def name_argument(text: str) -> str:
    """`--by`: who did it, as recorded in the audit log: not blank, at most NAME_MAX characters, no control characters."""
    name = text.strip()
    if not name:
        raise _invalid("须填写操作人姓名（不能为空白）", "a name is required (not blank)", repr(text))
    if len(name) > NAME_MAX:
        raise _invalid(f"操作人姓名不超过{NAME_MAX}个字符", f"the name may have at most {NAME_MAX} characters",
                       f"{len(name)}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        raise _invalid("操作人姓名不能含控制字符", "the name may not hold control characters", repr(name))
    return name


def exit_now(code: int) -> NoReturn:
    """End a command with `code` once its output is flushed, skipping the interpreter's teardown.

    Arrow's CSV reader leaves native worker threads behind; under load, tearing them down at interpreter exit
    sometimes aborts the process (SIGABRT, "terminate called without an active exception"; apache/arrow#34314)
    after the command has already done its work. Output is flushed here and every database write has committed
    before a command returns, so the teardown has nothing left to save.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): what could be written was
            stream.flush()
    os._exit(code)
