"""Benchmark: many visitors at once on the public site, ours beside a bare Streamlit app, and a static folder.

    python benchmarks/bench_load.py [--agencies 10000 | --demo] [--max-visitors 80] [--processes 1,2] [--only ours|bare]
        [--synthetic] [--keep DIR] [--profile DIR] [--max-seconds 900] [--timeout 60] [--static DIR]
        [--static-seconds 5 (0: none)]

A loopback load generator that speaks Streamlit's own protocol, with no browser: each visitor opens a WebSocket to
/_stcore/stream as the frontend does, sends a `rerun_script` BackMsg for the ratings page (the page's url path, no
widget state, as a first visit), reads the ForwardMsgs until `script_finished`, then opens the blacklist with the
page hash the `navigation` message gave (as a sidebar click does), and closes. Measured per ramp step (1, 2, 5, 10,
20, 50 … N visitors starting together): visitors/s, p50/p95 seconds to the first table of each page (the first
`dataframe` element delta after the request), the server processes' CPU seconds per visitor (/proc), and their
memory: at start, after one warm-up visitor (caches filled), at the peak of the ramp, and after the visitors left
(disconnected sessions are kept `--session-ttl` seconds; the bench waits that long and lets one more visitor
in to each process, whose stored session drops the expired ones, then reads it LEFT_AFTER seconds later).

Ours is `streamlit_app.py` on a generated database of `--agencies` agencies × 3 published years (bench_public.py's
build_database), or with `--demo` on the app's own demo (`python -m db seed-demo`), in a temporary folder (or
`--keep DIR`, reused by the next run). The bare app shows the very tables ours shows a first visitor of each page
(`dump_tables`: written at setup from the read and table functions our pages use — the same rows, columns, labels,
values, column_config, column order and row height, as pandas frames read once into st.cache_resource), under a
title, doing nothing else: what Streamlit itself costs for our tables. `--synthetic` gives the first, lighter bare
app instead (a 4-column table of as many rows). With 2 processes both read one database —
PostgreSQL when TEST_DATABASE_URL is set (a temporary database is created there and dropped), else SQLite — and
visitors are dealt to them in turn, as a load balancer would.

Last, requests/s of a static folder served by `python -m http.server` (a stand-in for the static edition): `--static
DIR`, default the `python -m db export` files of the latest year in a temporary folder.

Bounded so it can never hang a machine: at most 200 visitors at once, `--timeout` seconds per page, `--max-seconds`
for the whole run (steps that would start later are skipped and said so); every server is stopped on the way out.
A benchmark, not a test: it prints figures and fails only if nothing could be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from servers import Server, StaticServer  # noqa: E402

HARD_MAX_VISITORS = 200  # more simultaneous sockets than this would measure the client, not the server
PAGES = ("ratings", "blacklist")  # the url paths a visitor opens, in order (dashboard/ui.py PAGES)
TABLES = ("dataframe", "table")  # element types that count as "the table is there"
MAX_MESSAGE = 256 * 1024 * 1024  # a 10,000-row table is a few MB; a bound, not a figure
# Capacity: a Streamlit process runs scripts on about one core at most (the GIL); planned at BUSY of it, the queue of
# simultaneous runs (and so p95 time to the table) stays short.
BUSY = 0.7
PLANNED = (60, 300, 1_000, 2_000)  # expected visitors per minute for the capacity lines
# Seconds from the last closed session's drop to the "left" memory reading: ours trims its heap within TRIM_EVERY
# (dashboard/memory.py) of the drop; both apps get the same wait.
LEFT_AFTER = 12

# The bare app: the very tables our ratings and blacklist pages hand to st.dataframe (dumped by `dump_tables` from the
# same read and table functions the pages use: same columns, labels, values, column_config, column order and row
# height), each read once into st.cache_resource, the lightest way Streamlit can hold them, and shown under a title,
# doing nothing else. TABLES_DIR is the folder of the dump.
BARE_APP = textwrap.dedent('''
    import json
    from pathlib import Path

    import pandas as pd
    import streamlit as st

    FOLDER = Path(TABLES_DIR)

    @st.cache_resource
    def shown():
        tables = json.loads((FOLDER / "tables.json").read_text(encoding="utf-8"))
        return [{**t, "frame": pd.read_parquet(FOLDER / t["file"])} for t in tables]

    def page(name, title):
        st.title(title)
        for t in shown():
            if t["page"] == name:
                st.dataframe(t["frame"], hide_index=True, column_config=t["config"], column_order=t["order"],
                             row_height=t["row_height"], key=t["key"], **t["options"])

    def ratings():
        page("ratings", "Ratings")

    def blacklist():
        page("blacklist", "Blacklist")

    def overview():
        st.title("Overview")

    # As ours: the default page (served at /) is an overview; ratings and blacklist have their own url paths.
    st.navigation([st.Page(overview, title="Overview", url_path="overview", default=True),
                   st.Page(ratings, title="Ratings", url_path="ratings"),
                   st.Page(blacklist, title="Blacklist", url_path="blacklist")]).run()
''')

# `--synthetic`: the first bare app, lighter than ours: a 4-column table of as many rows (code, name, total, grade).
BARE_SYNTHETIC_APP = textwrap.dedent('''
    import pandas as pd
    import streamlit as st

    @st.cache_data
    def rows(n):
        return pd.DataFrame({"code": [f"{i:018d}" for i in range(n)], "name": [f"agency {i:05d}" for i in range(n)],
                             "total": [i % 101 for i in range(n)], "grade": ["ABC"[i % 3] for i in range(n)]})

    def ratings():
        st.title("Ratings")
        st.dataframe(rows(ROWS), hide_index=True)

    def blacklist():
        st.title("Blacklist")
        st.dataframe(rows(BLACKLIST), hide_index=True)

    def overview():
        st.title("Overview")

    st.navigation([st.Page(overview, title="Overview", url_path="overview", default=True),
                   st.Page(ratings, title="Ratings", url_path="ratings"),
                   st.Page(blacklist, title="Blacklist", url_path="blacklist")]).run()
''')


def dump_tables(folder: Path) -> None:
    """Write the tables a first visitor of our ratings and blacklist pages is shown (Chinese, no search, the default
    sort), as those pages build them, to `folder`: one parquet file each and `tables.json` with the page, the
    st.dataframe options and the file. Run in a child process with ours' DATABASE_URL (see `main`)."""
    import json

    import pandas as pd
    import pyarrow as pa

    from core.china_time import today
    from dashboard import data, plain, tables
    from db.public.reads import filter_ratings

    folder.mkdir(parents=True, exist_ok=True)
    pub = data.current_publication(data.published_years()[0])
    rulebook = data.rulebook(pub["rulebook"])
    frame = data.ratings(int(pub["id"]))
    shown = filter_ratings(frame, query="", grades=[], serving=None, keys=data.search_keys(int(pub["id"])))
    shown = tables.sorted_ratings(shown, pub, ["total", "credit_code"], [False, True])  # the page's default sort
    ratings = tables.ratings_table(shown, pub)
    compact, _full = tables.ratings_order(rulebook)
    lazy = len(ratings) > tables.LAZY_FROM
    found: list[tuple[str, str, pd.DataFrame | pa.Table, dict, list[str], int, dict]] = [
        ("ratings", "ratings_table", ratings, tables.ratings_columns(rulebook), compact, tables.WRAP_ROW_HEIGHT,
         {"lazy": lazy, "on_select": "ignore"} if lazy else {"on_select": "rerun", "selection_mode": "multi-row"})]
    view = tables.blacklist_view(pub)
    orders = {"agencies": tables.BLACKLIST_AGENCIES_COMPACT, "practitioners": tables.BLACKLIST_PRACTITIONERS_COMPACT,
              "history": tables.BLACKLIST_AGENCIES_COMPACT}
    for part, order in orders.items():
        if view[part] is not None:
            table, config, height = view[part]
            found.append(("blacklist", f"blacklist_{part}", table, config, order, height, {}))
    listings = data.listings(today())
    in_force = listings["listings"][listings["listings"]["status"] == "listed"]
    if not in_force.empty:
        table, config = tables.listings_table(in_force, rulebook)
        found.append(("blacklist", "listings_current", table, config, tables.LISTINGS_COMPACT,
                      tables.grounds_row_height(table), {}))
    if not listings["history"].empty:
        table, config = tables.listing_history_table(listings["history"])
        found.append(("blacklist", "listings_history", table, config, [], 0, {}))
    described = []
    for page, key, table, config, order, height, options in found:
        file = f"{key}.parquet"
        if isinstance(table, pa.Table):  # what ours sends (plain.arrow); the bare app reads it back as pandas
            table = table.to_pandas()
        # The page's rows in the page's order; the index is hidden (hide_index=True) either way.
        plain.frame(table).reset_index(drop=True).to_parquet(folder / file)
        described.append({"page": page, "key": key, "file": file, "config": config, "order": order,
                          "row_height": height or None, "options": options, "rows": len(table)})
    (folder / "tables.json").write_text(json.dumps(described, ensure_ascii=False, default=str), encoding="utf-8")


