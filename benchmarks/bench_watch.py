"""`python -m core watch` at province scale against a bare `pandas.read_csv` of the visits file: time and peak memory.

    python benchmarks/bench_watch.py [--agencies 5000] [--contracts 100000] [--visits 1200000] [--reports 60000]

Builds the six service-record files (valid codes and ID numbers, a few late reports, changes and shared
practitioners) in a temporary folder, then runs each measured step in its own interpreter (peak RSS from os.wait4).
The reader's default limits would refuse 1.2 million visits (MAX_ROWS 200,000, MAX_UPLOAD_MB 20): this script sets
MAX_ROWS=5000000 and MAX_UPLOAD_MB=1000 for the watch run, and says so. Targets (issue 10): ≤ 3× the bare read, ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from stdnum.cn import ric

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.builders import credit_code  # noqa: E402

TOWNS = ["澄江街道", "华士镇", "周庄镇", "新桥镇", "璜土镇", "月城镇", "青阳镇", "徐霞客镇"]
LIMITS = {"MAX_ROWS": "5000000", "MAX_UPLOAD_MB": "1000"}


def codes(start: int, n: int) -> np.ndarray:
    return np.array([credit_code(i) for i in range(start, start + n)], dtype=object)


def id_numbers(n: int) -> np.ndarray:
    bases = [f"32028119{70 + i % 30:02d}0101{i % 1000:03d}" for i in range(n)]
    return np.array([b + ric.calc_check_digit(b + "0") for b in bases], dtype=object)


def days(rng: np.random.Generator, n: int, low: str, high: str) -> np.ndarray:
    first, last = np.datetime64(low), np.datetime64(high)
    return first + rng.integers(0, int((last - first).astype(int)) + 1, n).astype("timedelta64[D]")


def build(folder: Path, n_agencies: int, n_contracts: int, n_visits: int, n_reports: int) -> dict[str, Path]:
    rng = np.random.default_rng(10)
    agencies = codes(1, n_agencies)
    clients = codes(10_000_000, n_contracts)
    files = {}

    def write(kind: str, frame: pd.DataFrame) -> None:
        files[kind] = folder / f"{kind}.csv"
        frame.to_csv(files[kind], index=False)

    write("registry", pd.DataFrame({"credit_code": agencies, "agency_name": [f"服务机构{i}" for i in range(n_agencies)],
                                    "office_address": "江阴市", "filed_on": "2024-12-01",
                                    "commitment_on": np.where(rng.random(n_agencies) < 0.02, "", "2024-12-01")}))
    owner = rng.integers(0, n_agencies, n_contracts)
    town = np.array(TOWNS, dtype=object)[rng.integers(0, len(TOWNS), n_contracts)]
    write("contracts", pd.DataFrame({"credit_code": agencies[owner], "client_code": clients, "client_name": "委托企业",
                                     "town": town, "contract_no": [f"HT{i}" for i in range(n_contracts)],
                                     "signed_on": "2025-01-01", "start": "2025-01-01", "end": "2025-12-31",
                                     "visits_per_year": 12}))
    which = rng.integers(0, n_contracts, n_visits)
    visit_day = days(rng, n_visits, "2025-01-01", "2025-12-31")
    month = visit_day.astype("datetime64[M]")
    submitted = month + np.timedelta64(1, "M")
    hazards = rng.integers(0, 4, n_visits)
    write("visits", pd.DataFrame({
        "credit_code": agencies[owner[which]], "month": pd.Series(month).dt.strftime("%Y-%m"),
        "submitted_on": pd.Series(submitted.astype("datetime64[D]") + rng.integers(0, 6, n_visits)).dt.strftime("%Y-%m-%d"),
        "client_code": clients[which], "client_name": "委托企业", "town": town[which], "contract_no": "",
        "visit_date": pd.Series(visit_day).dt.strftime("%Y-%m-%d"), "practitioner": "张三", "hazards": hazards,
        "written_advice": np.where((hazards > 0) & (rng.random(n_visits) < 0.001), "否", "是")}))
    report_agency = np.repeat(np.arange(n_agencies), 12)[:n_reports]
    report_month = np.tile(np.arange(12), n_agencies)[:n_reports]
    write("reports", pd.DataFrame({"credit_code": agencies[report_agency],
                                   "month": [f"2025-{m + 1:02d}" for m in report_month],
                                   "submitted_on": [f"{2025 + (m == 11)}-{(m + 1) % 12 + 1:02d}-0{1 + d}"
                                                    for m, d in zip(report_month, rng.integers(0, 6, n_reports), strict=True)]}))
    n_people = n_agencies * 10
    people = id_numbers(n_people)
    people[::500] = people[1::500]  # one in 500 ID numbers held by two people at once
    write("practitioners", pd.DataFrame({"credit_code": agencies[np.arange(n_people) % n_agencies],
                                         "name": [f"执业人员{i}" for i in range(n_people)], "id_number": people,
                                         "specialty": "化工", "joined_on": days(rng, n_people, "2023-01-01", "2025-12-31")}))
    n_changes = n_agencies * 2
    changed = days(rng, n_changes, "2025-01-01", "2025-12-15")
    write("changes", pd.DataFrame({"credit_code": agencies[rng.integers(0, n_agencies, n_changes)], "item": "办公地址",
                                   "changed_on": changed, "reported_on": changed + rng.integers(1, 20, n_changes)}))
    return files


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of a child interpreter (its own, from os.wait4), and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, *args], cwd=REPO, stdout=out, stderr=err,
                                 env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(args[:3])} failed:\n{err.read().decode()[:2000]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def main() -> None:
    """Build the files, then measure the bare read and the watch, each in a fresh interpreter."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5_000)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_200_000)
    parser.add_argument("--reports", type=int, default=60_000)
    parser.add_argument("--build-into", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = (args.agencies, args.contracts, args.visits, args.reports)
    if args.build_into:
        build(Path(args.build_into), *sizes)
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        # Built in a child: Linux hands a parent's peak RSS down to every child it forks, so this process stays small.
        sizes_flags = [f"--agencies={args.agencies}", f"--contracts={args.contracts}", f"--visits={args.visits}",
                       f"--reports={args.reports}"]
        measure([__file__, *sizes_flags, f"--build-into={tmp}"])
        files = {kind: Path(tmp) / f"{kind}.csv" for kind in
                 ("registry", "contracts", "visits", "reports", "practitioners", "changes")}
        print(f"built {args.agencies:,} agencies, {args.contracts:,} contracts, {args.visits:,} visits, "
              f"{args.reports:,} reports in {time.perf_counter() - t0:.1f} s "
              f"(visits.csv {files['visits'].stat().st_size / 2**20:.0f} MB)")
        bare_s, bare_mb, _ = measure(["-c", f"import pandas; pandas.read_csv({str(files['visits'])!r})"])
        print(f"bare pandas.read_csv(visits.csv):      {bare_s:6.2f} s  peak {bare_mb:6.0f} MB (incl. interpreter start)")
        flags = [f"--{kind}={path}" for kind, path in files.items()]
        print(f"watch runs with {' '.join(f'{k}={v}' for k, v in LIMITS.items())} (the defaults refuse these files)")
        watch_s, watch_mb, out = measure(["-m", "core", "watch", "--year", "2025", "--as-of", "2026-03-01", *flags],
                                         env=LIMITS)
        print(f"python -m core watch (six files):      {watch_s:6.2f} s  peak {watch_mb:6.0f} MB "
              f"→ {len(out.splitlines()) - 1:,} suggestions")
        print(f"ratio {watch_s / bare_s:.1f}× the bare read (target ≤ 3×); peak {watch_mb:.0f} MB (target ≤ 2048 MB)")


if __name__ == "__main__":
    main()
