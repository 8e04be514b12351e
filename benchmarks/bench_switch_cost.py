"""Benchmark: where a sidebar page switch spends its time — the browser's renderer or the server — per page.

    python benchmarks/bench_switch_cost.py [--repeat 5] [--bare] [--pages compare,check_file] [--steps]

Starts our site on a fresh temporary DATA_DIR (it seeds the demo), or with `--bare` the bare Streamlit app of
benchmarks/bench_site.py (showing our very ratings and blacklist tables, from a demo seeded for it), and clicks
through the sidebar menu as bench_site does. For every click it reads, besides the wall time until the new title
shows: the browser renderer's main-thread time (Chrome DevTools Protocol `Performance.getMetrics`: TaskDuration, and
of it ScriptDuration, LayoutDuration, RecalcStyleDuration) and the server process's CPU time (/proc, in clock ticks
of 10 ms), both over the click and the 0.3 s after it (charts and tables finish drawing). CPU times move less with
the machine's load than wall times: use them to compare pages and changes; bench_site.py gives the figures a person
waits for. `--steps` measures, the same way, a search on the ratings page and a town chosen in Find (bench_site's
"search" and "find") instead of the page switches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_site as site  # noqa: E402
from servers import NOT_INHERITED  # noqa: E402  (the same server, browser and clicks as bench_site)

KINDS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of process `pid`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="clicks per page")
    parser.add_argument("--bare", action="store_true", help="the bare Streamlit app instead of ours")
    parser.add_argument("--pages", help="comma-separated page keys to click between (default: the whole menu)")
    parser.add_argument("--steps", action="store_true", help="search and find instead of the page switches")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from dashboard.navigation import PUBLIC_MENU
    from dashboard.ui import PAGES

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        folder = Path(tmp)
        browser = pw.chromium.launch(executable_path=site.CHROMIUM, args=site.CHROMIUM_ARGS)
        if args.bare:
            # The demo's size and our very tables: seeded as a fresh install of ours would be, then dumped.
            (folder / "data").mkdir()
            env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
            subprocess.run([sys.executable, "-m", "db", "seed-demo"], cwd=ROOT, env={**env, "DATA_DIR": str(folder / "data")},
                           check=True, capture_output=True, timeout=600)
            app = site.bare_app(folder, 40, 19, 3, site.our_tables(folder / "data", folder))
            server = site.Server(app / "bare_app.py", app, {}, folder / "server.log")
            names = ["overview", *site.BARE_MENU]
            paths = [f"/{path}" for path in site.BARE_MENU]
        else:
            (folder / "data").mkdir()
            server = site.Server(ROOT / "streamlit_app.py", ROOT, {"DATA_DIR": str(folder / "data")},
                                 folder / "server.log")
            names = [key for key, _ in PUBLIC_MENU]
            paths = [f"/{PAGES[key][1]}" for key in names[1:]]
        try:
            site.first_page(browser, server)
            menu = dict(zip(names, [server.url + "/", *paths], strict=True))
            chosen = args.pages.split(",") if args.pages else names[1:] + names[:1]
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")

            def renderer() -> list[float]:
                found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                return [found[k] for k in KINDS]

            if args.steps:
                found = steps(page, renderer, server, folder, menu, args.repeat)
                return report(found, args)
            site.open_page(page, server.url)  # the first page: a tour that starts on it must leave it first
            for name in chosen:  # every page once first: caches warm
                site.switch(page, menu[name])
            found: dict[str, list[list[float]]] = {name: [] for name in chosen}
            for _ in range(args.repeat):
                for name in chosen:
                    before, cpu = renderer(), server_cpu(server.process.pid)
                    wall = site.switch(page, menu[name])
                    time.sleep(0.3)
                    spent = [b - a for a, b in zip(before, renderer(), strict=True)]
                    found[name].append([wall, *spent, server_cpu(server.process.pid) - cpu])
        finally:
            server.stop()
            browser.close()
    return report(found, args)


def steps(page, renderer, server, folder: Path, menu: dict[str, str], repeat: int) -> dict[str, list[list[float]]]:
    """bench_site's search (Enter in the ratings search box) and find (a town chosen) with their browser and server
    times: `repeat` of each after one of each to warm the caches."""
    found: dict[str, list[list[float]]] = {"search": [], "find": []}
    from bench_site import demo_export  # noqa: PLC0415 (the seeded database's codes: the bare app shows our table)

    terms = demo_export(folder / "data", folder)[3]
    def url(name: str) -> str:
        return menu[name] if menu[name].startswith("http") else server.url + menu[name]

    site.open_page(page, url("ratings"))
    for i in range(repeat + 1):
        before, cpu = renderer(), server_cpu(server.process.pid)
        wall = site.search(page, terms[i % len(terms)])
        time.sleep(0.3)
        if i:
            found["search"].append([wall, *[b - a for a, b in zip(before, renderer(), strict=True)],
                                    server_cpu(server.process.pid) - cpu])
    site.open_page(page, url("find"))
    towns = site.options(page)
    for i in range(repeat + 1):
        before, cpu = renderer(), server_cpu(server.process.pid)
        wall = site.choose(page, towns[i % min(len(towns), 3)])
        time.sleep(0.3)
        if i:
            found["find"].append([wall, *[b - a for a, b in zip(before, renderer(), strict=True)],
                                  server_cpu(server.process.pid) - cpu])
    return found


def report(found: dict[str, list[list[float]]], args: argparse.Namespace) -> int:
    print(f"{'bare Streamlit' if args.bare else 'ours'}: median of {args.repeat} per page in ms; load average "
          f"(1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'page':<12} {'wall':>6} {'browser':>8} {'script':>7} {'layout':>7} {'style':>6} {'server':>7}")
    for name, rows in found.items():
        cells = [statistics.median(row[i] for row in rows) * 1000 for i in range(6)]
        print(f"{name:<12} " + " ".join(f"{c:>{w}.0f}" for c, w in zip(cells, (6, 8, 7, 7, 6, 7), strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
