"""What a buyer needs, in Chromium at 1280 px and 390 px (a phone), in Chinese and English: Find → tick two agencies
→ Compare shows both with visits delivered of contracted, the facts as cards that never scroll sideways with their
text in full; the profile's facts likewise; the open data page shows the field list and the verification steps.
Screenshots: test-output/browser/buyer-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from core.service_facts import FINDER_SPECIALTIES
from dashboard import open_data_doc
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.public import facts as public_facts
from db.reference.towns import load_towns
from db.store.engine import make_engine
from tests.browser.conftest import no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

DEVICES = {
    "1280": {"viewport": {"width": 1280, "height": 900}},
    "390": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}
LANGS = {"zh": 0, "en": 1}


def say(key: str, lang: str, **values: object) -> str:
    return fill(CATALOGUE[key][LANGS[lang]], values)


@pytest.fixture(scope="module")
def finder(demo_site) -> dict:
    """A town and specialty where Find offers two or more agencies, the first two, and their facts."""
    engine = make_engine(demo_site["db"])
    try:
        found = public_facts.service_facts(engine)
        latest = public_facts.latest_ratings(engine)
        for town in load_towns(engine=engine).names:
            for specialty in FINDER_SPECIALTIES:
                offered = public_facts.find_agencies(found["facts"], latest, town=town, specialty=specialty)
                offered = offered[~offered["blacklisted"]]
                if len(offered) >= 2:
                    two = offered.head(2)
                    rows = found["facts"].set_index("credit_code").loc[two["credit_code"]]
                    return {"town": town, "specialty": specialty, "codes": two["credit_code"].tolist(),
                            "names": two["agency_name"].tolist(), "facts": rows}
    finally:
        engine.dispose()
    pytest.fail("the demo data offer no town and specialty with two agencies to compare")


@pytest.fixture(params=list(DEVICES))
def device(request, browser):
    context = browser.new_context(locale="zh-CN", **DEVICES[request.param])
    page = context.new_page()
    yield request.param, page
    context.close()


NO_SIDEWAYS = """(selector) => {
  const wide = (e) => e.scrollWidth > e.clientWidth;
  const out = [];
  if (wide(document.scrollingElement)) out.push(`page ${document.scrollingElement.scrollWidth} > ${document.scrollingElement.clientWidth}`);
  const main = document.querySelector("[data-testid='stMain']");
  if (main && wide(main)) out.push(`main ${main.scrollWidth} > ${main.clientWidth}`);
  const facts = document.querySelector(selector);
  if (!facts) return ["no " + selector];
  for (const e of [facts, ...facts.querySelectorAll("*")]) {
    if (wide(e) && getComputedStyle(e).overflowX !== "visible") out.push(`${e.className} ${e.scrollWidth} > ${e.clientWidth}`);
  }
  if (wide(facts)) out.push(`facts ${facts.scrollWidth} > ${facts.clientWidth}`);
  const box = facts.getBoundingClientRect();
  if (box.right > document.documentElement.clientWidth + 0.5) out.push(`facts end at ${box.right}`);
  return out;
}"""


def open_url(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, timeout=90_000)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=90_000)
    wait_for_app(page, timeout=90_000)
    no_exception(page)


def towns_shown(cell: str, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(p for p in cell.split(";") if p)


@pytest.mark.parametrize("lang", LANGS)
def test_find_tick_two_then_compare_shows_both_with_visits_delivered_and_no_sideways_scroll(
        demo_site, finder, device, shots_dir: Path, lang):
    width, page = device
    town, specialty = quote(finder["town"]), quote(finder["specialty"])
    open_url(page, f"{demo_site['url']}/find?town={town}&specialty={specialty}&lang={lang}")
    assert page.locator(".st-key-find_compare").count() == 0  # the list alone, until ticking is asked for
    page.locator(".st-key-find_compare_open").get_by_text(say("public.find_compare_toggle", lang)).click()
    wait_for_app(page)
    picker = page.locator(".st-key-find_compare input")
    for name in finder["names"]:  # tick two
        picker.click()
        picker.fill(name)
        page.get_by_role("option", name=name, exact=True).click()
        wait_for_app(page)
    page.keyboard.press("Escape")
    screenshot(page, shots_dir / f"buyer-find-{width}-{lang}.png")
    go = page.get_by_role("link", name=say("public.find_compare_go", lang, n=2))
    go.scroll_into_view_if_needed()
    go.click()
    a, b = finder["codes"]
    page.wait_for_url(re.compile(rf"/compare\?.*compare={a}(%2C|,){b}"))
    wait_for_app(page, timeout=90_000)
    page.wait_for_selector(".st-key-facts_compare", timeout=90_000)
    wait_for_app(page)
    no_exception(page)

    cards = page.locator(".st-key-facts_compare")
    cards.scroll_into_view_if_needed()
    text = cards.inner_text()
    for code, name in zip(finder["codes"], finder["names"], strict=True):
        row = finder["facts"].loc[code]
        assert name in text
        delivered = say("public.visits_delivered_value", lang, delivered=int(row["visits_delivered"]),
                        contracted=int(row["visits_contracted"]))
        assert f"{say('public.fact_visits_delivered', lang)}{'：' if lang == 'zh' else ': '}{delivered}" in text
        assert towns_shown(row["towns"], lang) in text  # every town in full, none cut
    assert page.evaluate(NO_SIDEWAYS, ".st-key-facts_compare") == []
    screenshot(page, shots_dir / f"buyer-compare-{width}-{lang}.png")

    # The profile's facts, with each contract's visits delivered of contracted, fit too.
    open_url(page, f"{demo_site['url']}/profile?agency={a}&lang={lang}")
    page.wait_for_selector(".st-key-facts_card", timeout=90_000)
    card = page.locator(".st-key-facts_card")
    card.scroll_into_view_if_needed()
    shown = card.inner_text()
    assert say("public.fact_contract_visits", lang) in shown
    assert towns_shown(finder["facts"].loc[a, "towns"], lang) in shown
    assert page.evaluate(NO_SIDEWAYS, ".st-key-facts_card") == []
    screenshot(page, shots_dir / f"buyer-profile-{width}-{lang}.png")


@pytest.mark.parametrize("lang", LANGS)
def test_the_open_data_page_shows_the_field_list_and_the_verification_steps(demo_site, device, shots_dir: Path, lang):
    width, page = device
    open_url(page, f"{demo_site['url']}/open-data?lang={lang}")
    json_fields = re.findall(r"^\| `([a-z_]+)` \|", open_data_doc.sections()["The JSON original"], re.M)
    if lang == "en":  # closed, the document's Chinese file headers are not read out on the English page
        shown = page.evaluate("() => document.body.innerText")  # what test_field reads for Chinese left in English
        assert [w for w in ("列入日期", "扣分明细", "黑名单人员", "统一社会信用代码") if w in shown] == []
    for part, key in (("fields", "public.open_data_fields"), ("steps", "public.open_data_steps")):
        box = page.locator(f".st-key-open_data_{part}")
        assert box.count() == 0  # drawn when chosen
        page.locator(".st-key-more_open_data").get_by_role("radio", name=say(key, lang), exact=True).click()
        wait_for_app(page)
        box.locator("ol li").first.wait_for(timeout=30_000) if part == "steps" else box.locator("table").first.wait_for(
            timeout=30_000)
        text = box.inner_text()
        if part == "fields":
            assert [f for f in json_fields if f not in text] == []  # every field of the JSON original is listed
            assert box.locator("table").count() >= 4
        else:
            assert box.locator("ol").first.locator(":scope > li").count() == 7  # the seven steps
            assert "SHA-256" in text and "Ed25519" in text
        assert box.locator("script, iframe").count() == 0
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
    screenshot(page, shots_dir / f"buyer-open-data-{width}-{lang}.png")
