"""Benchmark: the static edition of a generated database of 10,000 agencies × 3 published years (SQLite).

    python benchmarks/bench_edition.py [--agencies 10000]

Prints the time to build every file and page (db.edition.build.edition_files) and to write them (atomically, a
second write keeping every unchanged file), the number of files and bytes, and the largest page: a ratings page
holds PAGE_SIZE agencies, so a phone loads one page of a year, never the whole year. The database is the one
bench_public.py builds (published rows inserted in bulk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_public import build_database  # noqa: E402

from db.edition.build import PAGE_SIZE, edition_files, write_edition  # noqa: E402
from db.store.engine import make_engine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        build_database(url, args.agencies)
        engine = make_engine(url)
        start = time.perf_counter()
        files = edition_files(engine, dt.date(2026, 3, 1))
        built = time.perf_counter() - start
        start = time.perf_counter()
        write_edition(files, Path(folder) / "edition")
        first = time.perf_counter() - start
        start = time.perf_counter()
        report = write_edition(files, Path(folder) / "edition")
        again = time.perf_counter() - start
        pages = {p: b for p, b in files.items() if p.endswith(".html")}
        largest = max(pages, key=lambda p: len(pages[p]))
        ratings = [p for p in pages if "/ratings-" in p]
        print(f"agencies {args.agencies} x 3 years; ratings pages of {PAGE_SIZE}")
        print(f"build {built:.1f} s; write {first:.1f} s; write again {again:.1f} s ({len(report.written)} written)")
        print(f"files {len(files)}, pages {len(pages)}, bytes {sum(map(len, files.values())) / 1e6:.1f} MB")
        print(f"largest page {largest}: {len(pages[largest]) / 1e3:.0f} kB, gzip {len(gzip.compress(pages[largest])) / 1e3:.0f} kB")
        print(f"ratings pages: {len(ratings)}, largest {max(len(pages[p]) for p in ratings) / 1e3:.0f} kB")
        engine.dispose()


if __name__ == "__main__":
    main()
