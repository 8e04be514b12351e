"""Names and texts that would render as images, links, bold, HTML, math or reversed text, stored through the db
services (forms' path, not the file reader): agency, practitioner, town, staff name, reasons, notes, file name,
inspections (enterprise, notes, check notes), referrals (facts, evidence, reason) and spot-checks (experts, rule,
result).

Every construct holds the word 恶意 or the host `host`, so a check can tell markup made of data from the site's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.accounts.users import create_user, current_user
from db.findings.recording import record_finding, record_interview
from db.reference.towns import save_town
from db.uploads.imports import import_findings
from tests.builders import PASSWORD, credit_code
from tests.notices import publish_after_notice

FINGERPRINTS = ("恶意", "host")
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text after it reads backwards


def hostile(tag: str) -> str:
    """A long hostile text (agency names, reasons, notes: up to 200 characters)."""
    return (f"![恶意图](http://host/px.png) **恶意粗体** [恶意申诉](http://host/phish) "
            f'<img src="http://host/h.png"> :red[恶意红字] $恶意$ :smile: {RLO}{tag}')


def hostile_short(tag: str) -> str:
    """A hostile text that fits 64 characters (towns, practitioners, display names, usernames)."""
    return f"![恶意](//host)**恶意**[恶意](//host/phish)<b>恶意</b>:red[恶意]$恶意${RLO}{tag}"


AGENCY = hostile("机构")
AGENCY_CODE = "91320281MA4JURQ20Y"
OTHER_CODE = "91320281MA83FQEF9D"
OTHER_AGENCY = "江阴市普通安全技术服务有限公司"
TOWN = hostile_short("镇")
PRACTITIONER = hostile_short("人")
DISPLAY_NAME = hostile_short("员")
USERNAME = "**恶意**[恶意](http://host/u)"
REASON = hostile("更正")
NOTE = hostile("约谈")
FILE_NAME = "![恶意](http://host/f.png)[恶意](http://host/phish)" + RLO + "vsc.exe"
YEAR = 2025


def _benign_file(code: str) -> bytes:
    rows = ["统一社会信用代码,机构名称,条款,评定单位,考核期,日期",
            f"{code},{OTHER_AGENCY},2.3,市应急管理局,,{YEAR}-06-10"]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def store_hostile_data(engine: Engine, *, admin: str = "admin") -> dict[str, Any]:
    """Two published versions of YEAR (the second a correction), a blacklisted hostile agency and practitioner
    assessed by a hostile town, an interview, an upload and an unpublished finding; returns the hostile admin."""
    by = Actor.of(current_user(engine=engine, username=admin))
    save_town(engine=engine, by=by, name=TOWN)
    town_staff = Actor.of(create_user(engine=engine, username="town_hostile", password=PASSWORD, role="town_staff",
                             town=TOWN, by=by, display_name=DISPLAY_NAME))
    hostile_admin = create_user(engine=engine, username=USERNAME, password=PASSWORD, role="bureau_admin", by=by,
                                display_name=DISPLAY_NAME)
    record_finding(engine=engine, user=town_staff, credit_code=AGENCY_CODE, agency_name=AGENCY, clause="1.1",
                   date=dt.date(YEAR, 3, 5), practitioner=PRACTITIONER, description=NOTE, document_no="恶意**1**")
    record_finding(engine=engine, user=by, credit_code=OTHER_CODE, agency_name=OTHER_AGENCY, clause="2.1",
                   date=dt.date(YEAR, 3, 6))
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("test"))
    import_findings(engine=engine, content=_benign_file(OTHER_CODE), file_name=FILE_NAME, by=Actor.operator(USERNAME))
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("test"), reason=REASON)
    record_interview(engine=engine, user=by, credit_code=AGENCY_CODE, date=dt.date(YEAR, 7, 1), notes=NOTE)
    record_finding(engine=engine, user=by, credit_code=AGENCY_CODE, clause="2.2", date=dt.date(YEAR, 8, 1),
                   practitioner=PRACTITIONER, description=NOTE)
    _hostile_spot_check(engine, Actor.operator("test"))
    _hostile_supervision(engine, town_staff, by)
    return hostile_admin


ENTERPRISE_CODE = credit_code(777)
INSPECTION_DAY = dt.date(YEAR, 10, 9)  # the staff inspections page shows a year: the test picks YEAR
FACTS = hostile("事实")
EVIDENCE = hostile("证据")


def _hostile_supervision(engine: Engine, town_staff: Actor, bureau: Actor) -> None:
    """The hostile town's inspection of an enterprise with a hostile name, served by the hostile agency: its note, a
    failed check kept as a hostile note and one referred with hostile facts; a referral of its own with hostile facts
    and evidence, left waiting; the inspection's referral dismissed with a hostile reason."""
    from db.supervision.inspections import CheckInput, InspectionInput, record_inspection
    from db.supervision.referrals import ReferralInput, dismiss_referral, refer

    stored = record_inspection(engine=engine, user=town_staff, inspection=InspectionInput(
        date=INSPECTION_DAY, enterprise_code=ENTERPRISE_CODE, enterprise_name=hostile("企业"), hazards=2,
        agency_source="other", agency_code=AGENCY_CODE, note=hostile("检查"), checks={
            "visits": CheckInput("fail", "note", NOTE),
            "advice": CheckInput("fail", "referral", hostile("上报"), referral_clause="1.2", facts=FACTS)}))
    refer(engine=engine, user=town_staff, item=ReferralInput(
        credit_code=AGENCY_CODE, clause="1.3", date=INSPECTION_DAY, facts=FACTS, evidence=EVIDENCE))
    for referral_id in stored["referrals"]:
        dismiss_referral(engine=engine, user=bureau, referral_id=referral_id, reason=REASON)


