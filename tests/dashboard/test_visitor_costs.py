"""What a visitor's run costs the server: what every visitor shares is built once, not on every run.

The menu is built once per role and language; the blacklist's tables, labels and row heights once per publication
and language. Each test counts the building on a fresh cache and fails if a rerun builds again.
"""

from __future__ import annotations

import pytest

from dashboard import navigation, tables, wrap
from dashboard.ui import PAGES


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
