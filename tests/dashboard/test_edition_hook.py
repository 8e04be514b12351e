"""Publishing on the staff page asks the background writer for the static edition after the commit and returns at
once: the page says the edition is being rewritten (since when), and a failure when it comes; the publication
stands. The staff home page shows a failed edition. The public read path that records a listing's end never builds:
only the writer's thread does."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.edition import writer
from db.edition.writer import wait_idle
from db.store.models import Publication
from tests.dashboard.staff_helpers import open_page, shown_text, sign_in
from tests.dashboard.test_listings_pages import listed_db  # noqa: F401  (a fixture)
from tests.dashboard.test_staff_upload_publish import _publish, _upload
from tests.db.conftest import _postgres_admin, database_url, engine  # noqa: F401  (fixtures: both databases)
from tests.db.test_listings import year_published  # noqa: F401  (a fixture)
from tests.db.test_workspace import BASE

WAIT = 120  # seconds: a bound on a stuck writer, not a measure


def _published(db) -> int:
    with Session(db) as s:
        return s.exec(select(func.count()).select_from(Publication)).one()


def _building_pattern() -> re.Pattern:
    # The catalogue's words with the time as HH:MM (China time, today).
    before, after = CATALOGUE["staff.edition_building"][0].split("{time}")
    return re.compile(re.escape(before) + r"\d\d:\d\d" + re.escape(after))


def test_publishing_returns_at_once_and_says_the_edition_is_being_rewritten(staff_app, staff_db, monkeypatch,
                                                                           tmp_path):
    monkeypatch.setenv("EDITION_DIR", str(tmp_path / "edition"))
    release = threading.Event()
    built = []

    def held(made, out):  # the real build, once the test lets it: the page has answered before that
        assert release.wait(WAIT)
        built.append(threading.current_thread().name)
        return writer.write_locked(made, out)

    monkeypatch.setattr(writer.WRITER, "build", held)
    try:
        sign_in(staff_app, "admin")
        _upload(staff_app, BASE, "base.csv")
        staff_app.button(key="upload_import").click().run()
        _publish(staff_app, staff_db)
        text = shown_text(staff_app)
        assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=1)) in text
        assert _building_pattern().search(text), text
        assert not (tmp_path / "edition").exists() and built == []
    finally:
        release.set()  # a failed assertion must not leave the build held
    assert wait_idle(WAIT)
    assert built == ["static-edition"]
    assert (tmp_path / "edition" / "files" / "jiangyin-credit-2025-v1.json").is_file()
    open_page(staff_app, "publish")
    text = shown_text(staff_app)
    assert not _building_pattern().search(text)
    assert CATALOGUE["staff.edition_failed"][0] not in text


def test_a_failed_edition_is_said_and_the_publication_stands(staff_app, staff_db, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("where the edition's folder would go")
    monkeypatch.setenv("EDITION_DIR", str(blocker / "edition"))
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db)
    assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=1)) in shown_text(staff_app)
    assert wait_idle(WAIT)
    open_page(staff_app, "publish")
    assert CATALOGUE["staff.edition_failed"][0] in shown_text(staff_app)
    assert _published(staff_db) == 1
    # The staff home page, where the bureau starts its day, says it too.
    open_page(staff_app, "home")
    assert CATALOGUE["staff.edition_failed"][0] in shown_text(staff_app)


def test_the_public_read_path_that_ends_a_listing_never_builds(engine, year_published, monkeypatch,  # noqa: F811
                                                              tmp_path):
    import datetime as dt

    import streamlit as st

    from dashboard import data
    from db.public.listings import listings

    monkeypatch.setenv("EDITION_DIR", str(tmp_path / "edition"))
    monkeypatch.setattr(data, "engine", lambda: engine)
    here = threading.current_thread()
    calls = []

    def only_in_the_background(made, out):
        calls.append(threading.current_thread().name)
        if threading.current_thread() is here:
            raise AssertionError("the static edition was built inside the request")

    monkeypatch.setattr(writer.WRITER, "build", only_in_the_background)
    end = dt.date(2027, 1, 17)  # every listing of year_published ends at term on this day
    st.cache_data.clear()
    try:
        read = data.listings(end)  # records the ends, asks for the edition, returns
        assert set(read["listings"]["status"]) == {"removed_at_term"}
        assert wait_idle(WAIT)
        assert calls == ["static-edition"]
        assert set(listings(engine, end)["status"]) == {"removed_at_term"}
        st.cache_data.clear()
        data.listings(end)  # nothing ends any more: nothing asked
        assert wait_idle(WAIT) and calls == ["static-edition"]
    finally:
        st.cache_data.clear()


def test_an_edition_behind_the_latest_publication_links_only_what_it_holds(engine, monkeypatch, tmp_path):  # noqa: F811
    import streamlit as st

    from dashboard import data
    from db.edition.hook import write_locked
    from tests.db.publishing import YEAR, load_roster
    from tests.notices import ADMIN, publish_after_notice

    out = tmp_path / "edition"
    monkeypatch.setenv("EDITION_DIR", str(out))
    monkeypatch.setattr(data, "STATIC_FOLDER", out)  # this app serves the folder (as the repository's link does)
    monkeypatch.setattr(data, "engine", lambda: engine)
    lists = ("files/SHA256SUMS", "files/jiangyin-credit-public-keys.pem", "zh/index.html")
    load_roster(engine, range(3), year=YEAR - 1)
    load_roster(engine, range(3))
    first = publish_after_notice(engine=engine, year=YEAR - 1, by=ADMIN)
    write_locked(engine, out)
    publish_after_notice(engine=engine, year=YEAR, by=ADMIN)  # committed; the writer has not caught up yet
    st.cache_data.clear()
    try:
        old, new = (f"files/jiangyin-credit-{y}-v1.json" for y in (first.year, YEAR))
        assert data.edition_url(old) == f"app/static/{old}"  # a version's file never changes: still linked
        assert data.edition_url(new) is None  # not written yet: offered as a download
        # The lists exist but lack the newest version: never linked while behind (the page offers its own).
        assert all((out / path).is_file() for path in lists)
        assert [data.edition_url(path) for path in lists] == [None, None, None]
        write_locked(engine, out)
        assert data.edition_url(new) == f"app/static/{new}"
        assert [data.edition_url(path) for path in lists] == [f"app/static/{path}" for path in lists]
    finally:
        st.cache_data.clear()


def test_a_listing_decision_asks_for_the_edition_and_the_page_says_it_is_rewritten(listed_db, staff_app,  # noqa: F811
                                                                                   monkeypatch, tmp_path):
    from db.store.models import Listing, RepairApplication

    monkeypatch.setenv("EDITION_DIR", str(tmp_path / "edition"))
    release = threading.Event()
    calls = []

    def held(made, out):
        calls.append(threading.current_thread().name)
        assert release.wait(WAIT)

    monkeypatch.setattr(writer.WRITER, "build", held)
    try:
        at = open_page(sign_in(staff_app, "staff"), "listings")
        with Session(listed_db) as session:
            score_id = session.execute(select(Listing.id).where(Listing.basis_kind == "score")).scalar_one()
        at = at.selectbox(key="repair_listing").set_value(score_id).run()
        at.text_area(key="repair_summary").input("已整改，来函申请")
        at = at.button(key="repair_save").click().run()
        assert wait_idle(WAIT) and calls == []  # an application is not public: nothing to rewrite
        assert not _building_pattern().search(shown_text(at))
        with Session(listed_db) as session:
            application = session.execute(select(RepairApplication)).scalars().one()
        at.text_area(key=f"repair_reason_{application.id}").input("整改到位")
        at = at.button(key=f"repair_grant_{application.id}").click().run()  # answers while the build is held
        assert not at.exception
        assert _building_pattern().search(shown_text(at))
    finally:
        release.set()  # a failed assertion must not leave the build held
    assert wait_idle(WAIT) and calls == ["static-edition"]
