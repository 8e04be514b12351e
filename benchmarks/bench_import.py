"""Import of 100,000 findings into SQLite and PostgreSQL, each against a bare executemany of the same rows.

    python benchmarks/bench_import.py [--rows 100000] [--agencies 1000] [--repeat 3]
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test  (PostgreSQL part; skipped if unset)

For each database, two fresh, migrated databases (a new SQLite file / a new PostgreSQL schema):
  bare    the same finding rows (same values, agency ids already known) through the same DBAPI driver with
          cursor.executemany into the same table, then commit: the floor any import has to pay.
  import  db.uploads.imports.import_findings on the CSV bytes (findings by executemany on SQLite, COPY on PostgreSQL): read + validate (core.reader), upload row, agencies,
          findings, audit, commit — everything `python -m db import` does after reading the file.
Each is run --repeat times, alternating, and the best of each is compared (the machine is shared and noisy).
Targets (issue 3): SQLite ≤ 5 s, PostgreSQL ≤ 10 s, each import ≤ 2× its bare insert.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from core.reader import read_findings  # noqa: E402
from db.accounts.actor import Actor  # noqa: E402
from db.store.engine import make_engine  # noqa: E402
from db.store.migrate import upgrade  # noqa: E402
from db.store.models import Agency, utcnow  # noqa: E402
from db.uploads.imports import import_findings  # noqa: E402
from tests.builders import findings_csv  # noqa: E402

BENCH = Actor.operator("bench")  # the benchmarks write as the command line does

TARGETS = {"sqlite": 5.0, "postgresql": 10.0}
COLUMNS = ("agency_id", "year", "clause", "assessor", "period", "date", "practitioner", "description",
           "document_no", "upload_id", "source_row", "recorded_by", "recorded_at")


def bare_insert(engine, frame, method: str = "executemany") -> float:
    """Seconds for executemany (or COPY) of the frame's findings into `finding` through the raw driver + commit."""
    dbapi = engine.raw_connection()
    try:
        cur = dbapi.cursor()
        sqlite = engine.dialect.name == "sqlite"
        names = frame[["credit_code", "agency_name"]].drop_duplicates("credit_code")
        mark = "?" if sqlite else "%s"
        cur.executemany(f"INSERT INTO agency (credit_code, name, created_at) VALUES ({mark}, {mark}, {mark})",
                        [(c, n, str(utcnow()) if sqlite else utcnow()) for c, n in names.itertuples(index=False)])
        dbapi.commit()
        with engine.connect() as conn:
            ids = dict(conn.execute(select(Agency.credit_code, Agency.id)).all())
        now = utcnow()
        # The values the import writes, in the driver's own types (SQLite stores dates as ISO text).
        dates = [d.isoformat() if sqlite else d for d in frame["date"].dt.date]
        stamp = now.isoformat(" ") if sqlite else now
        rows = [
            (ids[c], y, cl, a, p, d, pr, de, dn, None, r, "bench", stamp)
            for c, y, cl, a, p, d, pr, de, dn, r in zip(
                frame["credit_code"], frame["year"].tolist(), frame["clause"], frame["assessor"], frame["period"],
                dates, frame["practitioner"], frame["description"], frame["document_no"], frame["row"].tolist(),
                strict=True)
        ]
        sql = f"INSERT INTO finding ({', '.join(COLUMNS)}) VALUES ({', '.join([mark] * len(COLUMNS))})"
        start = time.perf_counter()
        if method == "copy":
            with cur.copy(f"COPY finding ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(sql, rows)
        dbapi.commit()
        return time.perf_counter() - start
    finally:
        dbapi.close()


def timed_import(engine, content: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    result = import_findings(engine=engine, content=content, file_name="bench.csv", by=BENCH)
    return time.perf_counter() - start, result.added


def run(kind: str, fresh_url, content: bytes, frame, repeat: int) -> None:
    bares, imports, copies = [], [], []
    for _ in range(repeat):  # alternated, each on a fresh database; the best of each is reported
        with fresh_url() as url:
            engine = make_engine(url)
            upgrade(engine)
            bares.append(bare_insert(engine, frame))
            engine.dispose()
        if kind == "postgresql":  # for information: the import uses COPY, so show COPY's own floor too
            with fresh_url() as url:
                engine = make_engine(url)
                upgrade(engine)
                copies.append(bare_insert(engine, frame, "copy"))
                engine.dispose()
        with fresh_url() as url:
            engine = make_engine(url)
            upgrade(engine)
            seconds, added = timed_import(engine, content)
            imports.append(seconds)
            engine.dispose()
        assert added == len(frame), (added, len(frame))
    bare, seconds = min(bares), min(imports)
    ratio = seconds / bare
    ok = seconds <= TARGETS[kind] and ratio <= 2.0
    print(f"{kind:<10}  import {seconds:6.2f} s (target ≤ {TARGETS[kind]:.0f} s)   bare executemany {bare:6.2f} s   "
          f"ratio {ratio:4.2f}× (target ≤ 2×)   {'OK' if ok else 'MISSED'}")
    print(f"{'':<10}  all runs: import {', '.join(f'{t:.2f}' for t in imports)} s; "
          f"bare {', '.join(f'{t:.2f}' for t in bares)} s")
    if copies:
        print(f"{'':<10}  bare COPY (information; the import writes findings with COPY) "
              f"{min(copies):.2f} s → import is {seconds / min(copies):.2f}× a bare COPY")


class _SqliteFile:
    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self):
        return self

    def __enter__(self):
        return f"sqlite:///{self.folder / f'{uuid.uuid4().hex}.db'}"

    def __exit__(self, *exc):
        return False


class _PostgresSchema:
    def __init__(self, base: str):
        self.admin = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def __call__(self):
        return self

    def __enter__(self):
        self.schema = f"bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        url = make_url(self.admin.url.render_as_string(hide_password=False))
        return url.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(
            hide_password=False)

    def __exit__(self, *exc):
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is compared (noisy machine)")
    args = parser.parse_args()
    content = findings_csv(args.rows, agencies=args.agencies)
    start = time.perf_counter()
    frame = read_findings(content, name="bench.csv")
    print(f"{args.rows:,} findings, {args.agencies:,} agencies, {len(content) / 1e6:.1f} MB CSV; "
          f"core.reader alone {time.perf_counter() - start:.2f} s (part of every import below)")
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", _SqliteFile(Path(folder)), content, frame, args.repeat)
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        run("postgresql", _PostgresSchema(base), content, frame, args.repeat)
    else:
        print("postgresql  skipped: set TEST_DATABASE_URL")


if __name__ == "__main__":
    main()
