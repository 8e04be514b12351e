"""Service facts on the public pages (zh and en): the finder, the profile's and compare's facts apart from the
rating, the ratings' town filter reading contracts, empty states, and no personal detail of the filings shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.documents import versions
from db.public import reads as public
from db.store.engine import make_engine
from tests.dashboard.page_text import page_text, ratings_table
from tests.dashboard.test_public_site import open_page
from tests.db.facts_records import FACTS_YEAR, Filer, import_filings, personal_values

TODAY = dt.date(2026, 11, 29)
TOWN = "璜土镇"


def zh(key: str, **values: object) -> str:
    return fill(CATALOGUE[key][0], values)


def en(key: str, **values: object) -> str:
    return fill(CATALOGUE[key][1], values)


def _without_demo_records(engine: Engine) -> None:
    """This test's copy of the demo database without the demo's service records: each test files its own."""
    from db.records.reads import RECORD_MODELS
    from db.store.models import Upload

    with engine.begin() as conn:
        for model in RECORD_MODELS.values():
            conn.execute(model.__table__.delete())
        conn.execute(Upload.__table__.delete().where(Upload.kind.in_(list(RECORD_MODELS))))


@pytest.fixture
def engine(app_db, monkeypatch):
    import dashboard.data

    monkeypatch.setattr(dashboard.data, "china_today", lambda: TODAY)  # the facts are counted to a fixed day
    eng = make_engine(f"sqlite:///{app_db}")
    _without_demo_records(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def rated(engine):
    """The latest year's ratings: a clean A (never assessed by any town), a B, a C and a blacklisted agency."""
    ratings = public.ratings(engine, int(versions.current_publication(engine, 2025)["id"]))
    pick = {grade: ratings[ratings["grade"] == grade].iloc[0] for grade in ("A", "B", "C", "BLACKLIST")}
    assert TOWN not in pick["A"]["towns"].split(";")  # the complaint: a clean agency serving 璜土镇
    return pick


@pytest.fixture
def filed(engine, rated):
    """Filings: A, B, C and the blacklisted agency serve 璜土镇 with a mechanical engineer; only B has electrical."""
    filers = [
        Filer(rated["C"]["credit_code"], rated["C"]["agency_name"], [TOWN], ["机械"]),
        Filer(rated["BLACKLIST"]["credit_code"], rated["BLACKLIST"]["agency_name"], [TOWN], ["机械"]),
        Filer(rated["B"]["credit_code"], rated["B"]["agency_name"], [TOWN, "华士镇"], ["机械", "电气"]),
        Filer(rated["A"]["credit_code"], rated["A"]["agency_name"], [TOWN], ["机械", "化工"], left=["电气"]),
        Filer("91320281MA1X00009L", "新设安全咨询有限公司", [TOWN], ["机械"]),  # no published rating
    ]
    return import_filings(engine, filers)


def table_with(app, column: str):
    """The first table of the page with `column` (a table shown without row selection carries no key)."""
    return next(df.value for df in app.dataframe if column in df.value.columns)


def finder_codes(app) -> list[str]:
    urls = table_with(app, "people_of_specialty")["profile"].tolist()
    return [url.split("agency=")[1].split("&")[0] for url in urls]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_finder_lists_agencies_serving_my_town_best_grade_first(app, rated, filed, lang):
    open_page(app, "find", town=TOWN, specialty="机械", lang=lang)
    codes = [rated[g]["credit_code"] for g in ("A", "B", "C")]
    assert finder_codes(app) == codes  # the blacklisted one is not offered
    table = table_with(app, "people_of_specialty")
    assert table["agency_name"].tolist() == [rated[g]["agency_name"] for g in ("A", "B", "C")]
    assert table["people_of_specialty"].tolist() == [1, 1, 1]
    # The grade alone (it fits its narrow column in English too); the year rated in has a column of its own.
    assert not table["grade"].str.contains(r"\d{4}").any()
    assert table["year"].notna().all()
    label = zh if lang == "zh" else en
    assert app.title[0].value == label("public.find_title")
    assert label("public.find_blacklisted", n=1) in [w.value for w in app.warning]
    captions = [c.value for c in app.caption]
    assert label("public.find_unrated", n=1) in captions and label("public.find_note") in captions
    assert label("public.find_found", n=3, year=FACTS_YEAR, as_of=TODAY.isoformat()) in captions
    assert app.query_params["town"] == TOWN and app.query_params["specialty"] == "机械"


