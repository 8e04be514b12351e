"""`python -m db sums` prints the very SHA256SUMS the open-data page serves (dashboard.data.checksum_file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def test_db_sums_prints_what_the_open_data_page_serves(app_db):
    from dashboard import data

    served = data.checksum_file()  # the open-data page's download button hands out exactly these bytes
    done = subprocess.run([sys.executable, "-m", "db", "sums"], cwd=PROJECT, capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": f"sqlite:///{app_db}", "SEED_DEMO": "0"})
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == served and served.count(b"\n") >= 4 * 6  # the demo's four versions, six files each
