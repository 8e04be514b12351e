"""Peak memory and time of core.reader on the outside probe's hostile files, and on valid 100,000-row files.

    python benchmarks/bench_limits.py [--code DIR] [--only TEXT] [--cap-mb 2000] [--timeout 60] [--repeat 3]

Each file is read by `read_findings` in its own subprocess (a fresh interpreter: its peak RSS is its own, taken
from os.wait4). `--code DIR` reads with the project checked out in DIR (e.g. an older commit unpacked with
`git archive`), to compare before and after; the files are always built by this checkout's tests/core/hostile_files.
A child past --cap-mb of RSS or --timeout seconds is killed and shown as such (a hostile file must not take
the machine down while being measured). Targets (issue 8): a refused file ≤ 300 MB and ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.core import hostile_files as hostile  # noqa: E402
from tests.core.upload_files import uscc  # noqa: E402
from tests.db.factories import finding_rows, findings_csv  # noqa: E402

TARGET_MB, TARGET_S = 300, 5.0
# The child reads the file and says how long the read took and how it ended: refused (exit 2) or read (exit 0).
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from core.errors import InputError
from core.reader import read_findings
t0 = time.perf_counter()
try:
    frame = read_findings(sys.argv[2])
except InputError as exc:
    print(f"{time.perf_counter() - t0:.3f} refused: {exc.problems[0].message_en[:60]}")
    sys.exit(2)
print(f"{time.perf_counter() - t0:.3f} read {len(frame)} rows")
"""


def hostile_cases(folder: Path) -> dict[str, Path]:
    """The probe's files at their real sizes (the default limits must refuse them)."""
    return {
        "xlsx claiming A1:XFD1048576": hostile.xlsx_claiming(folder / "dimension.xlsx"),
        "xlsx one cell at row 99,999,999": hostile.xlsx_with_far_cell(folder / "far.xlsx"),
        "xlsx zip bomb (1 GB strings)": hostile.xlsx_bomb(folder / "bomb.xlsx", 1024),
        "csv one line a, x 5,000,000": hostile.one_line_csv(folder / "one-line.csv"),
        "csv 25 MB": hostile.csv_of_bytes(folder / "big.csv", 25),
        "csv 250,000 rows": hostile.csv_of_short_rows(folder / "rows.csv", 250_000),
        "csv 60 columns": hostile.csv_of_columns(folder / "columns.csv", 60),
        "csv 5,000-char cell": hostile.csv_with_cell(folder / "cell.csv", 10, 5, description="说" * 5000),
        "csv NUL past 64 KiB": hostile.csv_with_cell(folder / "nul.csv", 2000, 1900,
                                                     credit_code=uscc(2), agency_name="江阴\x00安达"),
    }


def valid_cases(folder: Path, rows: int) -> dict[str, Path]:
    """A valid findings file of `rows` rows, as CSV and as XLSX (the same rows)."""
    from openpyxl import Workbook

    csv_path = folder / "valid.csv"
    csv_path.write_bytes(findings_csv(rows, agencies=1000))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    data = finding_rows(rows, agencies=1000)
    sheet.append(list(data[0]))
    for row in data:
        sheet.append(list(row.values()))
    xlsx_path = folder / "valid.xlsx"
    book.save(xlsx_path)
    return {f"valid csv {rows:,} rows": csv_path, f"valid xlsx {rows:,} rows": xlsx_path}


def measure(code: Path, path: Path, cap_mb: int, timeout: float) -> tuple[float, float, str]:
    """(peak RSS in MB, wall seconds, how it ended) of one child reading `path`."""
    t0 = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(code), str(path)], cwd=code,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = ""
    while True:  # os.wait4, not Popen.poll: poll would reap the child and lose its rusage
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if _rss_mb(child.pid) > cap_mb:
            killed = f"KILLED above {cap_mb} MB"
        elif time.perf_counter() - t0 > timeout:
            killed = f"KILLED after {timeout:.0f} s"
        if killed:
            child.kill()
            _, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    out = child.stdout.read().decode("utf-8", "replace").strip()
    err = child.stderr.read().decode("utf-8", "replace").strip().splitlines()
    ended = killed or out or (err[-1] if err else f"exit {os.waitstatus_to_exitcode(status)}")
    return usage.ru_maxrss / 1024, wall, ended


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            line = next(x for x in status if x.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=REPO, help="project checkout whose reader is measured")
    parser.add_argument("--cap-mb", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each valid file (best is shown)")
    parser.add_argument("--only", default="", help="only the files whose label contains this text")
    args = parser.parse_args()
    print(f"reader of {args.code}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'file':34s} {'size':>9s} {'peak MB':>8s} {'wall s':>7s}  outcome (in-child read time, s)")
        for label, path in hostile_cases(folder).items():
            if args.only not in label:
                continue
            peak, wall, ended = measure(args.code, path, args.cap_mb, args.timeout)
            met = peak <= TARGET_MB and wall <= TARGET_S and "refused" in ended
            ok &= met
            print(f"{label:34s} {path.stat().st_size / 1e6:8.2f}M {peak:8.0f} {wall:7.2f}  {'PASS' if met else 'MISS'} "
                  f"{ended}")
            path.unlink()
        for label, path in valid_cases(folder, args.rows).items():
            if args.only not in label:
                continue
            runs = [measure(args.code, path, args.cap_mb, args.timeout) for _ in range(args.repeat)]
            peak, wall, ended = min(runs, key=lambda r: float(r[2].split()[0]) if r[2][:1].isdigit() else 1e9)
            print(f"{label:34s} {path.stat().st_size / 1e6:8.2f}M {peak:8.0f} {wall:7.2f}  {ended} "
                  f"(best of {args.repeat})")
    print(f"targets: every hostile file refused, ≤ {TARGET_MB} MB peak and ≤ {TARGET_S:.0f} s: "
          f"{'PASS' if ok else 'MISS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
