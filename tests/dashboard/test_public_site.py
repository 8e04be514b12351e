"""The public pages behave: search, filters, year switch, compare, permalinks, published data only, no personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from core.rulebook import load_rulebook
from dashboard.i18n import fill
from dashboard.labels import local_date
from dashboard.plain import WORD_JOINER
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.accounts.users import create_user
from db.agency import documents, filings
from db.documents import versions
from db.public import listings as listing_reads
from db.public import reads as public
from db.store.engine import make_engine, transaction
from db.store.models import (
    Agency,
    AgencyDocument,
    Finding,
    HazardReport,
    Interview,
    Practitioner,
    PractitionerRecord,
    RegistryRecord,
    Suggestion,
    User,
)
from tests.builders import id_number
from tests.dashboard.markdown_check import markup, rendered_text
from tests.dashboard.page_text import choose_section, page_text, ratings_table
from tests.scan_files import pdf


@pytest.fixture
def engine(app_db):
    eng = make_engine(f"sqlite:///{app_db}")
    yield eng
    eng.dispose()


def open_page(app, page: str, **params: str):
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page != "overview":
        app.switch_page(PAGES[page][0]).run()
    assert not app.exception, "\n".join(app.exception[0].stack_trace)
    return app


def table_codes(app) -> list[str]:
    return ratings_table(app).value["credit_code"].tolist()


def current_ratings(engine, year: int | None = None):
    year = year or public.published_years(engine)[0]
    return public.ratings(engine, int(versions.current_publication(engine, year)["id"]))


def test_ratings_default_to_the_latest_published_year_with_every_agency(app, engine):
    open_page(app, "ratings")
    latest = public.published_years(engine)[0]
    assert app.selectbox(key="w_year").value == latest
    assert table_codes(app) == current_ratings(engine)["credit_code"].tolist()
    assert app.query_params["year"] == str(latest)


def test_search_by_part_of_a_name_keeps_only_matching_agencies(app, engine):
    frame = current_ratings(engine)
    name = frame.iloc[-1]["agency_name"]
    part = name[2:6]
    open_page(app, "ratings", q=part)
    expected = frame[frame["agency_name"].str.contains(part, regex=False)]["credit_code"]
    assert sorted(table_codes(app)) == sorted(expected) and len(expected) >= 1


def test_search_by_part_of_the_code_in_lower_case(app, engine):
    code = current_ratings(engine).iloc[0]["credit_code"]
    open_page(app, "ratings", q=code[-7:].lower())
    assert table_codes(app) == [code]


def test_typing_a_search_filters_the_table_and_writes_the_url(app, engine):
    frame = current_ratings(engine)
    code = frame.iloc[1]["credit_code"]
    open_page(app, "ratings")
    app.text_input(key="w_q").input(code).run()
    assert table_codes(app) == [code]
    assert app.query_params["q"] == code
    # A search narrowed to a few agencies links to their profiles.
    links = [link.proto.page for link in app.get("page_link")]
    assert any("profile" in page for page in links)


def test_a_long_table_loads_in_chunks_and_offers_selection_once_narrowed(app, engine, monkeypatch):
    from dashboard import tables

    frame = current_ratings(engine)
    monkeypatch.setattr(tables, "LAZY_FROM", len(frame) - 1)
    open_page(app, "ratings")
    assert not app.dataframe[0].proto.selection_mode  # no row selection on a table sent in chunks
    assert fill(CATALOGUE["public.select_hint_long"][0], dict(n=len(frame) - 1)) in [c.value for c in app.caption]
    assert not [t for t in app.toggle if t.key == "ratings_tick"]  # nothing to tick on a table sent in chunks
    app.text_input(key="w_q").input(frame.iloc[0]["credit_code"]).run()
    assert not app.dataframe[0].proto.selection_mode  # ticking is a switch under the table, off at first
    app.toggle(key="ratings_tick").set_value(True).run()
    assert app.dataframe(key="ratings_table").proto.selection_mode
    assert CATALOGUE["public.select_hint"][0] in [c.value for c in app.caption]
    assert table_codes(app) == [frame.iloc[0]["credit_code"]]


def test_grade_filter_shows_only_that_grade(app, engine):
    year = 2024
    frame = current_ratings(engine, year)
    open_page(app, "ratings", year=str(year), grade="BLACKLIST")
    shown = table_codes(app)
    assert shown and sorted(shown) == sorted(frame[frame["grade"] == "BLACKLIST"]["credit_code"])
    assert set(ratings_table(app).value["grade"]) == {"黑名单"}  # the grade in words


def test_town_filter_offers_every_town_not_only_those_that_assessed(app, engine):
    # The filter means "towns served" (contracts; tests/dashboard/test_service_facts_pages.py): every town on the
    # list is offered, also one that assessed nobody, so an enterprise there can look for agencies serving it.
    from db.reference.towns import load_towns

    frame = current_ratings(engine)
    towns = list(load_towns(engine=engine).names)
    open_page(app, "ratings")
    assert app.selectbox(key="w_town").options[1:] == towns
    assert set(towns) - set(public.towns_in(frame))


def test_switching_the_year_shows_that_years_version(app, engine):
    open_page(app, "ratings")
    app.selectbox(key="w_year").set_value(2023).run()
    assert table_codes(app) == current_ratings(engine, 2023)["credit_code"].tolist()
    assert app.query_params["year"] == "2023"


def test_sorting_by_lowest_total_first(app, engine):
    open_page(app, "ratings", sort="total_asc")
    totals = ratings_table(app).value["total"].tolist()
    assert totals == sorted(totals) and len(set(totals)) > 1


def test_an_unpublished_year_never_shows(app, engine):
    with engine.connect() as conn:
        assert conn.execute(select(Finding.id).where(Finding.year == 2026)).first() is not None
    for page in PAGES:
        open_page(app, page, year="2026")
        assert "2026" not in [str(o) for s in app.selectbox for o in s.options]
        assert "2026年度" not in page_text(app)
    open_page(app, "ratings", year="2026")
    assert app.selectbox(key="w_year").value == public.published_years(engine)[0]


def test_overview_shows_the_version_digest_and_the_correction_with_its_reason(app, engine):
    history = versions.publication_history(engine, 2024)
    open_page(app, "overview", year="2024")
    assert "第2版" in page_text(app)  # which version this is, before anything is chosen
    assert history.iloc[0]["digest"] not in page_text(app) and not app.get("vega_lite_chart")
    assert history.iloc[0]["digest"] in page_text(choose_section(app, "overview", "publication"))
    assert history.iloc[0]["reason"] in page_text(choose_section(app, "overview", "corrections"))
    counts = public.grade_counts(engine, int(history.iloc[0]["id"]))
    assert [m.value for m in app.metric][1:] == [str(c) for c in counts["count"]]


def test_overview_search_opens_the_ratings_with_the_query(app, engine):
    code = current_ratings(engine).iloc[0]["credit_code"]
    open_page(app, "overview")
    app.text_input(key="overview_q").input(code)
    next(b for b in app.button if b.label == CATALOGUE["public.search_button"][0]).click().run()
    assert app.title[0].value == CATALOGUE["public.ratings_title"][0]
    assert table_codes(app) == [code]


def test_blacklist_lists_grounds_department_and_listing_date(app, engine):
    listed = public.blacklist(engine, 2024)
    open_page(app, "blacklist", year="2024")
    agencies = app.dataframe[0].value
    assert len(app.dataframe) == 1  # the year's list alone, until another section is chosen
    choose_section(app, "blacklist", "practitioners")
    assert sorted(agencies["credit_code"]) == sorted(listed["agencies"]["credit_code"])
    by_clause = listed["agencies"][listed["agencies"]["listed_by"] == "clause"].iloc[0]
    row = agencies[agencies["credit_code"] == by_clause["credit_code"]].iloc[0]
    assert row["basis"] == f"{by_clause['clause']} {by_clause['clause_text']}"
    assert row["listed_on"] == by_clause["listed_on"].isoformat()
    people = app.dataframe[1].value
    assert people["practitioner"].tolist() == listed["practitioners"]["practitioner"].tolist()


def test_blacklist_shows_the_publication_date_as_列入日期_and_the_act_apart_as_行为日期(app, engine):
    listed = public.blacklist(engine, 2024)
    by_clause = listed["agencies"][listed["agencies"]["listed_by"] == "clause"].iloc[0]
    code = by_clause["credit_code"]
    listing = listing_reads.listings(engine).query("year == 2024 and subject_kind == 'agency' and credit_code == @code")
    published_on = {local_date(at) for at in versions.publication_history(engine, 2024)["published_at"]}
    assert listing.iloc[0]["listed_on"] in {dt.date.fromisoformat(d) for d in published_on}
    assert by_clause["act_on"] != listing.iloc[0]["listed_on"]  # the demo's act and its listing are different days
    open_page(app, "blacklist", year="2024")
    choose_section(app, "blacklist", "practitioners")
    app.toggle(key="blacklist_agencies_all_columns").set_value(True).run()
    app.toggle(key="blacklist_practitioners_all_columns").set_value(True).run()
    agencies, people = app.dataframe[0], app.dataframe[1]
    for table in (agencies, people):
        labels = {key: column.get("label") for key, column in json.loads(table.proto.columns).items()}
        assert (labels["listed_on"], labels["act_on"]) == ("列入日期", "行为日期")
    row = agencies.value[agencies.value["credit_code"] == code].iloc[0]
    assert (row["listed_on"], row["act_on"]) == (listing.iloc[0]["listed_on"].isoformat(), by_clause["act_on"].isoformat())
    person = listed["practitioners"].iloc[0]
    shown = people.value.iloc[0]
    assert (shown["listed_on"], shown["act_on"]) == (person["listed_on"].isoformat(), person["act_on"].isoformat())
    assert shown["listed_on"] in published_on and shown["act_on"] not in published_on


def test_profile_permalink_shows_every_published_year_and_the_explanation(app, engine):
    code = current_ratings(engine, 2024).iloc[0]["credit_code"]
    profile = public.agency_profile(engine, code)
    open_page(app, "profile", agency=code)
    assert app.selectbox(key="w_agency").value == code
    assert profile["agency_name"] in [s.value for s in app.subheader]
    assert len(app.expander) >= len(profile["years"])
    shown = "\n".join(df.value.to_csv() for df in app.dataframe)
    for clause in profile["charges"]["clause"]:
        assert clause in shown


def test_compare_selection_writes_the_url_and_shows_both_agencies(app, engine):
    frame = current_ratings(engine)
    a, b = frame.iloc[0]["credit_code"], frame.iloc[-1]["credit_code"]
    open_page(app, "compare")
    app.multiselect(key="w_compare").set_value([a, b]).run()
    assert app.query_params["compare"] == f"{a},{b}"
    grades = app.dataframe[0].value
    names = public.agency_index(engine).set_index("credit_code")["agency_name"]
    assert list(grades.columns)[1:] == [names[a], names[b]]


def test_compare_permalink_reloads_the_same_agencies(app, engine):
    frame = current_ratings(engine, 2024)
    codes = frame["credit_code"].tolist()[:3]
    open_page(app, "compare", compare=",".join(codes))
    assert app.multiselect(key="w_compare").value == codes
    lost = app.dataframe[1].value
    assert len(lost.columns) == 1 + len(codes)


def test_the_english_switch_changes_the_labels(app):
    open_page(app, "ratings")
    app.sidebar.radio[0].set_value("en").run()
    assert app.title[0].value == CATALOGUE["public.ratings_title"][1]
    assert app.query_params["lang"] == "en"
    assert app.selectbox(key="w_year").label == "Year"
    assert "黑名单" not in ratings_table(app).value.columns


def test_a_rerun_that_changes_nothing_runs_no_database_query(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        open_page(app, "ratings")
        assert statements, "the first run reads the database (else this test could not fail)"
        app.run()
        statements.clear()
        app.run()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert statements == []


def _file_as_an_agency(engine) -> None:
    """What an agency files through its portal (a scan, 附件1, a practitioner) and a confirmed suggestion about it:
    none of it may reach a public page."""
    with engine.connect() as conn:
        code = conn.execute(select(Agency.credit_code).order_by(Agency.id)).scalars().first()
    user = Actor.of(create_user(engine=engine, username="portal.jia", password="correct horse battery", role="agency",
                       by=Actor.operator("test"), credit_code=code))
    documents.file_document(engine=engine, user=user, kind="commitment", file_name="承诺书-机密扫描件.pdf",
                            content=pdf(header=b"%portal scan\n"))
    filings.file_registry(engine=engine, user=user, fields={
        "agency_name": "机构报送名称", "address": "江阴市某路1号", "office_address": "澄江某路2号",
        "legal_rep": "司马法代", "phone": "13912345678"})
    filings.join_practitioner(engine=engine, user=user, name="上官入职", id_number=id_number(77), specialty="化工",
                              certificate="ZS-SECRET-1", joined_on=dt.date(2024, 3, 1))
    with transaction(engine) as session:
        session.add(Suggestion(key="portal-secret", year=2024, credit_code=code, agency_name="", clause="2.1",
                               date=dt.date(2024, 3, 5), assessor="bureau", rule="late_report",
                               evidence="服务记录（附件2）第77行：机密依据", reason="", status="confirmed",
                               decided_by="staff"))


def _private_values(engine) -> list[str]:
    with engine.connect() as conn:
        ids = conn.execute(select(Practitioner.id_number)).scalars().all()
        phones = conn.execute(select(Practitioner.phone)).scalars().all()
        descriptions = conn.execute(select(Finding.description)).scalars().all()
        notes = conn.execute(select(Interview.notes)).scalars().all()
        hashes = conn.execute(select(User.password_hash)).scalars().all()
        # What agencies file through the portal, and the watch's evidence about them (staff and the agency only).
        scans = conn.execute(select(AgencyDocument.file_name, AgencyDocument.sha256)).all()
        registry = conn.execute(select(RegistryRecord.phone, RegistryRecord.legal_rep, RegistryRecord.address)).all()
        people = conn.execute(select(PractitionerRecord.id_hash, PractitionerRecord.certificate)).all()
        evidence = conn.execute(select(Suggestion.evidence)).scalars().all()
        # Hazard-refusal reports (the demo's): the public sees counts per town and year, never whom or what.
        hazards = conn.execute(select(HazardReport.enterprise_name, HazardReport.enterprise_code, HazardReport.hazard,
                                      HazardReport.advice_no, HazardReport.case_no, HazardReport.outcome_reason,
                                      HazardReport.bureau_reason)).all()
    assert len(hazards) >= 10, "the demo must hold hazard-refusal reports for this test to mean anything"
    filed = [v for row in [*scans, *registry, *people, *hazards] for v in row]
    return [v for v in [*ids, *phones, *descriptions, *notes, *hashes, *filed, *evidence] if v and len(v) >= 6]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_id_number_phone_or_description_appears_on_any_page(app, engine, lang):
    _file_as_an_agency(engine)
    private = _private_values(engine)
    assert private, "the seeded database must hold personal data for this test to mean anything"
    assert "承诺书-机密扫描件.pdf" in private and "13912345678" in private and "服务记录（附件2）第77行：机密依据" in private
    frame = current_ratings(engine, 2024)
    params = {"agency": frame.iloc[0]["credit_code"], "compare": ",".join(frame["credit_code"][:4]), "lang": lang}
    for page in PAGES:
        for year in public.published_years(engine):
            open_page(app, page, year=str(year), **params)
            text = page_text(app)
            leaked = [v for v in private if v in text]
            assert not leaked, f"{page} {year}: {leaked}"


def test_a_blacklisted_agency_s_profile_says_why_in_words_at_the_top(app, engine):
    ratings = current_ratings(engine)
    listed = ratings[ratings["blacklist_clauses"] != ""].iloc[0]
    clause = listed["blacklist_clauses"].split(";")[0]
    open_page(app, "profile", agency=listed["credit_code"])
    year = public.published_years(engine)[0]
    box = app.error[0].value
    assert box.startswith(f"列入{year}年度黑名单") and clause in box
    assert load_rulebook().clause(clause).text_zh in box


def test_a_profile_of_an_agency_listed_by_its_total_names_the_total(app, engine):
    ratings = current_ratings(engine)
    by_score = ratings[(ratings["grade"] == "BLACKLIST") & (ratings["blacklist_clauses"] == "")].iloc[0]
    open_page(app, "profile", agency=by_score["credit_code"], lang="en")
    assert app.error[0].value.endswith(f"total of {int(by_score['total'])}, below 60")


def test_a_good_agency_s_profile_shows_no_blacklist_box(app, engine):
    open_page(app, "profile", agency=current_ratings(engine).iloc[0]["credit_code"])
    assert len(app.error) == 0


def test_a_search_with_no_match_names_the_search_and_where_else_to_look(app):
    open_page(app, "ratings", q="[通知](http://example.com)")
    info = app.info[0].value
    # Shown as the text typed, never a live link on the official site.
    assert markup(info) == [] and "“[通知](http://example.com)”" in rendered_text(info).replace(WORD_JOINER, "")
    assert CATALOGUE["public.no_rows_hint"][0] in [c.value for c in app.caption]


def test_a_link_to_a_year_never_published_says_so(app, engine):
    open_page(app, "overview", year="2019")
    latest = public.published_years(engine)[0]
    notice = fill(CATALOGUE["public.year_not_published"][0], dict(year=2019, shown=latest))
    assert notice in [w.value for w in app.warning]
    assert app.selectbox(key="w_year").value == latest
    app.run()  # the notice is for the link, not for every click after it
    assert notice not in [w.value for w in app.warning]


def test_the_blacklist_puts_why_right_after_who_so_a_phone_shows_it(app):
    open_page(app, "blacklist", year="2024")
    choose_section(app, "blacklist", "practitioners")
    agencies, people = app.dataframe[0].value, app.dataframe[1].value
    assert list(agencies.columns)[:3] == ["agency_name", "listed_by", "basis"]
    assert list(people.columns)[:3] == ["practitioner", "agency_name", "basis"]


def test_the_profile_chart_writes_each_grade_on_its_point_instead_of_a_legend_that_takes_a_phone_s_height(app, engine):
    open_page(app, "profile", agency=current_ratings(engine).iloc[0]["credit_code"], lang="en")
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    legends = [layer["encoding"]["color"].get("legend") for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    assert legends == [None]
    assert "grade" in [layer["encoding"].get("text", {}).get("field") for layer in spec["layer"]]
