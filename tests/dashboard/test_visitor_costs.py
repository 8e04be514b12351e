"""What a visitor's run costs the server: what every visitor shares is built once, not on every run.

The menu is built once per role and language; the blacklist's tables, labels and row heights once per publication
and language; the ratings of every agency once per publication, language and order, as an Arrow table sent as it
is. Each test counts the building on a fresh cache and fails if a rerun or another visitor builds again.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, navigation, plain, state, tables, wrap
from dashboard.ui import PAGES
from tests.dashboard.conftest import APP, TIMEOUT


@pytest.fixture
def counted_menu(monkeypatch) -> list[tuple[str, ...]]:
    """Every build of the menu, by the titles of its sections (a fresh menu cache for the test)."""
    builds: list[tuple[str, ...]] = []
    real = navigation._build

    def counting():
        built = real()
        builds.append(tuple(built))
        return built

    monkeypatch.setattr(navigation, "_BUILT", {})
    monkeypatch.setattr(navigation, "_build", counting)
    return builds


def test_the_menu_is_built_once_per_role_and_language_and_each_run_gets_its_own_pages(app, counted_menu):
    app.run()
    for page in ("ratings", "blacklist", "rules"):
        app.switch_page(PAGES[page][0]).run()
    assert not app.exception
    assert len(counted_menu) == 1  # four runs, one build
    app.sidebar.radio[0].set_value("en").run()  # the other language: its own titles, built once too
    app.switch_page(PAGES["compare"][0]).run()
    assert len(counted_menu) == 2 and counted_menu[0] != counted_menu[1]
    # The cached pages are never the ones a run hands to st.navigation (it marks the one it runs as callable).
    cached = [page for pages in next(iter(navigation._BUILT.values())).values() for page in pages]
    assert not any(page._can_be_called for page in cached)


def test_the_blacklist_is_labelled_and_measured_once_per_publication_and_language(app, monkeypatch):
    calls: list[int] = []
    real = wrap.row_height

    def counting(texts, column_px, *, least):
        calls.append(len(texts))
        return real(texts, column_px, least=least)

    monkeypatch.setattr(wrap, "row_height", counting)
    tables._grounds_row_height.cache_clear()
    app.run()
    app.switch_page(PAGES["blacklist"][0]).run()
    assert not app.exception
    first = len(calls)
    assert first >= 1  # the demo lists agencies: their grounds were measured
    app.toggle(key="blacklist_agencies_all_columns").set_value(True).run()
    app.switch_page(PAGES["rules"][0]).run()
    app.switch_page(PAGES["blacklist"][0]).run()
    assert len(calls) == first  # reruns and a second visit measure nothing again
    app.sidebar.radio[0].set_value("en").run()  # English grounds are other texts: measured once more
    assert len(calls) > first
    again = len(calls)
    app.run()
    assert len(calls) == again


@pytest.fixture
def counted_arrow(monkeypatch) -> list[int]:
    """The rows of every Arrow table built for a page (plain.arrow), with the tables' caches empty."""
    builds: list[int] = []
    real = plain.arrow

    def counting(table):
        builds.append(len(table))
        return real(table)

    monkeypatch.setattr(plain, "arrow", counting)
    return builds


def test_every_agency_is_one_arrow_table_per_publication_language_and_order(app, counted_arrow):
    app.switch_page(PAGES["ratings"][0]).run()
    assert not app.exception
    agencies = len(data.ratings(int(data.current_publication(data.published_years()[0])["id"])))
    assert counted_arrow == [agencies]  # the first visit: every agency, built once
    app.run()
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a second visitor: the same table, not built again
    other.switch_page(PAGES["ratings"][0]).run()
    assert not other.exception
    assert counted_arrow == [agencies]
    app.selectbox(key=state.widget_key("sort")).set_value("name").run()  # another order: its own table, once
    app.selectbox(key=state.widget_key("sort")).set_value("total_desc").run()
    assert counted_arrow == [agencies, agencies]
    codes = data.ratings(int(data.current_publication(data.published_years()[0])["id"]))["credit_code"]
    app.text_input(key=state.widget_key("q")).set_value(codes.iloc[0]).run()  # a search's rows: taken out of every
    assert 0 < len(app.dataframe[0].value) < agencies  # agency in the frame's own order, built once at most (that
    assert len(counted_arrow) <= 3  # order may be one of the sorts already built)
    searched = len(counted_arrow)
    app.text_input(key=state.widget_key("q")).set_value(codes.iloc[1]).run()
    assert not app.exception
    assert len(counted_arrow) == searched  # no table built for another search
    years = data.published_years()
    app.text_input(key=state.widget_key("q")).set_value("").run()
    app.selectbox(key=state.widget_key("year")).set_value(years[1]).run()  # another publication: built once more
    assert not app.exception
    assert len(counted_arrow) == searched + 1


def test_a_search_shows_the_rows_it_found_in_their_order_as_plain_as_every_agency(app):
    """The rows a search takes out of the cached Arrow table are the rows, values and order of relabelling them."""
    app.switch_page(PAGES["ratings"][0]).run()
    pub = data.current_publication(data.published_years()[0])
    frame = data.ratings(int(pub["id"]))
    some = frame.iloc[[5, 0, 3]]  # a search's rows, in an order of their own
    taken = tables.ratings_table(some, pub)
    assert isinstance(taken, pa.Table)
    # Expected: the same agencies read out of the table of every agency (its own path: plain.arrow of the relabelled
    # frame in the default sort), by credit code.
    every = tables.ratings_table(tables.sorted_ratings(frame, pub, ["total", "credit_code"], [False, True]), pub)
    expected = every.to_pandas().set_index("credit_code", drop=False).loc[some["credit_code"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(taken.to_pandas(), expected)
    assert taken.column("credit_code").to_pylist() == some["credit_code"].tolist()
    plain.dataframe(taken)  # made plain: a page takes it as it is


def test_the_default_sort_of_every_agency_is_kept_and_matches_a_fresh_sort(app, monkeypatch):
    app.switch_page(PAGES["ratings"][0]).run()
    pub = data.current_publication(data.published_years()[0])
    frame = data.ratings(int(pub["id"]))
    kept = tables.sorted_ratings(frame, pub, ["total", "credit_code"], [False, True])
    assert kept is tables.sorted_ratings(frame, pub, ["total", "credit_code"], [False, True])  # one shared copy
    fresh = frame.sort_values(["total", "credit_code"], ascending=[False, True], kind="stable")
    assert kept.index.equals(fresh.index)
    some = frame.iloc[:3]  # a filter's rows are sorted as they come, never answered from the kept copy
    assert len(tables.sorted_ratings(some, pub, ["total", "credit_code"], [False, True])) == 3


def test_only_an_arrow_table_made_plain_reaches_a_page():
    import pyarrow as pa

    with pytest.raises(TypeError):
        plain.dataframe(pa.table({"name": ["\u202eevil"]}))
    made = plain.arrow(pd.DataFrame({"name": ["\u202eevil"]}))
    assert made.column("name")[0].as_py() != "\u202eevil"  # the bidi control made visible, as in any table
