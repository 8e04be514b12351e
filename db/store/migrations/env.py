"""Alembic environment: the target is SQLModel.metadata from db.store.models; the connection comes from db.store.migrate."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import db.store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.store.engine import make_engine
from db.store.links import include_object_for

config = context.config
target_metadata = SQLModel.metadata

# Any constant works; it only has to be the same in every process that migrates this database.
PG_MIGRATION_LOCK = 7_305_412_019


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can only ALTER by copying a table
        compare_type=True,
        compare_server_default=True,
        include_object=include_object_for(connection.dialect.name),  # PostgreSQL checks some links per statement
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two app processes starting at once: the second waits here, then finds the head already applied.
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    from db.store.settings import get_settings

    context.configure(
        url=get_settings().database_url, target_metadata=target_metadata, literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from db.store.migrate.upgrade(): the caller owns connection and logging
        _configure_and_run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    engine = make_engine()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # transactional DDL, as in db.store.migrate.upgrade
        _configure_and_run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