def ramp(max_visitors: int) -> list[int]:
    """The ramp's steps: 1, 2, 5, 10, 20, 50, 100 … below `max_visitors`, then `max_visitors` itself."""
    if max_visitors < 1:
        raise ValueError("at least one visitor")
    steps, decade = [], 1
    while True:
        for factor in (1, 2, 5):
            step = factor * decade
            if step >= max_visitors:
                return [*steps, max_visitors]
            steps.append(step)
        decade *= 10


def percentile(values: list[float], q: float) -> float:
    """The `q`-th percentile (0–100) of `values`, interpolated between the two nearest ranks (numpy's default)."""
    if not values:
        return float("nan")
    if not 0 <= q <= 100:
        raise ValueError("q is between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def processes_needed(visitors_per_minute: float, cpu_per_visitor: float, busy: float = BUSY) -> int:
    """Streamlit processes (each about one core) for `visitors_per_minute` steady arrivals costing
    `cpu_per_visitor` server CPU seconds each, every process kept at most `busy` of its core."""
    if not 0 < busy <= 1:
        raise ValueError("busy is a share of a core")
    return max(1, math.ceil(visitors_per_minute * cpu_per_visitor / 60 / busy))


@dataclass
class Visit:
    """One visitor: seconds to the first table of each page opened, and what went wrong, if anything."""

    first_table: dict[str, float] = field(default_factory=dict)
    error: str = ""


def _rerun(page: str, hashes: dict[str, str], url: str):
    """The BackMsg the frontend sends to open `page`: by url path on a first visit, by page hash once the
    navigation message has named them (a sidebar click). No widget state: a visitor who just arrived."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    back = BackMsg()
    state = back.rerun_script
    if page in hashes:
        state.page_script_hash = hashes[page]
    else:
        state.page_name = page
    state.context_info.timezone = "Asia/Shanghai"
    state.context_info.timezone_offset = -480
    state.context_info.locale = "zh-CN"
    state.context_info.url = f"{url}/{page}"
    return back.SerializeToString()


async def visit(url: str, timeout: float) -> Visit:
    """Open each of PAGES in turn on one WebSocket session; every wait is bounded by `timeout` seconds a page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    done = Visit()
    hashes: dict[str, str] = {}
    stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    try:
        async with connect(stream, subprotocols=["streamlit"], max_size=MAX_MESSAGE, open_timeout=timeout,
                           close_timeout=2, ping_interval=None) as socket:
            for page in PAGES:
                start = time.perf_counter()
                deadline = start + timeout
                await socket.send(_rerun(page, hashes, url))
                while True:
                    left = deadline - time.perf_counter()
                    if left <= 0:
                        raise TimeoutError(f"{page}: no script_finished in {timeout:.0f} s")
                    msg = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), left))
                    kind = msg.WhichOneof("type")
                    if kind == "navigation":
                        hashes = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        element = msg.delta.new_element.WhichOneof("type")
                        if element in TABLES and page not in done.first_table:
                            done.first_table[page] = time.perf_counter() - start
                        elif element == "exception":
                            raise RuntimeError(f"{page}: the script raised {msg.delta.new_element.exception.type}")
                    elif kind == "page_not_found":
                        raise RuntimeError(f"{page}: page not found")
                    elif kind == "script_finished":
                        status = msg.script_finished
                        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                            raise RuntimeError(f"{page}: compile error")
                        if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                            break  # FINISHED_EARLY_FOR_RERUN: the script asked for a rerun, which follows
                if page not in done.first_table:
                    raise RuntimeError(f"{page}: finished without a table")
    except (OSError, TimeoutError, RuntimeError) as exc:
        done.error = str(exc) or type(exc).__name__
    except Exception as exc:  # noqa: BLE001 — a protocol surprise is one failed visit, not a crashed benchmark
        done.error = f"{type(exc).__name__}: {exc}"
    return done


