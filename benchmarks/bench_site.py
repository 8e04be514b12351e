"""Benchmark: speed as a person feels it, on the demo of a fresh install, beside a bare Streamlit app.

    python benchmarks/bench_site.py [--repeat 5]

Starts our site (`streamlit run streamlit_app.py`, headless on 127.0.0.1, a free port, usage stats off, a fresh
temporary DATA_DIR so that it seeds the demo itself) and, beside it, a bare Streamlit app written to a temporary
folder: our ten menu pages, each showing the same kinds of widgets as our page's first screen on data of the same
size, in plain Streamlit (BARE_APP below); and, for the interactive steps, the same bare app with title-only pages
but for ratings, find and check (the bare app of earlier runs). Drives them in headless Chromium (/usr/bin/chromium,
Playwright) and prints, per step, the median with the min–max, ours beside each bare app and the ratios, the
page switches by page, and the load average of the run:

- first page of a fresh install: process start → the first page's title and content visible (seeding included);
- check a file, first time: upload the demo's JSON export on a server that has not read a file yet → the verdict;
- page switch: a click in the sidebar menu → the new page's title visible;
- search: type in the ratings search box and press Enter → the results updated (the page's run finished, or
  for a run too quick to be marked running, the table's text changed);
- find: choose a town in Find → the list updated (the same).

Every fresh install is a new server process on a new DATA_DIR, so "first page" and "check a file, first time" get
one figure each per install. The other steps run on the last install of each app, both up at once, after each page
has been opened once: every page switch, search and town is taken by ours and then by each bare app, click by click,
so they meet the same moment of the machine (each in its own headless browser; the others are idle meanwhile):
`--repeat` tours of the menu, and three times `--repeat` searches and towns.
The 10,000-agency variant (first row, memory soak) is benchmarks/bench_site_large.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from servers import NOT_INHERITED, Server  # noqa: E402

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

# The bare app: our menu's pages in our order, each showing what our page's first screen shows, in Streamlit's own
# widgets on neutral data of the same size (ROWS agencies, TOWNS towns, LISTED on the blacklist), with none of our
# code: no site caption, language button, demo warning, page style, sidebar language switch or URL state. So "ours /
# bare" is what our code costs over Streamlit itself doing the same visible job. Ratings and blacklist show our very
# tables (TABLES_DIR: bench_load's dump). BARE_PAGES=titles gives the earlier bare app: ratings a search over a
# 3-column table, find a town box, check an uploader, the other seven pages a title only.
BARE_APP = textwrap.dedent('''
    import json
    import os
    from pathlib import Path

    import pandas as pd
    import streamlit as st

    TITLES_ONLY = os.environ.get("BARE_PAGES") == "titles"
    TABLES = Path(TABLES_DIR)
    st.set_page_config(layout="wide")  # as ours

    @st.cache_data
    def rows():
        return pd.DataFrame({"code": [f"{i:018d}" for i in range(ROWS)], "name": [f"agency {i}" for i in range(ROWS)],
                             "town": [f"town {i % TOWNS}" for i in range(ROWS)]})

    def year():
        return st.selectbox("year", [2025, 2024, 2023])

    def more(options):
        return st.pills("more on this page", options)

    def overview():
        year()
        with st.form("search", border=False):
            st.text_input("search")
            st.form_submit_button("find in the ratings", icon=":material/search:")
        st.subheader("agencies by grade")
        with st.container(horizontal=True, gap="medium"):
            for label, count in (("rated", ROWS), ("A", ROWS // 2), ("B", ROWS // 4), ("C", ROWS // 8), ("X", LISTED)):
                st.metric(label, count, width="content")
        st.markdown("**version**: 1　**published on**: 2026-01-16")
        more(["chart", "publication", "corrections"])
        for page in ("ratings", "blacklist", "open-data"):
            st.page_link(f"http://localhost/{page}", label=page, icon=":material/table_view:")

    @st.cache_resource
    def our_tables():
        """Our very ratings and blacklist tables, as our pages hand them to st.dataframe (bench_load's dump)."""
        described = json.loads((TABLES / "tables.json").read_text(encoding="utf-8"))
        return {t["key"]: {**t, "frame": pd.read_parquet(TABLES / t["file"])} for t in described}

    def our_table(key, frame=None):
        t = our_tables()[key]
        st.dataframe(t["frame"] if frame is None else frame, hide_index=True, column_config=t["config"],
                     column_order=t["order"], row_height=t["row_height"], key=key)

    def ratings():
        if TITLES_ONLY:  # the earlier bare app: a search box over a 3-column table of as many rows
            query = st.text_input("search")
            table = rows()
            shown = table[table["code"].str.contains(query, regex=False)] if query else table
            st.caption(f"{len(shown)} of {len(table)} rows for {query!r}")
            st.dataframe(shown, hide_index=True)
            return
        year()
        left, middle, right = st.columns(3)
        left.multiselect("grade", ["A", "B", "C", "X"], placeholder="every grade")
        middle.selectbox("town served", ["every town"] + [f"town {i}" for i in range(TOWNS)])
        right.selectbox("sort", ["total, high to low", "total, low to high", "name", "code"])
        query = st.text_input("search")
        table = our_tables()["ratings_table"]["frame"]
        hit = table["credit_code"].str.contains(query, regex=False) | table["agency_name"].str.contains(query, regex=False)
        shown = table[hit] if query else table
        st.caption(f"{len(shown)} of {len(table)} rows for {query!r}")
        our_table("ratings_table", shown)
        st.toggle("every column")
        st.toggle("tick rows to compare")

    def find():
        if not TITLES_ONLY:
            st.caption("choose your town and the specialty you need: the rated agencies serving it, best first")
            st.radio("specialty", ["mechanical", "electrical", "chemical", "fire"], horizontal=True)
        town = st.selectbox("town", [f"town {i}" for i in range(TOWNS)], index=None)
        if town:
            table = rows()
            shown = table[table["town"] == town]
            st.caption(f"{len(shown)} rows in {town}")
            st.dataframe(shown, hide_index=True)
            if not TITLES_ONLY:
                st.caption("visits delivered against contracted")
                st.toggle("compare some of them")
                st.caption("how the list is made")
        elif not TITLES_ONLY:
            st.info("choose your town first")

    def blacklist():
        year()
        st.subheader("listed agencies")
        our_table("blacklist_agencies")
        st.markdown("**clauses**")
        st.markdown("- 1.1 a clause\\n- 1.2 another clause")
        more(["practitioners", "earlier years", "listings", "history"])

    def profile():
        st.selectbox("agency", rows()["name"], index=None, placeholder="name or code")

    def compare():
        st.multiselect("agencies", rows()["name"], placeholder="name or code")
        st.info("choose two or more agencies")

    def open_data():
        st.markdown("the files of every published year")
        st.markdown("check a file")
        st.page_link("http://localhost/check", label="check a file", icon=":material/verified:")
        st.subheader("2025")
        with st.container(border=True):
            st.markdown("**version 1**")
            st.markdown("**digest**")
            st.code("0" * 64, language=None, wrap_lines=True)
            st.markdown("**signed by** key")
            for column, kind in zip(st.columns(3), ("csv", "json", "xlsx")):
                with column:
                    st.download_button(kind, data=b"x", file_name=f"ratings.{kind}", key=kind)
                    st.download_button(f"{kind} signature", data=b"x", file_name=f"ratings.{kind}.sig", key=f"{kind}.sig")
        more(["earlier versions", "fields", "verify", "keys", "checksums", "listings"])

    def check():
        upload = st.file_uploader("file", type=["json"])
        if upload is not None:
            st.success(f"{len(json.loads(upload.getvalue()))} keys")

    def spot_checks():
        st.markdown("how agencies are drawn, and how anyone can draw them again")
        for plan in ("2027-1 announced", "2025-1 drawn"):
            st.subheader(plan)
            st.markdown("**draw date**: 2025-06-02")
            st.caption("not drawn yet")
            st.markdown("**drawn agencies and experts**")
            st.markdown("\\n".join(f"{i}. agency {i}, experts E0{i}, result: no findings" for i in range(1, 4)))
        more(["announcement", "inputs", "files"])

    def rules():
        st.subheader("rulebook")
        st.markdown("**source**: the measures, annex 3")
        st.markdown("100 points in all")
        st.subheader("grades")
        st.markdown("\\n".join(f"- {g}: a range" for g in ("A", "B", "C", "blacklist")))
        more(["where the points come from", "clauses", "reports"])

    def page(title, body):
        def run():
            st.title(title)
            if not TITLES_ONLY or title in ("Ratings", "Find", "Check"):
                body()
        return run

    PAGES = [(overview, "Overview", "overview"), (ratings, "Ratings", "ratings"), (find, "Find", "find"),
             (blacklist, "Blacklist", "blacklist"), (profile, "Profile", "profile"), (compare, "Compare", "compare"),
             (open_data, "Open data", "open-data"), (check, "Check", "check"), (spot_checks, "Spot checks", "spot-checks"),
             (rules, "Rules", "rules")]
    st.navigation([st.Page(page(title, body), title=title, url_path=path, default=not n)
                   for n, (body, title, path) in enumerate(PAGES)], position="sidebar", expanded=True).run()
''')
BARE_MENU = ["ratings", "find", "blacklist", "profile", "compare", "open-data", "check", "spot-checks", "rules"]


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


class Tour:
    """One app's side of the interactive steps: its server, its own browser tab, its menu and its search terms."""

    def __init__(self, browser, server: Server, menu: list[str], ratings: str, find: str, terms: list[str]) -> None:
        self.page = browser.new_page(viewport={"width": 1366, "height": 900})
        self.server, self.menu, self.ratings, self.find, self.terms = server, menu, ratings, find, terms
        self.out: dict[str, list[float]] = {"page switch": [], "search": [], "find": []}
        self.towns: list[str] = []
        self.by_page: dict[str, list[float]] = {}  # page switches by the page opened

    def warm(self) -> None:
        """Every menu page once (its caches warm, as for any visitor after the first), from the first one."""
        open_page(self.page, self.server.url)
        self.menu = self.menu[1:] + self.menu[:1]  # the tour starts with the second page
        for href in self.menu:
            switch(self.page, href)

    def switch(self, i: int) -> None:
        href = self.menu[i % len(self.menu)]
        self.out["page switch"].append(switch(self.page, href))
        self.by_page.setdefault(href.rsplit("/", 1)[-1] or "/", []).append(self.out["page switch"][-1])

    def open_ratings(self) -> None:
        open_page(self.page, f"{self.server.url}/{self.ratings}")

    def search(self, i: int) -> None:
        self.out["search"].append(search(self.page, self.terms[i % len(self.terms)]))

    def open_find(self) -> None:
        open_page(self.page, f"{self.server.url}/{self.find}")
        self.towns = options(self.page)

    def choose(self, i: int) -> None:
        self.out["find"].append(choose(self.page, self.towns[i % min(len(self.towns), 3)]))


def interactive(tours: list[Tour], repeat: int) -> None:
    """Page switches (`repeat` times through the menu), searches and towns chosen, each step taken by every tour in
    turn, click by click: the apps meet the same moment of the machine (its load moves within seconds), so their
    ratio does not depend on what else ran in the minutes between them."""
    for tour in tours:
        tour.warm()
    clicks = repeat * max(len(tour.menu) for tour in tours)
    for i in range(clicks):
        for tour in tours:
            tour.switch(i)
    for tour in tours:
        tour.open_ratings()
    # Three times `repeat` searches and towns: a tenth of the switches, and 5 samples moved the ratio by ±0.2.
    for i in range(3 * repeat):
        for tour in tours:
            tour.search(i)
    for tour in tours:
        tour.open_find()
    for i in range(3 * repeat):
        for tour in tours:
            tour.choose(i)
    for tour in tours:
        tour.page.close()


def demo_export(data_dir: Path, folder: Path) -> tuple[Path, int, int, list[str], int]:
    """The demo's latest JSON export, its number of agencies and of towns, credit codes spread over its table (the
    search terms) and its number of blacklisted agencies, read from the seeded database."""
    from sqlalchemy import create_engine

    from db.documents import versions
    from db.documents.export import export_publication
    from db.public import reads
    from db.reference.towns import load_towns

    engine = create_engine(f"sqlite:///{data_dir / 'credit-board.db'}")
    latest = versions.publications(engine).iloc[0]
    path = folder / "demo-export.json"
    path.write_bytes(export_publication(engine=engine, year=int(latest["year"]), fmt="json"))
    rated = reads.ratings(engine, int(latest["id"]))
    codes = rated["credit_code"].tolist()
    towns = len(load_towns(engine=engine).names)
    listed = len(reads.blacklist(engine, int(latest["year"]))["agencies"])  # the rows the blacklist page shows
    engine.dispose()
    return path, len(codes), towns, codes[1::max(1, len(codes) // 7)], listed


def ours(browser, folder: Path, repeat: int, stack: ExitStack,
         ) -> tuple[dict[str, list[float]], Tour, Path, int, int, int, Path]:
    """`repeat` fresh installs of our site (first page, first check of a file); the last one stays up for the tour."""
    from dashboard.navigation import PUBLIC_MENU
    from dashboard.ui import PAGES

    out: dict[str, list[float]] = {"first page": [], "check a file, first time": []}
    upload = agencies = towns = terms = listed = tables = None
    for i in range(repeat):
        data_dir = folder / f"data-{i}"
        data_dir.mkdir()
        server = Server(ROOT / "streamlit_app.py", ROOT, {"DATA_DIR": str(data_dir)}, folder / f"ours-{i}.log")
        stack.callback(server.stop)
        out["first page"].append(first_page(browser, server))
        if upload is None:
            upload, agencies, towns, terms, listed = demo_export(data_dir, folder)
            tables = our_tables(data_dir, folder)
        out["check a file, first time"].append(check_file(browser, server, PAGES["check_file"][1], upload))
        print(f"  ours, install {i + 1}: first page {out['first page'][-1]:.1f} s, check a file "
              f"{out['check a file, first time'][-1]:.1f} s", flush=True)
        if i < repeat - 1:
            server.stop()
    menu = [f"/{PAGES[key][1]}" if n else "/" for n, (key, _) in enumerate(PUBLIC_MENU)]
    # "/" matches every link's end only as the whole href: the default page's link is the bare root.
    menu = [m if m != "/" else server.url + "/" for m in menu]
    tour = Tour(browser, server, menu, PAGES["ratings"][1], PAGES["find"][1], terms)
    return out, tour, upload, agencies, towns, listed, tables


def our_tables(data_dir: Path, folder: Path) -> Path:
    """Dump the ratings and blacklist tables our pages show a first visitor of the install at `data_dir` (bench_load's
    `dump_tables`, in a child process on that install's database) to `folder`/tables, for the bare app."""
    tables = folder / "tables"
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    dump = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_load.py"), "--dump-tables", str(tables)],
                          cwd=ROOT, env={**env, "DATA_DIR": str(data_dir)}, timeout=600, capture_output=True,
                          text=True)
    if dump.returncode:  # Streamlit warns on every cached call outside a server: show only a failure's own end
        raise SystemExit(f"dumping our tables failed:\n{dump.stderr[-3000:]}")
    return tables


def bare_app(folder: Path, rows: int, towns: int, listed: int, tables: Path) -> Path:
    """Write the bare app (BARE_APP on data of our demo's size, showing our very tables from `tables`) and our
    Streamlit settings to `folder`/bare."""
    app = folder / "bare"
    app.mkdir(exist_ok=True)
    (app / "bare_app.py").write_text(BARE_APP.replace("ROWS", str(rows)).replace("TOWNS", str(towns))
                                     .replace("LISTED", str(listed)).replace("TABLES_DIR", repr(str(tables))),
                                     encoding="utf-8")
    shutil.copytree(ROOT / ".streamlit", app / ".streamlit", dirs_exist_ok=True)  # the same Streamlit settings as ours
    return app


def bare_tour(browser, server: Server, terms: list[str]) -> Tour:
    return Tour(browser, server, [server.url + "/"] + [f"/{path}" for path in BARE_MENU], "ratings", "find", terms)


def bare(browser, folder: Path, repeat: int, rows: int, towns: int, listed: int, tables: Path, upload: Path,
         terms: list[str], stack: ExitStack) -> tuple[dict[str, list[float]], Tour]:
    """`repeat` starts of the bare app (first page, first check of a file); the last one stays up for the tour."""
    app = bare_app(folder, rows, towns, listed, tables)
    out: dict[str, list[float]] = {"first page": [], "check a file, first time": []}
    for i in range(repeat):
        server = Server(app / "bare_app.py", app, {}, folder / f"bare-{i}.log")
        stack.callback(server.stop)
        out["first page"].append(first_page(browser, server))
        out["check a file, first time"].append(check_file(browser, server, "check", upload))
        print(f"  bare, start {i + 1}: first page {out['first page'][-1]:.1f} s, check a file "
              f"{out['check a file, first time'][-1]:.1f} s", flush=True)
        if i < repeat - 1:
            server.stop()
    return out, bare_tour(browser, server, terms)  # our codes: its ratings table is ours


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
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw, ExitStack() as stack:
        folder = Path(tmp)
        # One browser per app: each tab is the only one of its browser, never a background tab.
        browsers = [pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) for _ in range(3)]
        for browser in browsers:
            stack.callback(browser.close)
        site, our_tour, upload, agencies, towns, listed, tables = ours(browsers[0], folder, args.repeat, stack)
        load.append(os.getloadavg())
        plain, same_tour = bare(browsers[1], folder, args.repeat, agencies, towns, listed, tables, upload,
                                our_tour.terms, stack)
        load.append(os.getloadavg())
        app = bare_app(folder, agencies, towns, listed, tables)
        titled = Server(app / "bare_app.py", app, {"BARE_PAGES": "titles"}, folder / "bare-titles.log")
        stack.callback(titled.stop)
        titled.wait_healthy()
        # Its ratings table is the earlier 3-column one, of codes 000…0 to 000…(agencies − 1).
        titles_tour = bare_tour(browsers[2], titled, [f"{n:018d}" for n in range(1, agencies, max(1, agencies // 6))])
        interactive([our_tour, same_tour, titles_tour], args.repeat)
        site |= our_tour.out
        plain |= same_tour.out
        load.append(os.getloadavg())
    print(f"\n{agencies} agencies, {towns} towns, {listed} blacklist rows, {len(PUBLIC_MENU)} menu pages; median (min–max) "
          f"of {args.repeat} installs, {len(site['page switch'])} page switches, {len(site['search'])} searches and "
          f"{len(site['find'])} towns each; load average (1 min) "
          f"{load[0][0]:.1f} at the start, {load[1][0]:.1f} after our installs, {load[2][0]:.1f} after bare's, "
          f"{load[3][0]:.1f} at the end (the interactive steps: ours, bare and bare with title-only pages click by "
          f"click), on {os.cpu_count()} cores")
    print(f"{'step':<26} {'ours':<22} {'bare Streamlit':<22} {'ours/bare':<10} {'bare, title-only pages':<24} ours/that")
    for step in ("page switch", "search", "find", "check a file, first time", "first page"):
        titles = titles_tour.out.get(step, [])
        print(f"{step:<26} {show(site[step]):<22} {show(plain[step]):<22} {ratio(site[step], plain[step]):<10} "
              f"{show(titles):<24} {ratio(site[step], titles)}")
    print("\npage switch by the page opened, median (ms): ours / bare / bare with title-only pages")
    for (page, ms), same, titles in zip(our_tour.by_page.items(), same_tour.by_page.values(),
                                        titles_tour.by_page.values(), strict=True):
        print(f"  {page:<12} {statistics.median(ms) * 1000:4.0f} / {statistics.median(same) * 1000:4.0f} / "
              f"{statistics.median(titles) * 1000:4.0f}")
    return 0


def ratio(ours: list[float], bare: list[float]) -> str:
    return f"{statistics.median(ours) / statistics.median(bare):.2f}×" if ours and bare else "—"


if __name__ == "__main__":
    sys.exit(main())
