"""Session look-up cost per rerun: resume without a write, and with the once-a-minute activity write. Medians.

    python -m benchmarks.bench_sessions [--sessions 10000] [--rounds 300] [--database-url URL]

Without --database-url: a SQLite file in a temporary folder. With a PostgreSQL URL: a fresh schema there, dropped after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from db.accounts import security, sessions
from db.accounts.actor import Actor
from db.accounts.users import authenticate, create_user
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import User, WebSession, utcnow

BENCH = Actor.operator("bench")  # the benchmarks write as the command line does

PASSWORD = "benchmark password 1"
IDLE = dt.timedelta(minutes=30)


def median_ms(fn, rounds: int) -> float:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(url: str, others: int, rounds: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # sign-in is not what is timed
    create_user(engine=engine, username="bench", password=PASSWORD, role="bureau_staff", by=BENCH)
    token = authenticate(engine=engine, username="bench", password=PASSWORD, session_idle=IDLE).token
    with Session(engine) as s:
        user_id = s.exec(select(User.id).where(User.username == "bench")).one()
        now = utcnow()
        s.execute(insert(WebSession), [{"token_hash": sessions.token_hash(f"other-{i}"), "user_id": user_id,
                                     "created_at": now, "last_active_at": now, "expires_at": now + IDLE,
                                     "end_reason": "", "client_note": ""} for i in range(others)])
        s.commit()
    start = utcnow()
    read = median_ms(lambda i: sessions.resume(engine=engine, token=token, idle=IDLE, now=start), rounds)
    write = median_ms(lambda i: sessions.resume(engine=engine, token=token, idle=IDLE,
                                                now=start + dt.timedelta(minutes=i + 1)), rounds)
    print(f"{engine.dialect.name}, {others + 1:,} sessions: resume {read:.2f} ms; with the activity write {write:.2f} ms")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not args.database_url:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'bench.db'}", args.sessions, args.rounds)
        return
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        run(url.render_as_string(hide_password=False), args.sessions, args.rounds)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