@dataclass
class Step:
    visitors: int
    seconds: float
    visits: list[Visit]
    cpu: float  # server CPU seconds during the step, all processes
    rss: float  # server memory at the end of the step (visitors still connected), all processes, MB
    client_cpu: float  # this process's CPU seconds during the step: the load generator shares the machine

    @property
    def ok(self) -> list[Visit]:
        return [v for v in self.visits if not v.error]

    def times(self, page: str) -> list[float]:
        return [v.first_table[page] for v in self.ok if page in v.first_table]


class Site:
    """One app served by `processes` Streamlit processes; visitors are dealt to them in turn."""

    def __init__(self, name: str, script: Path, cwd: Path, env: dict[str, str], folder: Path, processes: int,
                 session_ttl: int) -> None:
        self.name = name
        options = ("--server.disconnectedSessionTTL", str(session_ttl))
        self.logs = [folder / f"{name}-{processes}-{i}.log" for i in range(processes)]
        self.servers = [Server(script, cwd, env, log, options) for log in self.logs]

    def __enter__(self) -> Site:
        for server in self.servers:
            server.wait_healthy()
        return self

    def __exit__(self, *_exc) -> None:
        for server in self.servers:
            server.stop()

    def cpu(self) -> float:
        return sum(s.cpu_seconds() for s in self.servers)

    def rss(self) -> float:
        return sum(s.rss_mb() for s in self.servers)

    def urls(self, n: int) -> list[str]:
        return [self.servers[i % len(self.servers)].url for i in range(n)]


