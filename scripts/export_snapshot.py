"""Every file the demo data publishes, written to a folder: run it on two revisions and compare them byte for byte.

Usage: python scripts/export_snapshot.py OUT_DIR

The demo is seeded into a fresh SQLite database through `python -m db` (the stable interface, whatever the modules are
called inside), under `faketime` so that the dates the seed reads from the clock are the same on every run. Then every
version of every year is exported in every format, with the listings export and the SHA256SUMS list. Compare two runs
with `diff -r A B` (or `sha256sum`): a refactoring that changes no behaviour leaves them identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

FROZEN_START = "2026-12-01 12:00:00"  # faketime's start: the clock runs from here, so the seed sees the same day
FORMATS = ("csv", "xlsx", "charges.csv", "changes.csv", "keys.csv", "json")
DEMO_VERSIONS = {2023: (1,), 2024: (1, 2), 2025: (1,)}


def run_db(args: list[str], env: dict[str, str]) -> bytes:
    """`python -m db ARGS` under faketime; its standard output."""
    command = ["faketime", FROZEN_START, sys.executable, "-m", "db", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, cwd=Path(__file__).resolve().parent.parent).stdout


def write_fixed_key(path: Path) -> None:
    """A signing key made from a fixed seed: Ed25519 signs deterministically, so two runs sign the same bytes alike."""
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def main(out_dir: str) -> None:
    if shutil.which("faketime") is None:
        sys.exit("faketime is needed (apt-get install faketime)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{work}/snapshot.db", "SEED_DEMO": "0",
               "SIGNING_KEY_FILE": f"{work}/key.pem"}
        write_fixed_key(Path(work) / "key.pem")
        run_db(["seed-demo"], env)
        for year, versions in DEMO_VERSIONS.items():
            for version in versions:
                for fmt in FORMATS:
                    target = out / f"{year}-v{version}.{fmt}"
                    run_db(["export", "--year", str(year), "--version", str(version), "--format", fmt, str(target)], env)
        for fmt in ("csv", "xlsx"):
            run_db(["listings", "export", "--format", fmt, str(out / f"listings.{fmt}")], env)
        (out / "SHA256SUMS").write_bytes(run_db(["sums"], env))
    print(f"{len(list(out.iterdir()))} files in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
