"""The public site as a new visitor finds it, in Chromium at 1366×900 (desktop) and 390×844 (a phone, touch), in
Chinese and English: every public page is screenshot to test-output/browser/field-*.png and fails on

- an element wider than the screen (the page scrolling sideways), or, on the desktop, a table hiding columns
  behind a sideways scroll;
- a heading or a line of text covered by another element (a table's toolbar, the app's header);
- text inside a table running out of its cell (not wrapped, or cut off at the column's edge);
- untranslated text in the English site (Chinese left once the data shown on the page is taken out);
- an axe-core WCAG 2.1 A/AA violation from our content (Streamlit's own nodes are allowed by name below and in the
  "Accessibility" part of docs/public-site.md).

One demo app (`demo_site` in tests/browser/conftest.py, seeded on first start) serves this file and
test_public_site.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from core.rulebook import load_rulebook
from db.documents import versions
from db.public import listings as listing_reads
from db.public import reads as public
from db.reference.towns import load_towns
from db.store.engine import make_engine
from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True},
}
# url path → query (besides lang); {a}…{d}: agencies of the latest year, {town}: a town with filings.
PAGES = {
    "": "",  # the overview, the default page
    "ratings": "",
    "find": "&town={town}&specialty=机械",
    "blacklist": "",
    "profile": "&agency={b}",
    "compare": "&compare={a},{b},{c},{d}",
    "open-data": "",
    "check": "",
    "rules": "",
}
# Chinese characters and punctuation (the ideographic space U+3000 is white space, not text).
CJK = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Chinese that the English site shows on purpose, not data: the language switch names both languages, and the
# English gloss of clause 1.8 names the legal term it translates.
BILINGUAL_ON_PURPOSE = ("语言 Language", "中文", "(约谈)")

# axe-core rules and the Streamlit containers whose nodes are Streamlit's own markup, not our content
# (docs/public-site.md, "Accessibility"): a node is let through only for that rule and only inside that container.
STREAMLIT_NODES = (
    # The sidebar menu of st.navigation: its section lists put <li> items in a <div> between <ul> and <li>,
    # so axe finds list items without a list (WCAG 1.3.1). Our menu passes only titles and icons to Streamlit.
    ("listitem", "[data-testid='stSidebarNav']"),
    ("list", "[data-testid='stSidebarNav']"),
)
# WCAG 2.1 A and AA only; violations only (passes and incomplete results would double axe's time on a page).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
INSIDE = "([selector, container]) => !!document.querySelector(selector)?.closest(container)"

PAGE_CHECKS = """
() => {
  const vw = document.documentElement.clientWidth;
  const main = document.querySelector("[data-testid='stMain']");
  const out = {wide: [], covered: [], scrolling: [], text: ""};
  const describe = (el) => (el.getAttribute("data-testid") || el.tagName.toLowerCase())
      + ": " + (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 60);
  // Anything wider than the screen or reaching past its right edge (the page would scroll sideways); what a
  // table or a code block scrolls inside itself is measured by its own box, which must fit.
  for (const el of main.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible") { clipped = true; break; }
    }
    if (!clipped && (r.right > vw + 1 || r.width > vw + 1)) out.wide.push(describe(el) + ` (${Math.round(r.right)}px)`);
  }
  out.pageWidth = document.documentElement.scrollWidth;
  // Tables that hide columns behind a sideways scroll.
  for (const grid of main.querySelectorAll("[data-testid='stDataFrame']")) {
    const scroller = grid.querySelector(".dvn-scroller");
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 2) {
      let title = "";
      for (let p = grid.closest("[data-testid='stElementContainer']"); p; p = p.previousElementSibling) {
        if (p.innerText && p.innerText.trim()) { title = p.innerText.trim().slice(0, 40); break; }
      }
      out.scrolling.push(`table after "${title}": ${scroller.scrollWidth}px of content in ${scroller.clientWidth}px`);
    }
  }
  out.text = document.body.innerText;
  return out;
}
"""

# Text running out of its cell in a table with tall rows (over 4 rem: where Streamlit wraps, and where we promise
# the whole text; a one-line row shows the rest on a tap). Streamlit draws tables on a canvas, so the check reads
# its pixels. Rows and columns are separated by lines of the grid's border colour (#E8E5E2) across most of the
# canvas; text stays 8 px (the cell's padding) left of a column's line, so dark pixels in the 3 px before it are
# text that ran out of its cell (unwrapped, or cut). The canvas's own right edge is not checked: on a phone a
# table scrolls sideways.
CELLS_CUT = """
() => {
  const out = [];
  const canvases = document.querySelectorAll("[data-testid='stMain'] canvas[data-testid='data-grid-canvas']");
  canvases.forEach((canvas, index) => {
    const ctx = canvas.getContext("2d");
    const {width, height} = canvas;
    if (!ctx || !width || !height) return;
    const dpr = Math.max(1, Math.round(width / canvas.getBoundingClientRect().width));
    const px = ctx.getImageData(0, 0, width, height).data;
    const at = (x, y) => 4 * (y * width + x);
    const border = (i) => Math.abs(px[i] - 0xE8) + Math.abs(px[i + 1] - 0xE5) + Math.abs(px[i + 2] - 0xE2) < 12;
    const dark = (i) => px[i + 3] > 0 && (px[i] + px[i + 1] + px[i + 2]) / 3 < 200;
    const rows = [];
    for (let y = 0; y < height; y++) {
      let n = 0;
      for (let x = 0; x < width; x += 2) if (border(at(x, y))) n++;
      if (n > 0.3 * width && (!rows.length || y - rows[rows.length - 1] > dpr)) rows.push(y);
    }
    const gaps = rows.slice(1).map((y, i) => (y - rows[i]) / dpr).sort((a, b) => a - b);
    if (!gaps.length || gaps[Math.floor(gaps.length / 2)] <= 64) return;  // one-line rows
    let column = 0;
    for (let x = 3 * dpr; x < width - 2 * dpr; x++) {
      let lines = 0;
      for (let y = 0; y < height; y++) if (border(at(x, y))) lines++;
      if (lines < 0.6 * height) continue;
      column++;
      let ink = 0;
      for (let y = 0; y < height; y++)
        for (let dx = 1; dx <= 3 * dpr; dx++) if (dark(at(x - dx, y))) ink++;
      if (ink >= 3) {
        const header = canvas.querySelectorAll("th")[column - 1]?.innerText || `column ${column}`;
        out.push(`table ${index + 1}: text runs out of its cell in "${header}"`);
      }
      x += dpr;  // the rest of this line
    }
  });
  return out;
}
"""

# Is the text of `el` on top at its start, middle and end? (elementFromPoint at points of each of its lines)
_COVERED_TEXT = """
const coveredText = (el) => {
  const covered = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width === 0) continue;
      for (const f of [0.05, 0.5, 0.95]) {
        const hit = document.elementFromPoint(r.left + r.width * f, r.top + r.height / 2);
        if (hit && !el.contains(hit)) {
          const by = hit.closest("[data-testid]")?.getAttribute("data-testid") || hit.tagName;
          covered.push(`"${node.textContent.trim().slice(0, 30)}" under ${by}`);
          break;
        }
      }
    }
  }
  return covered;
};
"""
# Every heading, scrolled to the middle of the screen.
HEADINGS_COVERED = "() => {" + _COVERED_TEXT + """
  const out = [];
  for (const h of document.querySelectorAll("[data-testid='stMain'] :is(h1, h2, h3, h4)")) {
    h.scrollIntoView({block: "center"});
    out.push(...coveredText(h));
  }
  return out;
}"""
# The line above table `i` (a heading, or a label such as a bucket's points), scrolled to the middle of the screen.
ABOVE_TABLE = """(i) => {
  const grid = document.querySelectorAll("[data-testid='stMain'] [data-testid='stDataFrame']")[i];
  const box = grid.closest("[data-testid='stElementContainer']");
  let before = box.previousElementSibling;
  while (before && !before.innerText.trim()) before = before.previousElementSibling;
  (before || grid).scrollIntoView({block: "center"});
  const r = grid.getBoundingClientRect();
  return {x: r.left, y: r.top, width: r.width};
}"""
TABLE_COVERS = "(i) => {" + _COVERED_TEXT + """
  const grid = document.querySelectorAll("[data-testid='stMain'] [data-testid='stDataFrame']")[i];
  let before = grid.closest("[data-testid='stElementContainer']").previousElementSibling;
  while (before && !before.innerText.trim()) before = before.previousElementSibling;
  return before ? coveredText(before) : [];
}"""


@pytest.fixture(scope="module")
def shown_data(demo_site) -> dict:
    """What the pages show as data (kept as published in every language), and the agencies and town to open."""
    engine = make_engine(demo_site["db"])
    try:
        years = public.published_years(engine)
        frame = public.ratings(engine, int(versions.current_publication(engine, years[0])["id"]))
        values = set(public.agency_index(engine)["agency_name"]) | set(versions.publications(engine)["reason"].dropna())
        for year in years:
            listed = public.blacklist(engine, year)
            values |= set(listed["practitioners"]["practitioner"]) | set(listed["agencies"]["agency_name"])
        values |= set(listing_reads.listings(engine)["practitioner"].dropna())
        towns = load_towns(engine=engine)
    finally:
        engine.dispose()
    rulebook = load_rulebook()
    values |= set(towns.names) | {c.text_zh for c in rulebook.clauses}  # clause texts are shown as the regulation says
    codes = frame.sort_values("total", ascending=False)["credit_code"].tolist()
    return {"values": sorted((v for v in values if v), key=len, reverse=True), "town": towns.names[0],
            "a": codes[0], "b": codes[-1], "c": codes[len(codes) // 2], "d": codes[1]}


def settle(page) -> None:
    """Wait until the page has run and drawn: its title shown, no placeholder left, charts and tables drawn."""
    # Generous timeouts: a page's first run in a fresh cache takes tens of seconds on a busy two-core machine.
    wait_for_app(page, timeout=90_000)
    # The app may still say notRunning before its first run starts: wait for what it draws.
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMain'] h1\")"
        " && !document.querySelector(\"[data-testid='stSkeleton'], [data-testid='stSkeletonElement']\")",
        timeout=90_000)
    wait_for_app(page, timeout=90_000)
    page.wait_for_timeout(500)  # charts and tables draw after the script has run


def untranslated(text: str, values: list[str]) -> list[str]:
    """Lines of the English page that still hold Chinese once the data values shown on it are taken out."""
    found = []
    for line in text.splitlines():
        rest = line
        for value in [*values, *BILINGUAL_ON_PURPOSE]:
            if value in rest:
                rest = rest.replace(value, " ")
        if CJK.search(rest):
            found.append(line.strip()[:120])
    return found


def our_violations(page, results: dict) -> list[str]:
    """axe-core violations, less the nodes inside Streamlit's own containers for that rule (STREAMLIT_NODES)."""
    out = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = node["target"][-1] if node["target"] else ""
            if isinstance(target, str) and any(
                rule == violation["id"] and page.evaluate(INSIDE, [target, container])
                for rule, container in STREAMLIT_NODES
            ):
                continue
            out.append(f"{violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))[:120]} "
                       f"{node.get('html', '')[:120]} — {node.get('failureSummary', '')[:200]}")
    return out