def _hostile_spot_check(engine: Engine, by: Actor) -> None:
    """A drawn spot-check of the hostile agency by hostile-named experts, its plan's rule in hostile words."""
    from db.spotcheck import plans, pool

    for code in ("H01", "H02"):
        pool.add_expert(engine=engine, user=by, code=code, name=hostile_short(code), field="化工",
                        employer=hostile("单位"))
    plans.announce_plan(engine=engine, user=by, plan_id="H-1", year=YEAR, population_rule=hostile_short("范围"),
                        population=[(AGENCY_CODE, "璜土镇"), (OTHER_CODE, "璜土镇")], quotas={"*": 2}, team_size=1,
                        draw_day=dt.date(YEAR, 9, 2), expert_codes=["H01", "H02"], show_expert_names=True,
                        today=dt.date(YEAR, 9, 1))
    plans.make_draw(engine=engine, user=by, plan_id="H-1", public_value=hostile_short("值"), today=dt.date(YEAR, 9, 2))
    plans.record_result(engine=engine, user=by, plan_id="H-1", credit_code=AGENCY_CODE, checked_on=dt.date(YEAR, 9, 10),
                        outcome="found", findings=[{"clause": "2.3", "date": dt.date(YEAR, 9, 10),
                                                    "description": NOTE}])


def store_hostile_objections(engine: Engine, user: dict[str, Any]) -> None:
    """YEAR under notice, and two objections from letters to the hostile agency's findings with hostile text: one
    open, one rejected with a hostile reason (the staff objections page)."""
    from core import china_time
    from db.publishing.notice import open_notice
    from db.publishing.objections import findings_under_notice, record_letter, resolve_objection

    today = china_time.today()
    open_notice(engine=engine, by=Actor.operator("test"), year=YEAR, ends_on=today + dt.timedelta(days=3),
                today=today - dt.timedelta(days=1))
    user = Actor.of(user)  # the session dict a page holds
    found = findings_under_notice(engine=engine, user=user)
    ids = found[found["credit_code"] == AGENCY_CODE]["id"].tolist()
    first = record_letter(engine=engine, user=user, finding_id=int(ids[0]), text=NOTE, received_on=today)
    resolve_objection(engine=engine, user=user, objection_id=first.id, uphold=False, reason=REASON)
    record_letter(engine=engine, user=user, finding_id=int(ids[1]), text=NOTE, received_on=today)