def test_the_finder_keeps_only_agencies_with_that_specialty_on_staff(app, rated, filed):
    open_page(app, "find", town=TOWN)
    app.radio(key="w_specialty").set_value("电气").run()
    assert finder_codes(app) == [rated["B"]["credit_code"]]  # A's electrical engineer has left
    app.radio(key="w_specialty").set_value("消防").run()
    assert zh("public.find_none", year=FACTS_YEAR, town=TOWN, specialty="消防") in [i.value for i in app.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_finder_explains_its_empty_states(app, engine, lang):
    label = zh if lang == "zh" else en
    open_page(app, "find", lang=lang)
    assert label("public.find_choose_town") in [i.value for i in app.info]
    app.selectbox(key="w_town").set_value(TOWN).run()
    assert label("public.find_no_filings") in [i.value for i in app.info]  # nobody has filed anything yet
    assert not app.exception


def unescaped(markdown: str) -> str:
    """Markdown shown as plain text (dashboard.plain.md) back to the text a reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def cards(app, lang: str) -> dict[str, dict[str, str]]:
    """Each facts card of the page (markdown of `**label**：value` lines): its agency (or "" on the profile) → label
    → value."""
    sep, agency = ("：", zh("common.agency")) if lang == "zh" else (": ", en("common.agency"))
    found: dict[str, dict[str, str]] = {}
    for m in app.markdown:
        parts = m.value.split("\n\n")
        facts = {k: unescaped(v) for k, v in (p[2:].split("**" + sep, 1) for p in parts
                                              if p.startswith("**") and "**" + sep in p)}
        if len(facts) > 2:
            found[facts.pop(agency, "")] = facts
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_profile_shows_the_agency_s_facts_apart_from_the_rating_and_dated(app, rated, filed, lang):
    label = zh if lang == "zh" else en
    code = rated["B"]["credit_code"]
    open_page(app, "profile", agency=code, lang=lang)
    assert label("public.facts_title") in [s.value for s in app.subheader]
    caption = label("public.facts_caption", year=FACTS_YEAR, as_of=TODAY.isoformat(), last="2026-04-03")
    assert caption in [c.value for c in app.caption]
    facts = cards(app, lang)[""]
    assert facts[label("public.fact_towns")] == ("璜土镇、华士镇" if lang == "zh" else "璜土镇, 华士镇")
    assert facts[label("public.fact_clients")] == "2"
    assert facts[label("public.fact_on_time")] == label("public.on_time_value", pct=20, on=2, due=10)
    assert facts[label("public.fact_visits_per_contract")] == label("public.visits_value", per="2.0", visits=4, contracts=2)
    # Two contracts of 6 visits a year running all 2026, two visits filed on each.
    assert facts[label("public.fact_visits_delivered")] == label("public.visits_delivered_value", delivered=4, contracted=12)
    assert label("public.visits_counted_note") in [c.value for c in app.caption]
    # The published towns stay, named for what they are.
    assert any(m.value.startswith(f"**{label('public.towns_served_all')}**") for m in app.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_profile_lists_visits_delivered_of_contracted_per_contract(app, rated, filed, lang):
    label = zh if lang == "zh" else en
    open_page(app, "profile", agency=rated["B"]["credit_code"], lang=lang)
    card = next(m.value for m in app.markdown if f"**{label('public.fact_contract_visits')}**" in m.value)
    lines = unescaped(card.split(f"**{label('public.fact_contract_visits')}**")[1]).strip().split("\n")
    assert lines == [f"- {label('public.contract_visits_line', town=town, start='2026-01-01', end='2026-12-31', delivered=2, contracted=6)}"
                     for town in (TOWN, "华士镇")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_profile_without_filings_says_so(app, engine, rated, lang):
    open_page(app, "profile", agency=rated["A"]["credit_code"], lang=lang)
    label = zh if lang == "zh" else en
    assert label("public.facts_none") in [i.value for i in app.info]
    assert label("public.no_specialties") in [c.value for c in app.caption]  # no other count of practitioners


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_profile_s_specialty_table_and_facts_line_read_the_same_numbers(app, engine, rated, lang):
    """One truth per number: the table of practitioners by specialty and the facts line both come from
    core.service_facts.practitioners_by_specialty (mechanical 1, electrical 1, chemical 3; one has left)."""
    code = rated["C"]["credit_code"]
    import_filings(engine, [Filer(code, rated["C"]["agency_name"], [TOWN], ["机械", "电气", "化工", "化工", "化工"],
                                  left=["化工"])])
    open_page(app, "profile", agency=code, lang=lang)
    label = zh if lang == "zh" else en
    table = table_with(app, "count")
    counts = dict(zip(table["specialty"], table["count"].astype(int), strict=True))
    line = cards(app, lang)[""][label("public.fact_people")]
    for specialty, n in counts.items():
        assert label("public.people_part", specialty=specialty, n=n) in line
    assert sorted(counts.values()) == [0, 1, 1, 3]  # the chemical engineer who left counts in neither


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_shows_the_facts_as_a_card_per_agency(app, rated, filed, engine, lang):
    label = zh if lang == "zh" else en
    codes = [rated["A"]["credit_code"], rated["B"]["credit_code"]]
    other = public.agency_index(engine)
    unfiled = other[~other["credit_code"].isin([r["credit_code"] for r in filed["registry"]])].iloc[0]
    open_page(app, "compare", compare=f"{codes[0]},{codes[1]},{unfiled['credit_code']}", lang=lang)
    assert label("public.facts_title") in [s.value for s in app.subheader]
    shown = cards(app, lang)
    a, b = shown[rated["A"]["agency_name"]], shown[rated["B"]["agency_name"]]
    assert list(a)[0] == label("public.fact_towns") and a[label("public.fact_towns")] == TOWN
    assert b[label("public.fact_clients")] == "2"
    assert a[label("public.fact_visits_delivered")] == label("public.visits_delivered_value", delivered=2, contracted=6)
    assert b[label("public.fact_visits_delivered")] == label("public.visits_delivered_value", delivered=4, contracted=12)
    assert label("public.facts_compare_none") in [m.value for m in app.markdown if unfiled["agency_name"] in m.value][0]
    assert len(app.dataframe) == 3  # grades, points lost, blacklist history: the facts are cards, no table to scroll


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_finder_shows_visits_delivered_and_compares_ticked_agencies_in_one_step(app, rated, filed, lang):
    label = zh if lang == "zh" else en
    open_page(app, "find", town=TOWN, specialty="机械", lang=lang)
    table = table_with(app, "people_of_specialty")
    assert table["visits_delivered"].tolist() == [label("public.visits_delivered_value", delivered=d, contracted=c)
                                                  for d, c in ((2, 6), (4, 12), (2, 6))]
    assert not app.multiselect  # the list alone after a town is chosen: ticking is drawn when asked
    app.toggle(key="find_compare_open").set_value(True).run()
    assert app.toggle(key="find_compare_open").label == label("public.find_compare_toggle")
    assert label("public.find_compare_need_two") in [c.value for c in app.caption]
    assert not [link for link in app.get("page_link") if "compare=" in link.proto.query_string]
    picker = app.multiselect(key="find_compare")
    assert picker.options == [rated[g]["agency_name"] for g in ("A", "B", "C")]  # the listed ones, none other
    assert picker.max_selections == 4
    codes = [rated["A"]["credit_code"], rated["C"]["credit_code"]]
    picker.set_value(codes).run()
    link = next(link for link in app.get("page_link") if "compare=" in link.proto.query_string)
    assert link.proto.label == label("public.find_compare_go", n=2)
    assert link.proto.page == "compare"
    assert f"compare={codes[0]}%2C{codes[1]}" in link.proto.query_string  # Compare's own URL state
    # Opened, Compare shows both, with their visits delivered of contracted.
    for key, value in dict(p.split("=", 1) for p in link.proto.query_string.split("&")).items():
        app.query_params[key] = value.replace("%2C", ",")
    app.switch_page(PAGES["compare"][0]).run()
    assert app.multiselect(key="w_compare").value == codes
    shown = cards(app, lang)
    assert [shown[rated[g]["agency_name"]][label("public.fact_visits_delivered")] for g in ("A", "C")] == [
        label("public.visits_delivered_value", delivered=2, contracted=6)] * 2


def test_the_ratings_town_filter_finds_a_clean_agency_serving_the_town(app, rated, filed):
    open_page(app, "ratings", year="2025", town=TOWN)
    shown = ratings_table(app).value["credit_code"].tolist()
    assert sorted(shown) == sorted(rated[g]["credit_code"] for g in ("A", "B", "C", "BLACKLIST"))
    assert zh("public.ratings_town_note", year=2025) in [c.value for c in app.caption]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ratings_town_filter_without_filings_says_why_it_finds_none(app, engine, lang):
    open_page(app, "ratings", year="2025", town=TOWN, lang=lang)
    label = zh if lang == "zh" else en
    assert label("public.ratings_town_no_filings", year=2025) in [c.value for c in app.caption]
    assert app.selectbox(key="w_town").label == label("public.filter_town")


def test_the_published_towns_column_is_named_towns_that_assessed(app, engine):
    open_page(app, "ratings", lang="en")
    assert "Towns that assessed" in ratings_table(app).proto.columns  # the column config's labels
    assert CATALOGUE["public.towns_served"] == ("评分镇街园", "Towns that assessed")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_personal_detail_of_the_filings_appears_on_any_page(app, rated, filed, lang):
    private = personal_values(filed)
    params = {"agency": rated["B"]["credit_code"], "town": TOWN, "specialty": "机械", "lang": lang,
              "compare": ",".join(rated[g]["credit_code"] for g in ("A", "B", "C"))}
    for page in PAGES:
        open_page(app, page, year="2025", **params)
        text = page_text(app)
        assert [v for v in private if v in text] == [], page


def test_a_rerun_of_the_finder_and_the_profile_runs_no_database_query(app, rated, filed):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        for page, params in (("find", {"town": TOWN}), ("profile", {"agency": rated["B"]["credit_code"]})):
            open_page(app, page, **params)
            assert statements, "the first run reads the database (else this test could not fail)"
            app.run()
            statements.clear()
            app.run()
            assert statements == [], page
    finally:
        event.remove(Engine, "before_cursor_execute", count)
