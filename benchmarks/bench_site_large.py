"""Benchmark: what a visitor waits for in headless Chromium on 10,000 agencies × 3 published years (SQLite), and
what Streamlit itself costs for the same steps on a bare two-page app.

    python benchmarks/bench_site_large.py [--agencies 10000] [--repeat 5] [--soak 240]

Measures, with a real `streamlit run` (the database from bench_public.py):
- page switch: a click in the sidebar menu → the new page's heading visible, and → its script finished;
- search: Enter in the ratings search box → the first row of the filtered table shows the match;
- first row after navigation: a new tab opens /ratings → the first rating row is on screen;
then the same three steps on a bare Streamlit app (two pages: a heading, a search box and a table of as many
rows, filtered by the box; a heading and a 10-row table): Streamlit's own share.
Targets (issue 13): page switch ≤ 300 ms, search ≤ 300 ms, first row after navigation ≤ 2 s, on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_public import build_database  # noqa: E402
from servers import Server  # noqa: E402  (the benchmarks' one child-server class)

TARGETS = {"switch": 0.300, "search": 0.300, "first_row": 2.0}
FIRST_ROW = "[data-testid='stDataFrame'] [role='row'][aria-rowindex='2']"
# Finished = Streamlit marks the app notRunning; the heading = the page's first h1 holds new text.
NEW_HEADING = "prev => { const h = document.querySelector('h1'); return h && h.innerText.trim() && h.innerText !== prev; }"
SETTLED = "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testScriptState === 'notRunning'"
ROW_HAS = ("term => { const r = document.querySelector(\"" + FIRST_ROW.replace('"', '\\"') + "\");"
           " return r && r.innerText.includes(term); }")
# The public pages visited in turn by the menu (url paths, dashboard/ui.py).
TOUR = ("blacklist", "rules", "", "find", "open-data", "ratings")  # "" = the default page (the overview)

BARE_APP = textwrap.dedent('''
    import pandas as pd
    import streamlit as st

    @st.cache_data
    def rows(n):
        return pd.DataFrame({"name": [f"agency {i:05d}" for i in range(n)], "total": [i % 101 for i in range(n)]})

    def first():
        st.title("First page")
        query = st.text_input("search")
        table = rows(ROWS)
        st.dataframe(table[table["name"].str.contains(query, regex=False)] if query else table)

    def second():
        st.title("Second page")
        st.dataframe(pd.DataFrame({"name": [f"other {i}" for i in range(10)], "total": range(10)}))

    st.navigation([st.Page(first, title="First", url_path="first", default=True),
                   st.Page(second, title="Second", url_path="second")]).run()
''')


def _wait(page, script: str, arg=None) -> None:
    page.wait_for_function(script, arg=arg, timeout=60_000, polling="raf")


def switch(page, path: str) -> tuple[float, float]:
    """Click the menu entry of `path`: seconds until the new heading shows, and until the script has finished."""
    before = page.inner_text("h1")
    start = time.perf_counter()
    link = f"a[href$='/{path}']" if path else f"a[href='{page.url.split('/', 3)[0]}//{page.url.split('/', 3)[2]}/']"
    page.click(f"[data-testid='stSidebarNav'] {link}")
    _wait(page, NEW_HEADING, before)
    heading = time.perf_counter() - start
    page.wait_for_timeout(50)  # the script marks itself running only after the click reached the server
    _wait(page, SETTLED)
    return heading, time.perf_counter() - start


def search(page, term: str) -> float:
    """Type `term` into the first text box and press Enter: seconds until the first row shows it."""
    box = page.locator("[data-testid='stTextInput'] input").first
    box.fill(term)
    start = time.perf_counter()
    box.press("Enter")
    _wait(page, ROW_HAS, term)
    return time.perf_counter() - start


def first_row(browser, url: str) -> float:
    """A new tab opens `url`: seconds until the first table row is on screen."""
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    start = time.perf_counter()
    tab.goto(url, wait_until="commit")
    tab.wait_for_selector(FIRST_ROW, state="attached", timeout=60_000)
    took = time.perf_counter() - start
    tab.close()
    return took


def measure(server: Server, tour: tuple[str, ...], table_path: str, terms: list[str], repeat: int,
            ) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    out: dict[str, list[float]] = {"switch, heading": [], "switch, settled": [], "search": [], "first row": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{server.url}/{table_path}")
        page.wait_for_selector(FIRST_ROW, state="attached", timeout=120_000)
        memory = [server.rss_mb()]
        for _ in range(repeat):
            for path in tour:  # every page once first: its caches warm, as for any visitor after the first
                heading, settled = switch(page, path)
                out["switch, heading"].append(heading)
                out["switch, settled"].append(settled)
        page.goto(f"{server.url}/{table_path}")
        page.wait_for_selector(FIRST_ROW, state="attached", timeout=60_000)
        out["search"] = [search(page, term) for term in terms[:repeat]]
        out["first row"] = [first_row(browser, f"{server.url}/{table_path}") for _ in range(repeat)]
        memory.append(server.rss_mb())
        browser.close()
    # Streamlit's collection after every rerun is off (.streamlit/config.toml): the server's memory must not grow.
    print(f"  server memory after the first page {memory[0]:.0f} MB, after every step {memory[1]:.0f} MB")
    return out


def soak(server: Server, table_path: str, count: int) -> None:
    """`count` searches on one page, printing the server's memory as they go: it must level off (Streamlit's
    collection after every rerun is off, .streamlit/config.toml)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{server.url}/{table_path}")
        page.wait_for_selector(FIRST_ROW, state="attached", timeout=120_000)
        box = page.locator("[data-testid='stTextInput'] input").first
        for i in range(1, count + 1):
            term = f"{(i * 37) % 10_000:05d}"
            box.fill(term)
            box.press("Enter")
            _wait(page, ROW_HAS, term)
            if i == 1 or i % max(1, count // 6) == 0:
                print(f"  soak: {i} searches, server memory {server.rss_mb():.0f} MB", flush=True)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--soak", type=int, default=0, help="then this many searches, printing the server's memory")
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        build_database(url, args.agencies)
        # Search terms: the five-digit serial every generated name carries (unique), spread over the table.
        terms = [f"{n:05d}" for n in range(args.agencies // 7, args.agencies, max(1, args.agencies // 7))]
        server = Server(ROOT / "streamlit_app.py", ROOT, {"DATABASE_URL": url, "SEED_DEMO": "0"},
                           folder / "site.log")
        try:
            server.wait_healthy()
            results["site"] = measure(server, TOUR, "ratings?lang=zh", terms, args.repeat)
            if args.soak:
                soak(server, "ratings?lang=zh", args.soak)
        finally:
            server.stop()
        bare_script = folder / "bare_app.py"
        bare_script.write_text(BARE_APP.replace("ROWS", str(args.agencies)), encoding="utf-8")
        bare = Server(bare_script, folder, {}, folder / "bare.log")
        try:
            bare.wait_healthy()
            bare_terms = [f"agency {n:05d}" for n in range(args.agencies // 7, args.agencies, max(1, args.agencies // 7))]
            results["bare Streamlit"] = measure(bare, ("second", ""), "", bare_terms, args.repeat)  # default page: /
        finally:
            bare.stop()
    print(f"{args.agencies:,} agencies × 3 years; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for app, found in results.items():
        for name, times in found.items():
            if not times:
                continue
            target = TARGETS["first_row"] if name == "first row" else TARGETS["search"] if name == "search" else \
                TARGETS["switch"] if name == "switch, heading" else None
            median = statistics.median(times)
            verdict = "" if target is None or app != "site" else \
                f"(target ≤ {target * 1000:.0f} ms) {'ok' if median <= target else 'MISSED'}"
            print(f"{app:<15} {name:<16} median {median * 1000:7.0f} ms  max {max(times) * 1000:7.0f} ms "
                  f"(n={len(times)}) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
