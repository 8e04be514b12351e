"""Blacklist listings on the site: the public list and history (zh, en), the open-data export, the staff page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from sqlmodel import Session

from core.china_time import today
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.public import listings as listing_reads
from db.store.engine import make_engine
from db.store.models import Listing, RepairApplication, User
from tests.dashboard.page_text import choose_section, page_text
from tests.dashboard.staff_helpers import open_page, placeholders, shown_text, sign_in, staff_app  # noqa: F401
from tests.dashboard.staff_helpers import staff_db as staff_db  # noqa: F401
from tests.db.publishing import YEAR, a_year
from tests.db.test_listings import score_listed
from tests.notices import publish_after_notice

LISTINGS_LABELS = ("listings_current", "listings_history")


@pytest.fixture
def engine(app_db):
    eng = make_engine(f"sqlite:///{app_db}")
    yield eng
    eng.dispose()


def table_with(at, column: str):
    """The one table of the page that has this column (st.dataframe without selection exposes no key)."""
    [found] = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def run_page(app, page: str, lang: str = "zh"):
    app.query_params["lang"] = lang
    app.run()
    app.switch_page(PAGES[page][0]).run()
    assert not app.exception, "\n".join(app.exception[0].stack_trace)
    return app


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_blacklist_page_shows_listings_and_their_history(app, engine, lang):
    at = run_page(app, "blacklist", lang)
    side = 0 if lang == "zh" else 1
    assert not any("office" in d.value.columns for d in at.dataframe)  # drawn when chosen, not before
    text = page_text(choose_section(at, "blacklist", "listings_history"))
    history = table_with(at, "office")
    text += page_text(choose_section(at, "blacklist", "listings"))
    for key in LISTINGS_LABELS:
        assert CATALOGUE[f"public.{key}"][side] in text
    frame = listing_reads.listings(engine, today())
    assert len(history) == len(listing_reads.history(engine)) > 0
    assert CATALOGUE["public.listing_event_listed"][side] in set(history["action"])
    in_force = frame[frame["status"] == "listed"]
    if len(in_force):
        shown = table_with(at, "removal_on")
        assert len(shown) == len(in_force)
        assert shown["department"].str.len().min() > 0  # 认定部门 on every row, score listings too
        assert set(shown["status"]) == {CATALOGUE["public.listing_listed"][side]}
    with Session(engine) as session:  # staff accounts never appear
        accounts = [u for (u,) in session.execute(select(User.username))]
    assert not [a for a in accounts if a in text]


def test_the_open_data_page_offers_the_listings_export(app, engine):
    at = choose_section(run_page(app, "open_data"), "open_data", "listings")
    buttons = [b for b in at.get("download_button") if "listings" in str(b.proto.id)]
    assert len(buttons) == 2
    assert CATALOGUE["public.listings_export"][0] in page_text(at)
    from dashboard import data

    rows = list(csv.reader(io.StringIO(data.listings_export("csv", today()).decode("utf-8-sig"))))
    assert rows[0] == ["主体名称", "统一社会信用代码", "列入原因", "认定部门", "列入日期", "移出日期", "状态"]
    assert len(rows) - 1 == len(listing_reads.listings(engine, today()))


@pytest.fixture
def listed_db(staff_db, monkeypatch):
    """The staff database with a year published ten days ago: agencies 2 (clause) and 5 (score), practitioner 王建国."""
    monkeypatch.setenv("REPAIR_MINIMUM_MONTHS", "0")
    a_year(staff_db)
    score_listed(staff_db)
    publish_after_notice(engine=staff_db, year=YEAR, by=Actor.operator("admin"),
                         published_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    return staff_db


def statuses(engine) -> dict[str, str]:
    with Session(engine) as session:
        return {f"{c}/{p}": s for c, p, s in session.execute(
            select(Listing.credit_code, Listing.practitioner, Listing.status))}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_record_grant_and_revoke_a_repair_on_the_listings_page(listed_db, staff_app, lang):  # noqa: F811
    staff_app.query_params["lang"] = lang
    at = sign_in(staff_app, "staff")
    at = open_page(at, "listings")
    assert not at.exception
    assert placeholders(at)["repair_listing"] == CATALOGUE["common.choose"][("zh", "en").index(lang)]
    listing = at.selectbox(key="repair_listing")
    with Session(listed_db) as session:
        score_id = session.execute(select(Listing.id).where(Listing.basis_kind == "score")).scalar_one()
    at = listing.set_value(score_id).run()
    at.text_area(key="repair_summary").input("已整改，来函申请")
    at = at.button(key="repair_save").click().run()
    assert not at.exception
    with Session(listed_db) as session:
        application = session.execute(select(RepairApplication)).scalars().one()
    assert (application.status, application.recorded_by) == ("pending", "staff")
    at.button(key=f"repair_grant_{application.id}").click().run()  # no reason: refused, nothing written
    assert "reason" in shown_text(at) or "理由" in shown_text(at)
    assert listing_reads.applications(listed_db).iloc[0]["status"] == "pending"
    at.text_area(key=f"repair_reason_{application.id}").input("整改到位")
    at = at.button(key=f"repair_grant_{application.id}").click().run()
    assert not at.exception
    assert "repaired" in statuses(listed_db).values()
    at.text_area(key=f"revoke_reason_{application.id}").input("材料不实")
    at = at.button(key=f"repair_revoke_{application.id}").click().run()
    assert not at.exception
    assert set(statuses(listed_db).values()) == {"listed"}
    assert listing_reads.applications(listed_db).iloc[0]["status"] == "revoked"


def test_town_staff_cannot_open_the_listings_page(listed_db, staff_app):  # noqa: F811
    at = sign_in(staff_app, "town")
    with pytest.raises(ValueError):
        open_page(at, "listings")
