"""Who acts: an account is re-read inside the writing transaction; the command line's operator is never page input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, select

from db.accounts.actor import Actor, acting_account
from db.accounts.roles import AccessDenied
from db.accounts.users import deactivate
from db.findings.recording import record_finding
from db.publishing import actions, publish
from db.publishing.publish import publish_year
from db.records import imports as records
from db.records import workspace as record_workspace
from db.store.engine import transaction
from db.store.models import Finding, Publication, Upload, User
from db.uploads import imports, workspace
from db.uploads.imports import import_findings
from tests import builders
from tests.builders import OPERATOR, actor_for, fast_argon2, make_staff, make_user, records_csv  # noqa: F401  (fixture)
from tests.notices import ended_notice

pytestmark = pytest.mark.usefixtures("fast_argon2")

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = builders.findings_csv([{
    "credit_code": builders.credit_code(0), "agency_name": builders.agency_name(0), "clause": "3.1",
    "assessor": "璜土镇", "period": "Q2", "date": "2025-05-10"}])
REPORTS = records_csv("reports", [{"credit_code": builders.credit_code(0), "month": "2025-05",
                                   "submitted_on": "2025-06-04"}])


@pytest.fixture
def staff(engine):
    return make_staff(engine)


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _demote(engine, username: str) -> None:
    with transaction(engine) as session:
        session.exec(update(User).where(User.username == username).values(role="bureau_staff"))


def _between_check_and_write(monkeypatch, module, change) -> None:
    """Run `change` right after the service's early check: the page loaded, the check passed, then the account
    changed before the write. Only the check inside the writing transaction can refuse now."""
    early = module.check_actor

    def check_then_change(engine, actor, action):
        name = early(engine, actor, action)
        change()
        return name

    monkeypatch.setattr(module, "check_actor", check_then_change)


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_an_admin_demoted_or_deactivated_after_the_page_loaded_publishes_nothing(engine, staff, monkeypatch, change):
    workspace.import_upload(engine=engine, user=staff["staff"], content=FINDINGS, file_name="f.csv")
    ended_notice(engine, 2025)
    make_user(engine, "admin2", "bureau_admin")  # the last admin cannot be deactivated
    admin = staff["admin"]  # what the publish page holds, read when it loaded
    _between_check_and_write(monkeypatch, publish, {
        "demote": lambda: _demote(engine, "admin"),
        "deactivate": lambda: deactivate(engine=engine, username="admin", by=OPERATOR),
    }[change])
    with pytest.raises(AccessDenied):
        actions.publish(engine=engine, user=admin, year=2025)
    assert _count(engine, Publication) == 0


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_an_uploader_deactivated_after_the_check_imports_nothing(engine, staff, monkeypatch, change):
    clerk = staff["staff"]

    def take_away():
        if change == "deactivate":
            deactivate(engine=engine, username="staff", by=OPERATOR)
        else:  # town staff may not upload (PERMISSIONS["upload"])
            with transaction(engine) as session:
                session.exec(update(User).where(User.username == "staff").values(role="town_staff", town="璜土镇"))

    _between_check_and_write(monkeypatch, imports, take_away)
    with pytest.raises(AccessDenied):
        workspace.import_upload(engine=engine, user=clerk, content=FINDINGS, file_name="f.csv")
    assert (_count(engine, Upload), _count(engine, Finding)) == (0, 0)


def test_a_record_file_uploader_deactivated_after_the_check_imports_nothing(engine, staff, monkeypatch):
    _between_check_and_write(monkeypatch, records,
                             lambda: deactivate(engine=engine, username="staff", by=OPERATOR))
    with pytest.raises(AccessDenied):
        record_workspace.import_record_file(engine=engine, user=staff["staff"], content=REPORTS, file_name="r.csv",
                                     kind="reports")
    assert _count(engine, Upload) == 0


def test_a_bare_name_is_no_actor(engine, staff):
    with pytest.raises(TypeError):
        publish_year(engine=engine, year=2025, by="admin")
    with pytest.raises(TypeError):
        import_findings(engine=engine, content=FINDINGS, file_name="f.csv", by="admin")
    with pytest.raises(TypeError):  # nor is a session dict: a page passes the Actor built from it
        record_finding(engine=engine, user={"username": "admin", "role": "bureau_admin"}, credit_code="x",
                       clause="3.1", date=None)
    assert _count(engine, Upload) == 0


def test_the_operator_cannot_be_built_from_page_input(engine, staff):
    forged = Actor.of({"username": "root", "role": "bureau_admin", "is_operator": True, "operator": True})
    assert not forged.is_operator
    with pytest.raises(AccessDenied):  # an account that does not exist
        import_findings(engine=engine, content=FINDINGS, file_name="f.csv", by=forged)
    assert not actor_for({"username": "admin", "role": "bureau_admin"}).is_operator
    assert _count(engine, Upload) == 0


def test_a_page_service_refuses_the_operator(engine, staff):
    operator = Actor.operator("cli:root")
    with pytest.raises(AccessDenied):
        actions.publish(engine=engine, user=operator, year=2025)
    with pytest.raises(AccessDenied):
        workspace.import_upload(engine=engine, user=operator, content=FINDINGS, file_name="f.csv")
    with pytest.raises(AccessDenied):
        record_finding(engine=engine, user=operator, credit_code=builders.credit_code(0), clause="3.1", date=None)
    assert _count(engine, Upload) == 0


def test_the_operator_acts_through_an_unsaved_stand_in_and_an_account_through_its_re_read_row(engine, staff):
    """acting_account, the one stand-in for the command line's operator (hazard reports, referrals, spot-check
    results): the operator gets a row of its name with the role and town its caller names, never stored; an account
    gets its own row, re-read and checked, whatever stand-in the caller would give an operator."""
    with Session(engine) as session:
        stand_in = acting_account(session, Actor.operator("cli:root"), "inspect", operator_role="town_staff",
                                  operator_town="璜土镇")
        assert (stand_in.username, stand_in.role, stand_in.town, stand_in.id) == ("cli:root", "town_staff", "璜土镇",
                                                                                   None)
        assert acting_account(session, Actor.operator("cli:root"), "inspect").role == "bureau_staff"
        town = acting_account(session, staff["town"], "inspect", operator_role="bureau_admin")
        assert (town.username, town.role, town.id is not None) == ("town", "town_staff", True)
        with pytest.raises(AccessDenied):  # the account's own role is checked, not the operator's stand-in role
            acting_account(session, staff["town"], "decide_referrals", operator_role="bureau_admin")
        with pytest.raises(TypeError):
            acting_account(session, {"username": "admin", "role": "bureau_admin"}, "inspect")  # type: ignore[arg-type]
    assert _count(engine, User) == 3  # the stand-in was never stored


def test_only_the_command_line_and_the_demo_seed_name_an_operator():
    """Pages build their Actor from the signed-in session (dashboard/staff/session.py: actor); none names an
    operator or builds an Actor field by field."""
    pages = [p for p in (ROOT / "dashboard").rglob("*.py") if "Actor" in p.read_text(encoding="utf-8")]
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "Actor.operator" not in text and not re.search(r"\bActor\(", text), path
    named = {p.relative_to(ROOT).as_posix() for p in (ROOT / "db").rglob("*.py")
             if "Actor.operator(" in p.read_text(encoding="utf-8")}
    allowed = ("db/cli/", "seed.py", "db/accounts/actor.py")  # actor.py: SYSTEM, the date's own housekeeping
    assert named and all(p.startswith(allowed[0]) or p.endswith(allowed[1:]) for p in named), named
