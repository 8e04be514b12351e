"""Benchmark: speed as a person feels it, on the demo of a fresh install, beside a bare Streamlit app.

    python benchmarks/bench_site.py [--repeat 5] [--only ours|bare]

Starts our site (`streamlit run streamlit_app.py`, headless on 127.0.0.1, a free port, usage stats off, a fresh
temporary DATA_DIR so that it seeds the demo itself) and, beside it, a bare Streamlit app written to a temporary
folder with as many sidebar pages doing nothing but the same widgets on a table of the same size; drives both in
headless Chromium (/usr/bin/chromium, Playwright) and prints, per step, the median of `--repeat` runs with the
min–max, ours beside bare and the ratio, and the load average of the run:

- first page of a fresh install: process start → the first page's title and content visible (seeding included);
- check a file, first time: upload the demo's JSON export on a server that has not read a file yet → the verdict;
- page switch: a click in the sidebar menu → the new page's title visible;
- search: type in the ratings search box and press Enter → the results updated (the page's run finished, or
  for a run too quick to be marked running, the table's text changed);
- find: choose a town in Find → the list updated (the same).

Every fresh install is a new server process on a new DATA_DIR, so "first page" and "check a file, first time" get
one figure each per install; the other steps run on the last install, after each page has been opened once.
The 10,000-agency variant (first row, memory soak) is benchmarks/bench_site_large.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from servers import Server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TITLE = "[data-testid='stMain'] h1"
# Counts the page's finished runs: Streamlit marks stApp's data-test-script-state "notRunning" at the end of each.
# window.__sig(): the text of the page's results (table rows, captions, alerts), to see them change;
# window.__rowHas(term): whether the first table row shows `term`.
WATCH_RUNS = """() => {
  window.__runs = 0;
  window.__sig = () => [...document.querySelectorAll("[data-testid='stMain'] :is([data-testid='stDataFrame'] "
    + "[role='row'], [data-testid='stCaptionContainer'], [data-testid='stAlert'])")].map(e => e.innerText).join('|');
  window.__rowHas = term => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stDataFrame'] "
    + "[role='row'][aria-rowindex='2']")].some(r => r.innerText.includes(term));
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => { if (app.dataset.testScriptState === 'notRunning') window.__runs += 1; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RESET_RUNS = "() => { window.__runs = 0; }"
SETTLED = "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testScriptState === 'notRunning'"
# Updated: the page's run finished, or (a run too quick for the browser to mark it running) the results changed.
UPDATED = "before => window.__runs > 0 || window.__sig() !== before"
FOUND = "term => window.__runs > 0 || window.__rowHas(term)"  # a search: its first row shows the term
NEW_TITLE = ("prev => { const h = document.querySelector(\"" + TITLE.replace('"', '\\"') + "\");"
             " return h && h.innerText.trim() && h.innerText !== prev; }")

# The bare app: the same number of menu pages, each a title; the ratings, find and check pages carry the same
# widgets as ours on data of the same size (ROWS rows, TOWNS towns), doing nothing else.
BARE_APP = textwrap.dedent('''
    import json

    import pandas as pd
    import streamlit as st

    @st.cache_data
    def rows():
        return pd.DataFrame({"code": [f"{i:018d}" for i in range(ROWS)], "name": [f"agency {i}" for i in range(ROWS)],
                             "town": [f"town {i % TOWNS}" for i in range(ROWS)]})

    def ratings():
        st.title("Ratings")
        query = st.text_input("search")
        table = rows()
        shown = table[table["code"].str.contains(query, regex=False)] if query else table
        st.caption(f"{len(shown)} of {len(table)} rows for {query!r}")
        st.dataframe(shown, hide_index=True)

    def find():
        st.title("Find")
        town = st.selectbox("town", [f"town {i}" for i in range(TOWNS)], index=None)
        if town:
            table = rows()
            shown = table[table["town"] == town]
            st.caption(f"{len(shown)} rows in {town}")
            st.dataframe(shown, hide_index=True)

    def check():
        st.title("Check")
        upload = st.file_uploader("file", type=["json"])
        if upload is not None:
            st.success(f"{len(json.loads(upload.getvalue()))} keys")

    def plain(n):
        def page():
            st.title(f"Page {n}")
        return page

    PAGES = [st.Page(plain(0), title="Overview", url_path="overview", default=True),
             st.Page(ratings, title="Ratings", url_path="ratings"), st.Page(find, title="Find", url_path="find"),
             st.Page(check, title="Check", url_path="check")]
    PAGES += [st.Page(plain(n), title=f"Page {n}", url_path=f"page{n}") for n in range(4, MENU)]
    st.navigation(PAGES, position="sidebar", expanded=True).run()
''')


def _wait(page, script: str, arg=None, timeout: float = 60_000) -> None:
    page.wait_for_function(script, arg=arg, timeout=timeout, polling="raf")


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(TITLE, timeout=180_000)
    _wait(page, SETTLED)
    page.evaluate(WATCH_RUNS)


def first_page(browser, server: Server) -> float:
    """Process start → the first page's title and the content under it visible (the page's run finished)."""
    server.wait_healthy()
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    tab.goto(server.url, wait_until="commit")
    tab.wait_for_selector(TITLE, timeout=300_000)
    _wait(tab, SETTLED, timeout=300_000)  # the title comes first; the rest of the page (seeding first, if it runs then) follows
    took = time.perf_counter() - server.started
    tab.close()
    return took


def check_file(browser, server: Server, path: str, upload: Path) -> float:
    """The check page: upload `upload` → seconds until its verdict (an alert after the uploader) shows."""
    tab = browser.new_page(viewport={"width": 1366, "height": 900})
    open_page(tab, f"{server.url}/{path}")
    alerts = "() => document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stAlert']\").length"
    before = tab.evaluate(alerts)
    start = time.perf_counter()
    tab.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload))
    _wait(tab, f"() => ({alerts[6:]}) > {before}")  # the verdict: one alert more than before
    took = time.perf_counter() - start
    tab.close()
    return took


