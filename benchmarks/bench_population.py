"""Benchmark: a year's population (db/publishing/population.py) over a large store of service records.

    python benchmarks/bench_population.py [--agencies 5000] [--contracts 100000] [--visits 1200000] [--database-url URL]

Inserts the records in bulk (db.store.inserts) into a fresh SQLite file (or the given database), then prints the
median of 5 runs of population() and of has_population(); rate_year adds the first to every draft.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from db.publishing.population import has_population, population  # noqa: E402
from db.store.engine import make_engine  # noqa: E402
from db.store.inserts import bulk_insert  # noqa: E402
from db.store.migrate import upgrade  # noqa: E402
from db.store.models import ContractRecord, RegistryRecord, Upload, VisitRecord  # noqa: E402

YEAR = 2025


def code(n: int) -> str:
    return f"91320281{n:09d}X"


def fill(engine, agencies: int, contracts: int, visits: int) -> None:
    rng = random.Random(19)
    with Session(engine) as session:
        upload = Upload(file_name="bench", sha256="0" * 64, kind="visits", uploaded_by="bench")
        session.add(upload)
        session.flush()
        constants = {"upload_id": upload.id}
        filed = [dt.date(2021 + n % 6, 1 + n % 12, 1) for n in range(agencies)]
        bulk_insert(session, RegistryRecord, {
            "row": list(range(agencies)), "credit_code": [code(n) for n in range(agencies)],
            "agency_name": [f"机构{n}" for n in range(agencies)], "address": [""] * agencies,
            "office_address": ["澄江街道"] * agencies, "legal_rep": [""] * agencies, "phone": [""] * agencies,
            "filed_on": filed, "commitment_on": [None] * agencies}, constants)
        starts = [dt.date(2022 + rng.randrange(4), 1 + rng.randrange(12), 1) for _ in range(contracts)]
        bulk_insert(session, ContractRecord, {
            "row": list(range(contracts)), "credit_code": [code(rng.randrange(agencies)) for _ in range(contracts)],
            "client_code": ["913202810000000000"] * contracts, "client_name": ["企业"] * contracts,
            "town": ["澄江街道"] * contracts, "contract_no": [f"HT{n}" for n in range(contracts)],
            "signed_on": starts, "start": starts, "end": [s + dt.timedelta(days=364) for s in starts],
            "visits_per_year": [6] * contracts}, constants)
        days = [dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365)) for _ in range(visits)]
        bulk_insert(session, VisitRecord, {
            "row": list(range(visits)), "credit_code": [code(rng.randrange(agencies)) for _ in range(visits)],
            "month": [d.replace(day=1) for d in days], "submitted_on": days,
            "client_code": ["913202810000000000"] * visits, "client_name": ["企业"] * visits,
            "town": ["澄江街道"] * visits, "contract_no": [""] * visits, "visit_date": days,
            "practitioner": ["张三"] * visits, "hazards": [0] * visits, "written_advice": [True] * visits}, constants)
        session.commit()


def timed(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=5000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        start = time.perf_counter()
        fill(engine, args.agencies, args.contracts, args.visits)
        print(f"{engine.dialect.name}: {args.agencies:,} filings, {args.contracts:,} contracts, {args.visits:,} visits "
              f"inserted in {time.perf_counter() - start:.1f} s")
        with engine.connect() as connection:
            size = len(population(connection, YEAR))
            print(f"population({YEAR}): {size:,} agencies, median of 5 {timed(lambda: population(connection, YEAR)):.3f} s")
            print(f"has_population({YEAR}): median of 5 {timed(lambda: has_population(connection, YEAR)) * 1000:.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
