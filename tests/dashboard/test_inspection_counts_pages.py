"""服务成效 on the public pages: the profile and compare show an agency's inspection counts, dated and apart from the
rating; no page shows an inspected enterprise, a check's note (the hazards it describes), a referral's facts or the
inspector (zh and en)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from core.china_time import today as china_today
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.store.engine import make_engine
from db.store.models import Inspection, InspectionCheck, Referral
from db.supervision.inspections import CheckInput, InspectionInput, record_inspection
from tests.builders import make_user
from tests.dashboard.page_text import page_text
from tests.dashboard.test_public_site import open_page

INSPECTOR = "inspector-zhang"
HAZARD_NOTE = "配电柜门未关闭且带电部件裸露（隐患描述）"


@pytest.fixture
def inspected(app_db, fast_argon2):
    """The demo's inspections plus one by a named town account, with a hazard described in its check's note."""
    engine = make_engine(f"sqlite:///{app_db}")
    with Session(engine) as session:
        demo = session.exec(select(Inspection).order_by(Inspection.id)).first()
    assert demo is not None, "the demo seeds inspections"
    clerk = make_user(engine, INSPECTOR, "town_staff", demo.town)
    today = china_today()
    record_inspection(engine=engine, user=clerk, today=today, inspection=InspectionInput(
        date=today, enterprise_code=demo.enterprise_code, enterprise_name=demo.enterprise_name, hazards=2,
        agency_source="contract", agency_code=demo.agency_code, contract_no=demo.contract_no,
        checks={"contract": CheckInput("pass"), "advice": CheckInput("fail", "note", HAZARD_NOTE)}))
    with Session(engine) as session:
        inspections = session.exec(select(Inspection)).all()
        private = {INSPECTOR, HAZARD_NOTE}
        private |= {i.enterprise_name for i in inspections} | {i.enterprise_code for i in inspections}
        private |= {c.note for c in session.exec(select(InspectionCheck)).all() if c.note}
        private |= {r.facts for r in session.exec(select(Referral)).all()}
        private |= {r.evidence for r in session.exec(select(Referral)).all() if r.evidence}
        agencies = sorted({i.agency_code for i in inspections})
    engine.dispose()
    return demo.agency_code, agencies, private


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_counts_are_public_and_nothing_of_an_inspection_is(app, inspected, lang):
    code, agencies, private = inspected
    other = next(a for a in agencies if a != code)
    for page in PAGES:
        open_page(app, page, year="2025", agency=code, compare=f"{code},{other}", lang=lang)
        text = page_text(app)
        assert [v for v in private if v in text] == [], page
        if page in ("profile", "compare"):
            title = fill(CATALOGUE["public.effect_title"][lang == "en"], {"year": china_today().year})
            assert title in text, page
            assert fill(CATALOGUE["public.effect_unseen"][lang == "en"], {}) in text, page