def switch(page, href: str) -> float:
    """Click the menu entry ending in `href`: seconds until the new page's title shows."""
    before = page.inner_text(TITLE)
    start = time.perf_counter()
    page.click(f"[data-testid='stSidebarNav'] a[href$='{href}']")
    _wait(page, NEW_TITLE, before)
    took = time.perf_counter() - start
    _wait(page, SETTLED)  # the next click starts from a settled page
    return took


def search(page, term: str) -> float:
    """Type `term` into the page's first text box and press Enter: seconds until the results are updated (the run
    finished, or the first row shows the term)."""
    box = page.locator("[data-testid='stTextInput'] input").first
    box.fill(term)
    page.evaluate(RESET_RUNS)
    start = time.perf_counter()
    box.press("Enter")
    _wait(page, FOUND, term)
    took = time.perf_counter() - start
    return took


def choose(page, option: str) -> float:
    """Open the page's first select box and click `option`: seconds until the results are updated."""
    page.locator("[data-testid='stSelectbox']").first.click()
    item = page.locator("[role='option']", has_text=option).first
    item.wait_for(timeout=10_000)
    page.evaluate(RESET_RUNS)
    before = page.evaluate("() => window.__sig()")
    start = time.perf_counter()
    item.click()
    _wait(page, UPDATED, before)
    return time.perf_counter() - start


def options(page) -> list[str]:
    """The texts of the first select box's options (the box is closed again)."""
    page.locator("[data-testid='stSelectbox']").first.click()
    page.locator("[role='option']").first.wait_for(timeout=10_000)
    found = [x.strip() for x in page.locator("[role='option']").all_inner_texts()]
    page.keyboard.press("Escape")
    return found


def interactive(browser, server: Server, menu: list[str], ratings: str, find: str, terms: list[str], repeat: int,
                ) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"page switch": [], "search": [], "find": []}
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    open_page(page, server.url)  # the first menu page: the tour starts with the second
    menu = menu[1:] + menu[:1]
    for href in menu:  # every page once first: its caches warm, as for any visitor after the first
        switch(page, href)
    for _ in range(repeat):
        for href in menu:
            out["page switch"].append(switch(page, href))
    print(f"    page switch {show(out['page switch'])}", flush=True)
    open_page(page, f"{server.url}/{ratings}")
    out["search"] = [search(page, terms[i % len(terms)]) for i in range(repeat)]
    print(f"    search {show(out['search'])}", flush=True)
    open_page(page, f"{server.url}/{find}")
    towns = options(page)
    for i in range(repeat):
        out["find"].append(choose(page, towns[i % min(len(towns), 3)]))
    print(f"    find {show(out['find'])}", flush=True)
    page.close()
    return out


