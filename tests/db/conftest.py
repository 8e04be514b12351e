"""Fixtures shared by every DB test: an `engine` on SQLite and on PostgreSQL, migrated by Alembic (not create_all)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from db.store.engine import make_engine
from db.store.migrate import upgrade

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _postgres_base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test);"
                    " .ci/run sets it")
    return url


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[Engine]:
    """One connection-less engine to create and drop the per-test schemas."""
    admin = create_engine(_postgres_base_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


def postgres_schema_url(admin: Engine, schema: str) -> str:
    """TEST_DATABASE_URL pointed at `schema` (created here) through search_path, as a plain URL string.

    A URL rather than connect_args, so a subprocess given DATABASE_URL sees the same schema.
    """
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(str(admin.url.render_as_string(hide_password=False)))
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def drop_postgres_schema(admin: Engine, schema: str) -> None:
    """Drop a per-test schema with everything in it (DROP fires no row triggers)."""
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """The URL of an empty database of each kind: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = request.getfixturevalue("_postgres_admin")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = postgres_schema_url(admin, schema)
    try:
        yield url
    finally:
        drop_postgres_schema(admin, schema)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on an empty database brought to the head revision by db.store.migrate.upgrade (so migrations are tested)."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def url_of(engine: Engine) -> str:
    """The engine's URL with its password, for DATABASE_URL of a subprocess."""
    return engine.url.render_as_string(hide_password=False)


def naive_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as naive UTC: PostgreSQL returns it aware (in the session's zone), SQLite keeps no zone."""
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
