"""The suggestions queue's first render at province scale: 5,000 agencies' service records in a database.

    python benchmarks/bench_queue.py [--agencies 5000] [--contracts 100000] [--visits 1200000] [--reports 60000]
                                     [--database-url URL] [--keep DIR]

Builds the six service-record files as benchmarks/bench_watch.py does (same generator, same sizes), imports them
through db.uploads.records.import_records (the upload page's path; MAX_ROWS and MAX_UPLOAD_MB raised for the run,
as the defaults refuse 1.2 million visits) into a fresh SQLite file (or --database-url, e.g. a PostgreSQL schema),
then, in a fresh interpreter, opens the queue page with Streamlit's AppTest as a bureau clerk and as town staff:

  cold   the first render after the records changed: fingerprint, the watch over every stored record (loaded from the
         database), placement, the decided keys, the table — what the first clerk of the day waits for.
  warm   the first render of another browser session with the records unchanged: the fingerprint hits the cache.

The pieces of the cold render are timed too (records_fingerprint, stored_records, core.watch, placement). Target
(issue 11): the queue page's first render ≤ 2 s. A script that prints figures, never a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

YEAR, AS_OF = 2025, dt.date(2026, 3, 1)
LIMITS = {"MAX_ROWS": "5000000", "MAX_UPLOAD_MB": "1000"}
KINDS = ("registry", "practitioners", "changes", "contracts", "visits", "reports")


def build_database(url: str, folder: Path, sizes: argparse.Namespace) -> None:
    """Files by bench_watch.build, imported kind by kind; two staff accounts."""
    from benchmarks.bench_watch import build
    from core.limits import ReadLimits
    from db.accounts.users import create_user
    from db.app_db import prepare
    from db.store.engine import make_engine
    from db.uploads.records import import_records

    files = build(folder, sizes.agencies, sizes.contracts, sizes.visits, sizes.reports)
    engine = make_engine(url)
    prepare(engine)
    limits = ReadLimits.from_env(LIMITS)
    for kind in KINDS:
        start = time.perf_counter()
        done = import_records(engine=engine, kind=kind, content=files[kind].read_bytes(), file_name=f"{kind}.csv",
                              by="bench", limits=limits, allow_repeats=True)
        print(f"  imported {kind:<13} {done.added:>9,} rows in {time.perf_counter() - start:6.1f} s", flush=True)
    for name, role, town in (("bench_staff", "bureau_staff", None), ("bench_town", "town_staff", "华士镇")):
        create_user(engine=engine, username=name, password="bench password 12345", role=role, town=town, by="bench")
    engine.dispose()


def measure_render(url: str) -> None:
    """In this (fresh) interpreter: the pieces of a cold run, then the page's cold and warm first renders."""
    os.environ.update({"DATABASE_URL": url, "SEED_DEMO": "0"})
    from streamlit.testing.v1 import AppTest

    from core.rulebook import load_rulebook
    from core.watch import watch
    from dashboard.staff.session import STAFF_PAGES
    from db.findings.suggestions import records_fingerprint, stored_records, with_placement
    from db.store.engine import make_engine

    engine = make_engine(url)
    rulebook = load_rulebook()
    t0 = time.perf_counter()
    records_fingerprint(engine)
    t1 = time.perf_counter()
    with engine.connect() as conn:
        records = stored_records(conn)
    t2 = time.perf_counter()
    found = watch(records, year=YEAR, as_of=AS_OF, rulebook=rulebook)
    t3 = time.perf_counter()
    with_placement(found, year=YEAR, rulebook=rulebook)
    t4 = time.perf_counter()
    del records
    print(f"pieces: fingerprint {t1 - t0:.3f} s · load records {t2 - t1:.2f} s · watch {t3 - t2:.2f} s · "
          f"placement {t4 - t3:.3f} s → {len(found):,} suggestions")
    engine.dispose()

    def first_render(username: str) -> tuple[float, AppTest]:
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=600).run()
        at.switch_page(STAFF_PAGES["home"][0]).run()
        at.text_input(key="sign_in_username").input(username)
        at.text_input(key="sign_in_password").input("bench password 12345")
        at.get("form_submit_button")[0].click().run()
        at.session_state["sq_year"] = YEAR  # the year of the records, as the clerk would choose it
        at.session_state["sq_as_of"] = AS_OF
        start = time.perf_counter()
        at.switch_page(STAFF_PAGES["suggestions"][0]).run()
        seconds = time.perf_counter() - start
        if at.exception:
            raise SystemExit("\n".join(at.exception[0].stack_trace))
        return seconds, at

    for label, who in (("cold (records just changed)", "bench_staff"), ("warm (another session)", "bench_staff"),
                       ("warm, town staff", "bench_town")):
        seconds, at = first_render(who)
        rows = len(at.dataframe[0].value) if at.dataframe else 0
        print(f"queue first render, {label:<28} {seconds:6.2f} s  ({rows:,} open suggestions in its table)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_200_000)
    parser.add_argument("--reports", type=int, default=60_000)
    parser.add_argument("--database-url", help="an empty database to fill (default: a new SQLite file)")
    parser.add_argument("--keep", metavar="DIR", help="build into DIR and keep it (a second run reuses its queue.db)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_render(args.measure)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url = args.database_url or f"sqlite:///{folder / 'queue.db'}"
        if args.database_url or not (folder / "queue.db").exists():
            start = time.perf_counter()
            print(f"building {args.agencies:,} agencies, {args.contracts:,} contracts, {args.visits:,} visits, "
                  f"{args.reports:,} reports into {url.split('@')[-1]}", flush=True)
            build_database(url, folder, args)
            print(f"built in {time.perf_counter() - start:.0f} s", flush=True)
        # Measured in a fresh interpreter: nothing cached, nothing imported yet but what the page needs.
        subprocess.run([sys.executable, __file__, f"--measure={url}"], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
