"""Benchmark: visits delivered against contracted per contract (core.service_facts.contract_facts, the watch's
too_few_visits count) beside the whole service-facts count it is part of, on records built in memory.

    python benchmarks/bench_contract_visits.py [--agencies 10000]

Each agency has 5 contracts of 12 visits a year and 8 visits filed on each (400,000 visit rows for 10,000 agencies);
prints the median of 5 of each and the load average. The facts are counted once per record upload
(dashboard.data caches them), so this is the cost of a cold count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.rulebook import load_rulebook  # noqa: E402
from core.service_facts import contract_facts, service_facts  # noqa: E402
from core.service_records import ServiceRecords, empty_records  # noqa: E402

CONTRACTS, VISITS = 5, 8


def records(agencies: int) -> ServiceRecords:
    rng = np.random.default_rng(1)
    n = agencies * CONTRACTS
    agency = np.repeat(np.array([f"91320281MA{i:08d}" for i in range(agencies)]), CONTRACTS)
    client = np.array([f"C{i:09d}" for i in range(n)])
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 200, n), "D")
    contracts = pd.DataFrame({
        "credit_code": agency, "client_code": client, "client_name": "企业", "town": "璜土镇",
        "contract_no": [f"HT-{i}" for i in range(n)], "signed_on": start - pd.Timedelta(days=10), "start": start,
        "end": start + pd.Timedelta(days=364), "visits_per_year": 12, "row": np.arange(n) + 2})
    of = np.repeat(np.arange(n), VISITS)
    day = pd.to_datetime(start.values[of] + pd.to_timedelta(rng.integers(0, 330, len(of)), "D").values)
    visits = pd.DataFrame({
        "credit_code": agency[of], "month": day.to_period("M").start_time, "submitted_on": day + pd.Timedelta(days=3),
        "client_code": client[of], "client_name": "企业", "town": "璜土镇", "contract_no": "", "visit_date": day,
        "practitioner": "人员", "hazards": 0, "written_advice": False, "row": np.arange(len(of)) + 2})
    tables = {kind: empty_records(kind) for kind in ("registry", "practitioners", "changes", "reports")}
    for kind, frame in (("contracts", contracts), ("visits", visits)):
        empty = empty_records(kind)
        tables[kind] = frame[[c for c in empty.columns if c in frame.columns]]
    return ServiceRecords(tables)


def median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    args = parser.parse_args()
    rs = records(args.agencies)
    rules, as_of = load_rulebook().watch, dt.date(2025, 12, 31)
    print(f"{len(rs['contracts']):,} contracts, {len(rs['visits']):,} visits")
    print(f"contract_facts (median of 5)               {median_ms(lambda: contract_facts(rs, year=2025, as_of=as_of)):7.0f} ms")
    whole = median_ms(lambda: service_facts(rs, year=2025, as_of=as_of, rules=rules))
    print(f"service_facts, which includes it (median of 5) {whole:7.0f} ms")
    print("load average:", ", ".join(f"{x:.1f}" for x in os.getloadavg()), f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
