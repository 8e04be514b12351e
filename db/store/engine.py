"""The database engine: SQLite (WAL, foreign keys on) by default, PostgreSQL via postgresql+psycopg://."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, create_engine

from db.store.settings import get_settings


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: settings); creates the SQLite file's folder on first use."""
    url = url or get_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the public site read while staff write; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session, one transaction: committed if the block ends normally, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def write_lock(session: Session) -> None:
    """On SQLite, take the database's write lock now (the transaction's first statement).

    A transaction that reads and then writes would otherwise hold only a read snapshot and fail with "database is
    locked" when another writer got there first; BEGIN IMMEDIATE makes it wait its turn (busy timeout) instead.
    PostgreSQL needs nothing here: callers lock the rows they read with SELECT … FOR UPDATE.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached (down, refused, locked out), not that a query is wrong."""
    return isinstance(exc, (OperationalError, InterfaceError))
