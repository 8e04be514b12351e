"""Benchmark: what showing data as plain text costs on every rerun (dashboard/plain.py).

    python benchmarks/bench_plain.py [--rows 10000]

Prints the time of `frame()` on a ratings-shaped table (text, category and number columns) without and with bidi
controls in its names, and of `md()` per name. Targets: `frame()` on 10,000 rows ≤ 5 ms without bidi (every
rerun of the ratings page; its cached rerun has 150 ms in all), ≤ 20 ms with.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.plain import frame, md  # noqa: E402


def table(rows: int, bidi: bool) -> pd.DataFrame:
    names = [f"江阴市第{i}安全技术服务有限公司" + ("\u202e" if bidi and i % 100 == 0 else "") for i in range(rows)]
    return pd.DataFrame({
        "agency_name": names,
        "grade": pd.Series(["A 优秀", "B 良好", "C 一般", "黑名单"] * (rows // 4), dtype="category"),
        "total": pd.Series(range(rows), dtype="int16") % 101,
        "credit_code": [f"91320281MA{i:08d}" for i in range(rows)],
        "towns": pd.Series(["澄江街道、璜土镇"] * rows, dtype="category"),
        "profile": [f"profile?agency=91320281MA{i:08d}" for i in range(rows)],
    })


def best_ms(fn, repeat: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rows = args.rows - args.rows % 4
    for bidi in (False, True):
        data = table(rows, bidi)
        low, median = best_ms(lambda d=data: frame(d))
        print(f"frame() on {rows:,} rows × {data.shape[1]} columns, bidi in 1% of names: {bidi!s:5}  "
              f"best {low:.1f} ms, median {median:.1f} ms")
    names = table(1000, True)["agency_name"].tolist()
    low, median = best_ms(lambda: [md(n) for n in names])
    print(f"md() per name: best {low:.1f} µs, median {median:.1f} µs")


if __name__ == "__main__":
    main()