async def _together(urls: list[str], timeout: float) -> list[Visit]:
    return list(await asyncio.gather(*(visit(u, timeout) for u in urls)))


def run_step(site: Site, visitors: int, timeout: float) -> Step:
    """`visitors` start together; the step lasts until the last one has left (or failed)."""
    cpu, client = site.cpu(), time.process_time()
    start = time.perf_counter()
    visits = asyncio.run(_together(site.urls(visitors), timeout))
    seconds = time.perf_counter() - start
    return Step(visitors, seconds, visits, site.cpu() - cpu, site.rss(), time.process_time() - client)


@dataclass
class Result:
    app: str
    processes: int
    memory: dict[str, float]
    steps: list[Step]
    skipped: list[int]


def measure(site: Site, processes: int, steps: list[int], timeout: float, deadline: float, settle: float) -> Result:
    memory = {"start": site.rss()}
    warm = run_step(site, processes, timeout)  # one visitor per process: the caches every later visitor finds
    if not warm.ok:  # the logs live in the temporary folder: show their end before it goes
        tail = "\n".join(line for log in site.logs for line in log.read_text(errors="replace").splitlines()[-15:])
        raise SystemExit(f"{site.name}: the warm-up visitor failed: {warm.visits[0].error}; the server said:\n{tail}")
    memory["warm"] = site.rss()
    done, skipped = [], []
    for n in steps:
        if time.monotonic() > deadline:
            skipped.append(n)
            continue
        step = run_step(site, n, timeout)
        done.append(step)
        errors = sorted({v.error for v in step.visits if v.error})
        print(f"    {site.name} × {processes}: {n} visitors in {step.seconds:.1f} s, {len(step.ok)} ok"
              + (f"; errors: {'; '.join(errors[:3])}" if errors else ""), flush=True)
    memory["peak"] = max((s.rss for s in done), default=float("nan"))
    time.sleep(settle)  # the disconnected sessions outlive their TTL …
    run_step(site, len(site.servers), timeout)  # … and are dropped when each process stores its next one
    time.sleep(LEFT_AFTER)  # what a process gives back once they are dropped (ours: dashboard/memory.py) takes seconds
    memory["left"] = site.rss()
    return Result(site.name, processes, memory, done, skipped)


