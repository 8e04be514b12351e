"""Text from data is shown as text on every page: hostile names, towns, reasons and notes never become an image,
a link, bold, HTML, math or a colour, and bidi controls never reach the page raw (public and staff pages).
"""

from __future__ import annotations

import hashlib

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from dashboard.staff.session import STAFF_PAGES
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.accounts.users import current_user
from tests.dashboard import hostile_data as hostile
from tests.dashboard.markdown_check import markup, raw_bidi
from tests.dashboard.page_text import choose_section, page_text
from tests.dashboard.staff_helpers import APP, TIMEOUT, check_no_exception, sign_in
from tests.db.queue_factory import YEAR as QUEUE_YEAR
from tests.db.queue_factory import store_hostile_decision

# Elements whose strings Streamlit shows as they are (st.text, st.code, JSON); everything else may render Markdown.
PLAIN_PROTOS = {"Text", "Code", "Json"}
MARKDOWN_FIELDS = {"body", "label"}


def markdown_sources(proto: Message) -> list[str]:
    """The strings of `proto` (recursively) that Streamlit renders as Markdown: bodies, labels, radio options."""
    if proto.DESCRIPTOR.name in PLAIN_PROTOS:
        return []
    out: list[str] = []
    for field, value in proto.ListFields():
        items = value if field.is_repeated else [value]
        for item in items:
            if isinstance(item, Message):
                out += markdown_sources(item)
            elif isinstance(item, str) and (field.name in MARKDOWN_FIELDS
                                            or (proto.DESCRIPTOR.name == "Radio" and field.name == "options")):
                out.append(item)
    return out


def all_markdown(at: AppTest) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            out.extend(markdown_sources(proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return out


def data_markup(at: AppTest) -> list[str]:
    """Markup the page's Markdown would make out of hostile data (the site's own bold labels do not count)."""
    return [f"{m}  ← in {source[:120]!r}" for source in all_markdown(at) for m in markup(source)
            if any(f in m for f in hostile.FINGERPRINTS)]


def assert_shown_as_text(at: AppTest, page: str, *, shows_data: bool = True, typed: str = "\0") -> str:
    """No markup made of data, no raw bidi; `typed` is what the visitor typed, shown back in their own input.
    Returns the text checked."""
    check_no_exception(at)
    everything = page_text(at).replace(typed, "")
    assert data_markup(at) == [], page
    assert raw_bidi(everything) == [], (page, [line for line in everything.splitlines() if raw_bidi(line)])
    if shows_data:  # the hostile text is on the page (as text), so the checks above were not vacuous
        assert "202E⟩" in everything and "恶意" in everything, page
    return everything


@pytest.fixture
def hostile_app(staff_db) -> AppTest:
    """The whole site over a database holding hostile names everywhere, run once on its default page."""
    hostile.store_hostile_data(staff_db)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


PUBLIC = {  # page → query parameters
    "overview": {},
    "ratings": {"q": "恶意"},
    "blacklist": {},
    "profile": {"agency": hostile.AGENCY_CODE},
    "compare": {"compare": f"{hostile.AGENCY_CODE},{hostile.OTHER_CODE}"},
    "open_data": {},
    "rules": {},
    "spot_checks": {},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_public_page_shows_hostile_data_as_text(hostile_app, lang):
    at = hostile_app
    for page, params in PUBLIC.items():
        at.query_params.clear()
        at.query_params.update({**params, "lang": lang})
        at.switch_page(PAGES[page][0]).run()
        everything = assert_shown_as_text(at, page, shows_data=False)
        # The sections a page draws only when chosen (dashboard.ui.more): each one checked as it is drawn.
        for more in [p for p in at.pills if p.key == f"more_{page}"]:
            for section in more.options:
                everything += assert_shown_as_text(choose_section(at, page, section), f"{page}: {section}",
                                                   shows_data=False)
        if page != "rules":  # the hostile text is on the page (as text), so the checks above were not vacuous
            assert "202E⟩" in everything and "恶意" in everything, page


def test_a_search_for_hostile_text_is_shown_as_text(hostile_app):
    at = hostile_app
    query = "[恶意](http://host/phish) **恶意** \u202e"
    at.query_params.update({"q": query})
    at.switch_page(PAGES["ratings"][0]).run()
    assert_shown_as_text(at, "ratings", typed=query)


# The hostile rows each of these pages shows, by the tag after the override (hostile_data.hostile): so the checks
# above ran over those rows, not only over the agency and town names in the pickers.
SHOWN_ROWS = {
    "inspections": ("企业", "约谈", "上报", "检查"),  # the enterprise, the checks' notes, the inspection's own note
    "referrals": ("事实", "证据", "更正"),  # facts, evidence, the dismissal's reason
    "spot_checks": ("H01", "H02", "单位"),  # the experts' names and employers
}


def test_every_staff_page_shows_hostile_data_as_text(hostile_app, staff_db):
    at = sign_in(hostile_app, hostile.USERNAME)
    for page in STAFF_PAGES:
        at.switch_page(STAFF_PAGES[page][0]).run()
        if page == "record_finding":  # the hostile agency chosen: its name, suggestion and recent findings show
            at.selectbox(key="finding_agency").set_value(hostile.AGENCY_CODE).run()
        if page == "users":
            at.selectbox(key="users_choice").set_value(hostile.USERNAME).run()
        if page == "towns":
            at.selectbox(key="towns_choice").set_value(hostile.TOWN).run()
        if page == "suggestions":  # a decided suggestion with a hostile agency name, evidence and reason
            store_hostile_decision(staff_db, Actor.of(current_user(engine=staff_db, username=hostile.USERNAME)),
                                   agency_name=hostile.AGENCY, text=hostile.REASON)
            at.number_input(key="sq_year").set_value(QUEUE_YEAR).run()
        if page == "objections":  # objections from letters with hostile text and reason, to the hostile agency
            hostile.store_hostile_objections(staff_db, current_user(engine=staff_db, username=hostile.USERNAME))
            at.run()
        if page == "documents":  # a scan of the hostile agency under a hostile file name (a browser could send one)
            store_hostile_scan(staff_db)
            at.run()
            at.selectbox(key="doc_agency").set_value(hostile.AGENCY_CODE).run()
        if page == "inspections":  # the hostile inspection's year, then its checks with their notes
            at.number_input(key="insp_year").set_value(hostile.YEAR).run()
            at.selectbox(key="insp_pick").set_value(at.selectbox(key="insp_pick").options[0]).run()
        if page == "referrals":  # the waiting referral's facts and evidence (the dismissed one's reason is listed)
            at.selectbox(key="ref_pick").set_value(at.selectbox(key="ref_pick").options[0]).run()
        assert_shown_as_text(at, page, shows_data=page != "upload")
        shown = page_text(at)
        assert [tag for tag in SHOWN_ROWS.get(page, ()) if f"202E⟩{tag}" not in shown] == [], page


def store_hostile_scan(engine) -> None:
    """A stored scan whose file name is hostile text, as the row would hold it had the name not been cleaned."""
    from db.store.engine import transaction
    from db.store.models import AgencyDocument

    content = b"%PDF-1.4\n%%EOF\n"
    with transaction(engine) as session:
        session.add(AgencyDocument(credit_code=hostile.AGENCY_CODE, kind="commitment", file_name=hostile.REASON[:255],
                                   content_type="application/pdf", size=len(content),
                                   sha256=hashlib.sha256(content).hexdigest(), content=content,
                                   uploaded_by=hostile.USERNAME))
