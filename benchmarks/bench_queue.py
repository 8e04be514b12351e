"""The suggestions queue's first render at province scale: 5,000 agencies' service records in a database.

    python benchmarks/bench_queue.py [--agencies 5000] [--contracts 100000] [--visits 1200000] [--reports 60000]
                                     [--database-url URL] [--keep DIR]

Builds the six service-record files as benchmarks/bench_watch.py does (same generator, same sizes), imports them
through db.records.imports.import_records (the upload page's path; MAX_ROWS and MAX_UPLOAD_MB raised for the run,
as the defaults refuse 1.2 million visits) into a fresh SQLite file (or --database-url, e.g. a PostgreSQL schema),
then, in a fresh interpreter, measures the stored-run design (db.findings.watch_runs: the watch runs after each
import or filing, never while a clerk waits; the page reads the stored run):

  background run   what an import or filing starts: load every record table, the watch, placement, store (Parquet)
  stored run       the page's first render from the stored run (first session of a process, another, town staff)
  records change   20 visit rows filed; the page's first render right after it (the last run, with its "正在更新 /
                   updating" note, at once), the background refresh that render starts, and a refresh after a
                   second change with the tables already loaded in the process (only the new rows read)

Target (issue 11): the queue page's first render ≤ 2 s, including right after the records change.
A script that prints figures, never a timed test.
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
    from db.accounts.actor import Actor
    from db.accounts.users import create_user
    from db.app_db import prepare
    from db.records.imports import import_records
    from db.store.engine import make_engine

    files = build(folder, sizes.agencies, sizes.contracts, sizes.visits, sizes.reports)
    engine = make_engine(url)
    prepare(engine)
    limits = ReadLimits.from_env(LIMITS)
    for kind in KINDS:
        start = time.perf_counter()
        done = import_records(engine=engine, kind=kind, content=files[kind].read_bytes(), file_name=f"{kind}.csv",
                              by=Actor.operator("bench"), limits=limits, allow_repeats=True)
        print(f"  imported {kind:<13} {done.added:>9,} rows in {time.perf_counter() - start:6.1f} s", flush=True)
    for name, role, town in (("bench_staff", "bureau_staff", None), ("bench_town", "town_staff", "华士镇")):
        create_user(engine=engine, username=name, password="bench password 12345", role=role, town=town,
                    by=Actor.operator("bench"))
    engine.dispose()


def measure_render(url: str, folder: Path) -> None:
    """In this (fresh) interpreter: the stored-run design (db.findings.watch_runs) — the background run after an
    import, the page's first renders from the stored run, then a records change: the render right after it (the last
    run shown with its updating note) and the refreshes that follow."""
    os.environ.update({"DATABASE_URL": url, "SEED_DEMO": "0"})
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from core.limits import ReadLimits
    from dashboard.staff import queue
    from dashboard.staff.session import STAFF_PAGES
    from db.accounts.actor import Actor
    from db.app_db import prepare
    from db.findings import watch_runs
    from db.findings.suggestions import records_fingerprint
    from db.records.imports import import_records
    from db.store.engine import make_engine
    from db.store.models import WatchRun

    engine = make_engine(url)
    prepare(engine)  # migration 0011 on a database built before it

    def timed(label: str, job) -> object:
        start = time.perf_counter()
        out = job()
        print(f"{label:<66} {time.perf_counter() - start:7.2f} s", flush=True)
        return out

    def refresh(force: bool = False) -> int | None:
        return watch_runs.refresh(engine=engine, year=YEAR, as_of=AS_OF, force=force)

    run_id = timed("background run after an import, cold process (load + watch + store)", lambda: refresh(True))
    stored = watch_runs.latest_run(engine=engine, year=YEAR, as_of=AS_OF, rulebook="jiangyin-2020",
                                   fingerprint=records_fingerprint(engine))
    with engine.connect() as conn:
        size = len(conn.execute(select(WatchRun.result).where(WatchRun.id == run_id)).scalar())
    print(f"  stored run #{run_id}: {stored.rows:,} suggestions in {size / 1e6:.1f} MB (Parquet, zstd)")

    def first_render(username: str, label: str) -> AppTest:
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
        rows = len(at.dataframe[0].value) if at.dataframe else 0
        note = " · updating note" if any("正在更新" in i.value for i in at.info) else ""
        print(f"queue first render, {label:<46} {seconds:7.2f} s  ({rows:,} rows in its table{note})", flush=True)
        return at

    first_render("bench_staff", "stored run, first session of the process")
    first_render("bench_staff", "stored run, another session")
    first_render("bench_town", "stored run, town staff")

    visits = (folder / "visits.csv").read_text(encoding="utf-8-sig").splitlines()
    limits = ReadLimits.from_env(LIMITS)

    def change(n: int) -> None:  # an agency files n more visit rows (the same rows again: allowed repeats)
        content = "\n".join([visits[0], *visits[n * 7:n * 8]]).encode()
        import_records(engine=engine, kind="visits", content=content, file_name=f"change-{n}.csv",
                       by=Actor.operator("bench"), limits=limits, allow_repeats=True)

    timed("records change: 20 visit rows imported", lambda: change(20))
    first_render("bench_staff", "right after the records change")
    timed("  its background refresh, started by that render (new engine: cold)", queue.wait_all)
    timed("records change: 30 more visit rows imported", lambda: change(30))
    timed("background refresh after it, tables loaded (new rows read only)", refresh)
    first_render("bench_staff", "after the refresh")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_200_000)
    parser.add_argument("--reports", type=int, default=60_000)
    parser.add_argument("--database-url", help="an empty database to fill (default: a new SQLite file)")
    parser.add_argument("--keep", metavar="DIR", help="build into DIR and keep it (a second run reuses its queue.db)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_render(args.measure, Path(args.folder))
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
        subprocess.run([sys.executable, __file__, f"--measure={url}", f"--folder={folder}"], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
