"""评定日期 on the public pages after the demo's 2024 correction: only the agencies it changed show its date."""

from __future__ import annotations

from db.documents import versions
from db.documents.export import published_changes
from db.public import reads as public
from db.store.engine import make_engine
from tests.dashboard.test_pages import open_page

FIRST, CORRECTED = "2025-01-17", "2025-02-21"  # the demo's 2024 version 1 and its correction (China dates)


def test_the_ratings_table_keeps_the_first_date_for_agencies_the_correction_did_not_change(app, app_db):
    engine = make_engine(f"sqlite:///{app_db}")
    changed = set(published_changes(engine, 2024, 2)["credit_code"])
    everyone = set(public.ratings(engine, int(versions.current_publication(engine, 2024)["id"]))["credit_code"])
    engine.dispose()
    assert changed and everyone - changed  # the demo correction changes some agencies, not all
    open_page(app, "ratings", year="2024")
    assert not app.exception
    table = app.dataframe[0].value
    dates = dict(zip(table["credit_code"], table["rating_date"].astype(str), strict=True))
    assert {code for code, day in dates.items() if day == CORRECTED} == changed
    assert {dates[code] for code in everyone - changed} == {FIRST}

