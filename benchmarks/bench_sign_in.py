"""Sign-in timing: unknown name, wrong, right and waiting (throttled) must cost alike (one argon2 hash). Medians.

    python -m benchmarks.bench_sign_in [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from db.accounts.actor import Actor
from db.accounts.throttle import FREE_ATTEMPTS
from db.accounts.users import authenticate, create_user, unlock
from db.store.engine import make_engine
from db.store.migrate import upgrade

BENCH = Actor.operator("bench")  # the benchmarks write as the command line does

PASSWORD = "benchmark password 1"


def median_ms(fn, rounds: int, after=None) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms (CPU time shows through a busy machine)."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if after:
            after()  # not timed
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        create_user(engine=engine, username="bench", password=PASSWORD, role="bureau_staff", by=BENCH)

        def attempt(username: str, password: str, client: str = "bench") -> None:
            authenticate(engine=engine, username=username, password=password, client=client)

        def clear() -> None:
            unlock(engine=engine, username="bench", by=BENCH)

        cases = {
            # A new client each round, so the unknown name never reaches its wait (as a first try would not).
            "unknown user": (lambda: attempt("nobody", "not the password", client=str(time.perf_counter())), None),
            # Unlocking between rounds (untimed) keeps five wrong passwords from starting a wait.
            "wrong password": (lambda: attempt("bench", "not the password"), clear),
            "right password": (lambda: attempt("bench", PASSWORD), None),
            "locked (waiting)": (lambda: attempt("bench", PASSWORD), None),
        }
        for name, (fn, after) in cases.items():
            if name.startswith("locked"):
                for _ in range(FREE_ATTEMPTS):  # untimed: make this client wait
                    attempt("bench", "not the password")
            wall, cpu = median_ms(fn, rounds, after=after)
            print(f"{name:16s} median {wall:7.1f} ms (CPU {cpu:6.1f} ms) over {rounds} rounds")
        engine.dispose()


if __name__ == "__main__":
    main()