def covered_by_toolbars(page, phone: bool) -> list[str]:
    """Text above each table covered once its toolbar shows, the way a visitor brings it up: hover, or a tap."""
    covered = []
    for i in range(page.get_by_test_id("stDataFrame").count()):
        box = page.evaluate(ABOVE_TABLE, i)
        x, y = box["x"] + min(60, box["width"] / 2), box["y"] + 50  # a cell of the first row, clear of the header
        if phone:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.move(x, y)
        page.wait_for_timeout(200)
        covered += page.evaluate(TABLE_COVERS, i)
    page.mouse.move(0, 0)
    return covered


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_public_page_reads_on_this_screen(demo_site, shown_data, browser, shots_dir: Path, device, lang):
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US", **VIEWPORTS[device])
    page = context.new_page()
    axe = Axe()
    problems: list[str] = []
    try:
        for path, query in PAGES.items():
            page.goto(f"{demo_site['url']}/{path}?lang={lang}" + query.format(**shown_data))
            settle(page)
            no_exception(page)
            screenshot(page, shots_dir / f"field-{path or 'overview'}-{device}-{lang}.png")
            found = page.evaluate(PAGE_CHECKS)
            if found["pageWidth"] > VIEWPORTS[device]["viewport"]["width"] + 1:
                problems.append(f"{path}: the page is {found['pageWidth']}px wide")
            problems += [f"{path}: wider than the screen: {w}" for w in found["wide"][:5]]
            if device == "desktop":
                problems += [f"{path}: {s}" for s in found["scrolling"]]
            problems += [f"{path}: {c}" for c in page.evaluate(CELLS_CUT)]
            problems += [f"{path}: covered: {c}" for c in page.evaluate(HEADINGS_COVERED)]
            problems += [f"{path}: covered by a table's toolbar: {c}" for c in covered_by_toolbars(page, device == "phone")]
            if lang == "en":
                problems += [f"{path}: untranslated: {line}" for line in untranslated(found["text"], shown_data["values"])]
            lang_attr = page.evaluate("document.documentElement.lang")
            if not lang_attr.startswith(lang):
                problems.append(f"{path}: <html lang={lang_attr!r}> on a {lang} page")
            results = axe.run(page, options=AXE_OPTIONS)
            problems += [f"{path}: axe {v}" for v in our_violations(page, results.response)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
