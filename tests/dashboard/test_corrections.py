"""A correction says what it changed: per agency on the overview, and on the agency's own profile (computed)."""

from __future__ import annotations

import pytest

from db.documents import versions
from db.documents.export import published_changes
from db.store.engine import make_engine
from tests.dashboard.page_text import choose_section
from tests.dashboard.test_public_site import open_page


@pytest.fixture
def changes(app_db):
    engine = make_engine(f"sqlite:///{app_db}")
    yield published_changes(engine, 2024, 2)  # the demo data corrects 2024 once
    engine.dispose()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_lists_what_the_correction_changed(app, changes, lang):
    open_page(app, "overview", year="2024", lang=lang)
    choose_section(app, "overview", "corrections")
    assert len(changes) >= 1
    expander = [e for e in app.expander if "2" in e.label and str(len(changes)) in e.label]
    assert expander, [e.label for e in app.expander]
    shown = next(d.value for d in app.dataframe if list(d.value.columns)[:2] == ["agency_name", "total"])
    first = changes.iloc[0]
    assert shown["agency_name"].tolist() == changes["agency_name"].tolist()
    assert shown.iloc[0]["total"] == f"{first.old_total} → {first.new_total}"
    assert shown.iloc[0]["added"] == first.findings_added


def test_the_profile_of_a_changed_agency_says_what_its_correction_did(app, changes):
    first = changes.iloc[0]
    open_page(app, "profile", agency=first.credit_code)
    notes = [i.value for i in app.info if "第2版更正" in i.value]
    assert notes and f"{first.old_total} → {first.new_total}" in notes[0]


def test_an_unchanged_agency_profile_has_no_correction_note(app, app_db, changes):
    from db.public import reads as public

    engine = make_engine(f"sqlite:///{app_db}")
    pub = versions.current_publication(engine, 2024)
    others = public.ratings(engine, int(pub["id"]))
    engine.dispose()
    untouched = sorted(set(others["credit_code"]) - set(changes["credit_code"]))[0]
    open_page(app, "profile", agency=untouched)
    assert not [i.value for i in app.info if "第2版更正" in i.value]


def test_the_overview_shows_a_corrections_whole_reason_as_wrapping_text_never_in_a_table_cell(app, app_db):

    engine = make_engine(f"sqlite:///{app_db}")
    reason = versions.publication_history(engine, 2024).iloc[0]["reason"]
    engine.dispose()
    assert len(reason) > 30  # long enough to be cut in a table cell
    open_page(app, "overview", year="2024")
    choose_section(app, "overview", "corrections")
    assert any(reason in m.value for m in app.markdown)  # Markdown text wraps on any screen
    assert not any(reason in d.value.to_csv() for d in app.dataframe)  # st.dataframe cuts it at the cell's width
