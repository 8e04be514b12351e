"""The one guard around every `python -m db` subcommand: any refusal, file or database trouble ends bilingual, exit 2."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from core.cli_common import (
    CommandError,
    file_refusal,
    refuse_or_fault,
    stdout_closed_early,
)
from core.errors import Problem

Run = Callable[[argparse.Namespace], int]


def guarded(run: Run) -> Run:
    """`run`, with every way it can fail turned into a message on stderr and an exit code, never a traceback."""

    def wrapper(args: argparse.Namespace) -> int:
        from db.store.settings import get_settings  # here: `python -m db --help` stays light

        try:
            get_settings()  # a bad SEED_DEMO or MAX_… is refused by name before the command starts
            return run(args)
        except BrokenPipeError:  # `python -m db export … - | head`: the reader left, not an error
            return stdout_closed_early()
        except Exception as exc:  # noqa: BLE001 — a refusal (exit 2) or a fault of ours in one readable line (exit 1)
            return refuse_or_fault(exc, database_refusal_of)

    wrapper.__doc__ = run.__doc__
    return wrapper


def database_refusal_of(exc: Exception) -> list[Problem]:
    """The problems of a database that cannot be reached, refuses, or is at a revision we do not know; else []."""
    from alembic.util.exc import CommandError as AlembicError  # here: `python -m db --help` stays light
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return [database_problem(exc)]
    if isinstance(exc, AlembicError):  # a revision this program does not know: the database is from a newer one
        return [Problem(None, None, "数据库结构版本未知（可能由更新版本的程序创建），请使用相应版本的程序",
                        "the database structure is at a revision this program does not know (made by a newer "
                        "version?)", f"{database_shown()}: {exc}")]
    return []


def ready_engine() -> Engine:
    """The engine of DATABASE_URL (default: the SQLite file in data/), at the head revision, towns in place.

    Never seeds demo data: that is the app's first start, or `seed-demo`. A URL we cannot use is a refusal.
    """
    from sqlalchemy.exc import ArgumentError

    from db.app_db import prepare
    from db.store.engine import make_engine

    try:
        engine = make_engine()
    except (ArgumentError, ImportError):  # not a URL, or a driver that is not installed (mysql://)
        raise CommandError([Problem(
            None, None, "DATABASE_URL 不是可用的数据库地址（应为 sqlite:///文件 或 postgresql+psycopg://…）",
            "DATABASE_URL is not a database URL we can use (sqlite:///FILE or postgresql+psycopg://…)")]) from None
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise CommandError([database_problem(exc)]) from None
    prepare(engine)
    return engine


def database_problem(exc: Exception) -> Problem:
    """The database could not be reached, or refused: named by host (or SQLite file), never by password."""
    from db.store.engine import is_unavailable

    if isinstance(exc, OSError) or is_unavailable(exc):
        zh, en = "数据库无法连接", "the database cannot be reached"
    else:
        zh, en = "数据库拒绝了该操作", "the database refused the operation"
    cause = getattr(exc, "orig", None) or exc  # the driver's own words, without SQLAlchemy's statement dump
    detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return Problem(None, None, zh, en, f"{database_shown()}: {_without_password(detail)}")


def database_shown() -> str:
    """DATABASE_URL as safe to print: the host, port and database, or the SQLite file; never the password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db.store.settings import get_settings

    try:
        url = make_url(get_settings().database_url)
    except ArgumentError:
        return "DATABASE_URL"
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _without_password(text: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db.store.settings import get_settings

    try:
        password = make_url(get_settings().database_url).password
    except ArgumentError:
        return text
    return text.replace(password, "***") if password else text


def read_file(path: str, *, limit: int | None = None, too_big: tuple[str, str] | None = None) -> bytes:
    """The bytes of `path`, or a refusal naming it: cannot be read, or longer than `limit` (then `too_big` says why)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a device or a pipe may never end (/dev/zero) or never start
            raise CommandError([Problem(None, None, "无法读取文件：不是普通文件", "cannot read the file: not a regular file",
                                        os.fsdecode(path))])
        with open(path, "rb") as file:
            content = file.read() if limit is None else file.read(limit + 1)
    except OSError as exc:
        raise CommandError([file_refusal(exc, "read", path)]) from None
    if limit is not None and len(content) > limit:
        zh, en = too_big or ("文件过大", "the file is too big")
        raise CommandError([Problem(None, None, zh, en, os.fsdecode(path))])
    return content


def write_file(path: str, content: bytes) -> None:
    """Write `content` to `path`, or a refusal naming it (missing folder, a folder, a read-only place)."""
    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise CommandError([file_refusal(exc, "write", path)]) from None

