"""Sign-in timing: an unknown user must cost as long as a wrong password (argon2 dummy hash). Prints medians.

    python -m benchmarks.bench_sign_in [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from db.engine import make_engine
from db.migrate import upgrade
from db.users import authenticate, create_user, unlock

PASSWORD = "benchmark password 1"


def median_ms(fn, rounds: int, after=None) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        if after:
            after()  # not timed
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        create_user(engine=engine, username="bench", password=PASSWORD, role="bureau_staff", by="bench")

        cases = {
            "unknown user": lambda: authenticate(engine=engine, username="nobody", password="not the password"),
            "wrong password": lambda: authenticate(engine=engine, username="bench", password="not the password"),
            "right password": lambda: authenticate(engine=engine, username="bench", password=PASSWORD),
        }
        for name, fn in cases.items():
            # Unlocking between rounds (untimed) keeps five wrong passwords from locking the account.
            ms = median_ms(fn, rounds, after=lambda: unlock(engine=engine, username="bench", by="bench"))
            print(f"{name:16s} median {ms:7.1f} ms over {rounds} rounds")
        engine.dispose()


if __name__ == "__main__":
    main()