def demo_export(data_dir: Path, folder: Path) -> tuple[Path, int, int, list[str]]:
    """The demo's latest JSON export, its number of agencies and of towns, and credit codes spread over its table
    (the search terms), read from the seeded database."""
    from sqlalchemy import create_engine

    from db.documents import versions
    from db.documents.export import export_publication
    from db.public import reads
    from db.reference.towns import load_towns

    engine = create_engine(f"sqlite:///{data_dir / 'credit-board.db'}")
    latest = versions.publications(engine).iloc[0]
    path = folder / "demo-export.json"
    path.write_bytes(export_publication(engine=engine, year=int(latest["year"]), fmt="json"))
    codes = reads.ratings(engine, int(latest["id"]))["credit_code"].tolist()
    towns = len(load_towns(engine=engine).names)
    engine.dispose()
    return path, len(codes), towns, codes[1::max(1, len(codes) // 7)]


def ours(browser, folder: Path, repeat: int) -> tuple[dict[str, list[float]], Path, int, int]:
    from dashboard.navigation import PUBLIC_MENU
    from dashboard.ui import PAGES

    out: dict[str, list[float]] = {"first page": [], "check a file, first time": []}
    upload = agencies = towns = terms = None
    for i in range(repeat):
        data_dir = folder / f"data-{i}"
        data_dir.mkdir()
        server = Server(ROOT / "streamlit_app.py", ROOT, {"DATA_DIR": str(data_dir)}, folder / f"ours-{i}.log")
        try:
            out["first page"].append(first_page(browser, server))
            if upload is None:
                upload, agencies, towns, terms = demo_export(data_dir, folder)
            out["check a file, first time"].append(check_file(browser, server, PAGES["check_file"][1], upload))
            print(f"  ours, install {i + 1}: first page {out['first page'][-1]:.1f} s, check a file "
                  f"{out['check a file, first time'][-1]:.1f} s", flush=True)
            if i == repeat - 1:
                menu = [f"/{PAGES[key][1]}" if n else "/" for n, (key, _) in enumerate(PUBLIC_MENU)]
                # "/" matches every link's end only as the whole href: the default page's link is the bare root.
                menu = [m if m != "/" else server.url + "/" for m in menu]
                out |= interactive(browser, server, menu, PAGES["ratings"][1], PAGES["find"][1], terms, repeat)
        finally:
            server.stop()
    return out, upload, agencies, towns


def bare(browser, folder: Path, repeat: int, menu_size: int, rows: int, towns: int, upload: Path,
         ) -> dict[str, list[float]]:
    app = folder / "bare"
    app.mkdir()
    (app / "bare_app.py").write_text(BARE_APP.replace("ROWS", str(rows)).replace("TOWNS", str(towns))
                                     .replace("MENU", str(menu_size)), encoding="utf-8")
    shutil.copytree(ROOT / ".streamlit", app / ".streamlit")  # the same Streamlit settings as ours
    out: dict[str, list[float]] = {"first page": [], "check a file, first time": []}
    for i in range(repeat):
        server = Server(app / "bare_app.py", app, {}, folder / f"bare-{i}.log")
        try:
            out["first page"].append(first_page(browser, server))
            out["check a file, first time"].append(check_file(browser, server, "check", upload))
            print(f"  bare, start {i + 1}: first page {out['first page'][-1]:.1f} s, check a file "
                  f"{out['check a file, first time'][-1]:.1f} s", flush=True)
            if i == repeat - 1:
                menu = [server.url + "/", "/ratings", "/find", "/check"] + [f"/page{n}" for n in range(4, menu_size)]
                terms = [f"{n:018d}" for n in range(1, rows, max(1, rows // (repeat + 1)))]
                out |= interactive(browser, server, menu, "ratings", "find", terms, repeat)
        finally:
            server.stop()
    return out


def show(ms: list[float]) -> str:
    if not ms:
        return "—"
    median = statistics.median(ms)
    unit, scale = ("s", 1) if median >= 2 else ("ms", 1000)
    fmt = "{:.1f}" if unit == "s" else "{:.0f}"
    return f"{fmt.format(median * scale)} {unit} ({fmt.format(min(ms) * scale)}–{fmt.format(max(ms) * scale)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per step (fresh installs: one per run)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from dashboard.navigation import PUBLIC_MENU

    load = [os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        folder = Path(tmp)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        site, upload, agencies, towns = ours(browser, folder, args.repeat)
        load.append(os.getloadavg())
        plain = bare(browser, folder, args.repeat, len(PUBLIC_MENU), agencies, towns, upload)
        load.append(os.getloadavg())
        browser.close()
    print(f"\n{agencies} agencies, {towns} towns, {len(PUBLIC_MENU)} menu pages; median of {args.repeat} (min–max); "
          f"load average (1 min) {load[0][0]:.1f} at the start, {load[1][0]:.1f} after ours, {load[2][0]:.1f} "
          f"at the end, on {os.cpu_count()} cores")
    print(f"{'step':<26} {'ours':<24} {'bare Streamlit':<24} ours/bare")
    for step in ("page switch", "search", "find", "check a file, first time", "first page"):
        ratio = f"{statistics.median(site[step]) / statistics.median(plain[step]):.2f}×" \
            if site[step] and plain[step] else "—"
        print(f"{step:<26} {show(site[step]):<24} {show(plain[step]):<24} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