@contextmanager
def shared_database(folder: Path) -> Iterator[str]:
    """A database URL both processes can share: a temporary PostgreSQL database on TEST_DATABASE_URL's server
    (dropped afterwards), else a SQLite file in `folder`."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_load_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def latest(url: str) -> tuple[int, int, int]:
    """The latest published year, its number of agencies and of blacklisted ones (the bare app shows as many rows)."""
    from db.documents import versions
    from db.public import reads
    from db.store.engine import make_engine

    engine = make_engine(url)
    newest = versions.publications(engine).iloc[0]
    table = reads.ratings(engine, int(newest["id"]))
    engine.dispose()
    return int(newest["year"]), len(table), int((table["grade"] == "BLACKLIST").sum())


def export_folder(env: dict[str, str], year: int, folder: Path, timeout: float) -> Path:
    """The open-data files of `year` as `python -m db export` writes them, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **env}
    for fmt in ("csv", "xlsx", "json", "charges.csv", "changes.csv", "keys.csv"):
        out = folder / f"ratings-{year}.{fmt}"
        subprocess.run([sys.executable, "-m", "db", "export", "--year", str(year), "--format", fmt, str(out)],
                       cwd=ROOT, env=env, check=True, timeout=timeout, capture_output=True)
    return folder


def static_rate(folder: Path, seconds: float, clients: int, log: Path) -> dict[str, float]:
    """`clients` threads fetching the files of `folder` in turn for `seconds`: requests/s, MB/s, p50/p95."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    if not files:
        raise SystemExit(f"{folder}: no files to serve")
    server = StaticServer(folder, log)
    times: list[float] = []
    sizes: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        server.wait_ready()
        cpu = server.cpu_seconds()
        stop = time.monotonic() + seconds

        def fetch(offset: int) -> None:
            i = offset
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(f"{server.url}/{files[i % len(files)]}", timeout=30) as response:
                        size = len(response.read())
                except OSError as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    times.append(time.perf_counter() - start)
                    sizes.append(size)
                i += 1

        threads = [threading.Thread(target=fetch, args=(n,), daemon=True) for n in range(clients)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        took = time.perf_counter() - begin
        cpu = server.cpu_seconds() - cpu
    finally:
        server.stop()
    return {"files": len(files), "requests": len(times), "per_s": len(times) / took,
            "mb_s": sum(sizes) / took / 1e6, "p50": percentile(times, 50), "p95": percentile(times, 95),
            "cpu_per_request_ms": cpu / max(1, len(times)) * 1000, "errors": len(errors)}


def report(results: list[Result]) -> None:
    print(f"\n{'app':<5} {'proc':>4} {'visitors':>8} {'ok':>4} {'visitors/s':>10} {'ratings p50/p95 s':>18} "
          f"{'blacklist p50/p95 s':>20} {'CPU-s/visitor':>13} {'RSS MB':>7}")
    for r in results:
        for s in r.steps:
            cells = [f"{percentile(s.times(p), 50):.2f}/{percentile(s.times(p), 95):.2f}" for p in PAGES]
            per_visitor = s.cpu / len(s.ok) if s.ok else float("nan")
            print(f"{r.app:<5} {r.processes:>4} {s.visitors:>8} {len(s.ok):>4} {len(s.ok) / s.seconds:>10.2f} "
                  f"{cells[0]:>18} {cells[1]:>20} {per_visitor:>13.3f} {s.rss:>7.0f}")
        if r.skipped:
            print(f"{r.app:<5} {r.processes:>4} skipped (--max-seconds): {', '.join(map(str, r.skipped))} visitors")
    print(f"\n{'app':<5} {'proc':>4} {'CPU-s/visitor, ramp':>20} {'client CPU-s/visitor':>20}  "
          "memory MB: start → warm → peak → left (left − warm)")
    for r in results:
        ok = sum(len(s.ok) for s in r.steps)
        per_visitor = sum(s.cpu for s in r.steps) / ok if ok else float("nan")
        client = sum(s.client_cpu for s in r.steps) / ok if ok else float("nan")
        m = r.memory
        print(f"{r.app:<5} {r.processes:>4} {per_visitor:>20.3f} {client:>20.3f}  {m['start']:.0f} → {m['warm']:.0f}"
              f" → {m['peak']:.0f} → {m['left']:.0f} ({m['left'] - m['warm']:+.0f})")
    print(f"\ncapacity (one process ≈ one core, each kept ≤ {BUSY:.0%} busy), from the 1-process CPU-s per visitor:")
    for r in results:
        ok = sum(len(s.ok) for s in r.steps)
        if r.processes != 1 or not ok:
            continue
        per_visitor = sum(s.cpu for s in r.steps) / ok
        print(f"  {r.app}: " + ", ".join(f"{v:,}/min → {processes_needed(v, per_visitor)}" for v in PLANNED)
              + " processes")


def prepare(url: str, folder: Path, args: argparse.Namespace, ours_env: dict[str, str]) -> None:
    """Ours' data in `folder`: the database (generated, or the demo), its static edition and the dump of the tables
    the bare app shows. The edition is written here, before any server starts: an install with published years
    and no edition writes it in the background (minutes at 10,000 agencies), which would be counted as visitors'
    CPU."""
    from bench_public import YEARS, build_database

    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SEED_DEMO")}, **ours_env}
    if args.demo:
        print(f"seeding the demo on {url.split(':', 1)[0]} …", flush=True)
        subprocess.run([sys.executable, "-m", "db", "seed-demo"], cwd=ROOT, env=env, check=True, timeout=600,
                       capture_output=True)
    else:
        print(f"building {args.agencies:,} agencies × {len(YEARS)} years on {url.split(':', 1)[0]} …", flush=True)
        build_database(url, args.agencies)
    print("writing the static edition and the tables the bare app shows …", flush=True)
    edition = Path(ours_env["DATA_DIR"]) / "edition"
    subprocess.run([sys.executable, "-m", "db", "build-site", str(edition)], cwd=ROOT, env=env, check=True,
                   timeout=1800, capture_output=True)
    dump = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump-tables", str(folder / "tables")],
                          cwd=ROOT, env=env, timeout=600, capture_output=True, text=True)
    if dump.returncode:  # Streamlit warns on every cached call outside a server: show only a failure's own end
        raise SystemExit(f"dumping the tables failed:\n{dump.stderr[-3000:]}")


@contextmanager
def profiled(site: Site, folder: Path | None) -> Iterator[None]:
    """py-spy sampling every server of `site` meanwhile (`--profile DIR`): collapsed stacks, one file a process."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spies = [subprocess.Popen(["py-spy", "record", "--pid", str(s.process.pid), "--format", "raw", "--rate", "50",
                               "--nonblocking", "-o", str(folder / f"{site.name}-{len(site.servers)}-{i}.txt")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for i, s in enumerate(site.servers)]
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000, help="agencies × 3 published years (ours)")
    parser.add_argument("--demo", action="store_true", help="ours on the app's own demo (python -m db seed-demo) "
                        "instead of --agencies generated agencies")
    parser.add_argument("--max-visitors", type=int, default=80, help=f"the ramp's last step (≤ {HARD_MAX_VISITORS})")
    parser.add_argument("--processes", default="1,2", help="server processes to measure, comma-separated (1, 2)")
    parser.add_argument("--only", choices=("ours", "bare"), help="measure one app only")
    parser.add_argument("--synthetic", action="store_true", help="the bare app shows a 4-column synthetic table of "
                        "as many rows instead of our very tables")
    parser.add_argument("--keep", type=Path, help="keep the SQLite database, edition and dumped tables in this "
                        "folder and reuse them on the next run with the same folder (not with TEST_DATABASE_URL)")
    parser.add_argument("--profile", type=Path, help="record each server with py-spy during its ramp into this folder")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a visitor waits for one page")
    parser.add_argument("--max-seconds", type=float, default=900, help="no ramp step starts after this")
    parser.add_argument("--session-ttl", type=int, default=5, help="server.disconnectedSessionTTL of the servers")
    parser.add_argument("--static", type=Path, help="folder to serve (default: the latest year's exports)")
    parser.add_argument("--static-seconds", type=float, default=5, help="0: no static measurement")
    parser.add_argument("--static-clients", type=int, default=8)
    parser.add_argument("--dump-tables", type=Path, help=argparse.SUPPRESS)  # the child of prepare()
    args = parser.parse_args()
    if args.dump_tables:
        dump_tables(args.dump_tables)
        return 0
    if not 1 <= args.max_visitors <= HARD_MAX_VISITORS:
        parser.error(f"--max-visitors is between 1 and {HARD_MAX_VISITORS}")
    processes = sorted({int(p) for p in args.processes.split(",")})
    if not set(processes) <= {1, 2, 3, 4}:
        parser.error("--processes: 1 to 4 processes")
    if args.keep and os.environ.get("TEST_DATABASE_URL"):
        parser.error("--keep keeps a SQLite database: unset TEST_DATABASE_URL")
    args.static_seconds = min(args.static_seconds, 60)

    deadline = time.monotonic() + args.max_seconds
    steps = ramp(args.max_visitors)
    load = [os.getloadavg()]
    results: list[Result] = []
    static: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, shared_database(Path(tmp)) as temporary_url:
        folder = args.keep.resolve() if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.db'}" if args.keep else temporary_url
        ours_env = {"DATABASE_URL": url, "SEED_DEMO": "0", "DATA_DIR": str(folder / "data")}
        if not (folder / "tables" / "tables.json").is_file():  # a kept folder is complete once its dump is
            if args.keep and (folder / "bench.db").exists():
                (folder / "bench.db").unlink()  # an interrupted preparation: start again
            prepare(url, folder, args, ours_env)
        year, agencies, blacklisted = latest(url)
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        bare = (BARE_SYNTHETIC_APP.replace("BLACKLIST", str(blacklisted)).replace("ROWS", str(agencies))
                if args.synthetic else BARE_APP.replace("TABLES_DIR", repr(str(folder / "tables"))))
        (bare_dir / "bare_app.py").write_text(bare, encoding="utf-8")
        shutil.copytree(ROOT / ".streamlit", bare_dir / ".streamlit")  # the same Streamlit settings as ours
        apps = {"ours": (ROOT / "streamlit_app.py", ROOT, ours_env), "bare": (bare_dir / "bare_app.py", bare_dir, {})}
        settle = args.session_ttl + 2
        for name, (script, cwd, env) in apps.items():
            if args.only and name != args.only:
                continue
            for n in processes:
                print(f"  {name}, {n} process{'es' if n > 1 else ''}: ramp {steps}", flush=True)
                with Site(name, script, cwd, env, Path(tmp), n, args.session_ttl) as site, \
                        profiled(site, args.profile):
                    results.append(measure(site, n, steps, args.timeout, deadline, settle))
                load.append(os.getloadavg())
        if args.static_seconds > 0:
            static_dir = args.static or export_folder(ours_env, year, Path(tmp) / "static", timeout=300)
            static = static_rate(static_dir, args.static_seconds, args.static_clients, Path(tmp) / "static.log")
            load.append(os.getloadavg())
    report(results)
    if static:
        print(f"\nstatic ({static_dir if args.static else f'the exports of {year}'}, {static['files']} files, "
              f"python -m http.server, {args.static_clients} client threads, {args.static_seconds:.0f} s): "
              f"{static['per_s']:.0f} requests/s, {static['mb_s']:.0f} MB/s, p50/p95 {static['p50'] * 1000:.0f}/"
              f"{static['p95'] * 1000:.0f} ms, server CPU {static['cpu_per_request_ms']:.2f} ms/request, "
              f"{static['errors']} errors")
    print(f"{agencies:,} agencies in {year}{' (the demo)' if args.demo else ''}, {blacklisted} on the blacklist; "
          f"bare: {'a synthetic 4-column table' if args.synthetic else 'our very tables'}; load average (1 min) "
          + " → ".join(f"{x[0]:.1f}" for x in load) + f" on {os.cpu_count()} cores")
    return 0 if any(s.ok for r in results for s in r.steps) or not results else 1


if __name__ == "__main__":
    sys.exit(main())
