"""Bulk inserts through Core (one executemany per table), shared by imports and seeding.

Core on the session's own connection, not ORM objects: same transaction, none of the per-object bookkeeping.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

_CHUNK_ROWS = 50_000  # rows per executemany


def bulk_insert(session: Session, model: Any, columns: Mapping[str, Sequence[Any]],
                constants: Mapping[str, Any] | None = None) -> int:
    """Insert rows given column by column (equal lengths) into `model`'s table; returns the number of rows.

    `constants` are columns with one value for every row (converted once, not once per row).

    Straight through the driver, for speed: SQLAlchemy's per-row parameter handling costs more than SQLite's
    insert itself. SQLite: one executemany (Connection.exec_driver_sql); PostgreSQL: COPY … FROM STDIN.
    Values still go through each column type's own bind processor (e.g. dates → ISO text on SQLite), once
    per distinct value. Every column but the primary key must be given: column defaults do not apply here.
    """
    constants = dict(constants or {})
    names = [*columns, *constants]
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"need columns of one length, got lengths {lengths}")
    count = lengths.pop()
    if not count:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    table = model.__table__

    def processor(name):
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    converted = [_converted(values, processor(name)) for name, values in columns.items()]
    for name, value in constants.items():
        process = processor(name)
        converted.append(itertools.repeat(process(value) if process else value, count))
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(n) for n in names)})"
    rows = zip(*converted, strict=True)
    if dialect.name == "postgresql":
        # COPY is PostgreSQL's own bulk path: several times faster than even a pipelined executemany.
        # Same connection, so it is part of the caller's transaction like any other statement.
        converted = [list(values) for values in converted]
        spelled = [_copy_spelled(values) for values in converted]
        with conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {target} FROM STDIN") as copy:
            if all(column is not None for column in spelled):
                # The rows as COPY text, written at once: psycopg's write_row formats one row at a time.
                for start in range(0, count, _CHUNK_ROWS):
                    lines = map("\t".join, zip(*(column[start:start + _CHUNK_ROWS] for column in spelled), strict=True))
                    copy.write(("\n".join(lines) + "\n").encode("utf-8"))
            else:
                for row in zip(*converted, strict=True):
                    copy.write_row(row)
        return count
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    sql = f"INSERT INTO {target} VALUES ({', '.join([mark] * len(names))})"
    # In slices: the driver needs a list, and a list of 1.2M row tuples alone is ~200 MB; the speed is the same.
    while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
        conn.exec_driver_sql(sql, chunk)
    return count


# COPY's text format (PostgreSQL docs, "COPY … File Formats"): tab between columns, newline after a row, \\N for
# NULL, and a backslash before the backslash, newline, carriage return and tab inside a value.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_value(value: Any) -> str | None:
    """One value as COPY text, or None for a kind not spelled here (psycopg's own write_row takes those)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\x00" in value:  # PostgreSQL text cannot hold it: let the driver say so
            return None
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return None


def _copy_spelled(values: list[Any]) -> list[str] | None:
    """A column as COPY text (once per distinct value), or None when a value is of a kind not spelled here."""
    kinds = set(map(type, values))
    if bool in kinds and kinds - {bool, type(None)}:  # True == 1 in a set: a column mixing them is not cached
        return None
    try:
        cache = {v: _copy_value(v) for v in set(values)}
    except TypeError:  # unhashable (JSON objects): the driver's path
        return None
    if any(spelling is None for spelling in cache.values()):
        return None
    return list(map(cache.__getitem__, values))


def _converted(values: Sequence[Any], process) -> Sequence[Any]:
    if process is None:
        return values
    # Once per distinct value, then a C-level lookup per row (a Python loop per row cost ~0.1 s per 200,000).
    cache = {v: process(v) for v in set(values)}
    return list(map(cache.__getitem__, values))


def insert_ignoring_duplicates(session: Session, model: Any, rows: Sequence[dict[str, Any]],
                               unique_columns: list[str]) -> int:
    """Insert `rows`, skipping any whose `unique_columns` already exist; returns how many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(model.__table__).on_conflict_do_nothing(index_elements=unique_columns)
    elif dialect == "sqlite":
        stmt = sqlite.insert(model.__table__).on_conflict_do_nothing(index_elements=unique_columns)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    # rowcount of an executemany is not reliable across drivers; RETURNING lists exactly the rows inserted.
    primary_key = list(model.__table__.primary_key.columns)
    result = session.connection().execute(stmt.returning(*primary_key), list(rows))
    return len(result.all())
