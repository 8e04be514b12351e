"""The workspace's upload → check → preview → import and publish, with the role checked on the server."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.publishing import actions
from db.publishing.publish import ReasonRequired
from db.store.models import AuditEntry, Finding, Publication, RosterEntry, Upload
from db.uploads import workspace
from tests import builders
from tests.builders import make_staff
from tests.notices import ended_notice

pytestmark = pytest.mark.usefixtures("fast_argon2")

A0, A1, A2 = (builders.credit_code(i) for i in range(3))


def _finding(code_n: int, clause: str, date: str = "2025-05-10", assessor: str = "璜土镇", period: str = "Q2"):
    """The workspace's usual finding: the town account's town, 2025 Q2."""
    return builders.finding(code_n, clause, date=date, assessor=assessor, period=period)


BASE = builders.findings_csv([_finding(0, "3.1"), _finding(1, "2.1"), _finding(2, "3.4", assessor="澄江街道")])
# Agency 1 is blacklisted (1.2), agency 2 loses 10 more points from the bureau (2.5).
MORE = builders.findings_csv([_finding(1, "1.2", "2025-08-01", period="Q3"),
                               _finding(2, "2.5", "2025-09-01", assessor="市应急管理局", period="")])
BAD = builders.findings_csv([
    {**_finding(0, "4.1")},                                    # row 2: unknown clause
    {**_finding(1, "3.1"), "credit_code": "91320281000000001X"},  # row 3: check digit
    {**_finding(2, "3.1"), "assessor": "火星镇"},                # row 4: unknown town
    {**_finding(2, "3.1"), "date": "2025-13-01"},              # row 5: no such date
])


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def staff(engine):
    return make_staff(engine)


@pytest.fixture
def published(engine, staff):
    """2025 imported from BASE and published as version 1."""
    workspace.import_upload(engine=engine, user=staff["staff"], content=BASE, file_name="base.csv")
    ended_notice(engine, 2025, by=Actor.operator("admin"))
    actions.publish(engine=engine, user=staff["admin"], year=2025)
    return staff


def test_an_invalid_file_reports_every_problem_and_stores_nothing(engine, staff):
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=BAD, file_name="bad.csv")
    assert not check.ok
    assert sorted(check.problems["row"].dropna().unique().tolist()) == [2, 3, 4, 5]
    assert set(check.problems["column"]) >= {"clause", "credit_code", "assessor", "date"}
    assert check.previews == []
    assert (_count(engine, Finding), _count(engine, Upload)) == (0, 0)
    assert _count(engine, AuditEntry) == 3  # the three accounts; checking is not a change


def test_a_valid_file_previews_grade_changes_against_the_publication_before_anything_is_stored(engine, published):
    check = workspace.check_upload(engine=engine, user=published["staff"], content=MORE, file_name="more.csv")
    assert check.ok and check.rows == 2 and not check.duplicate
    [preview] = check.previews
    assert preview.year == 2025 and preview.current["version"] == 1
    changes = dict(zip(preview.diff["credit_code"], preview.diff["change"], strict=True))
    assert changes == {A1: "entered_blacklist", A2: "grade"}  # 95 A → 85 B
    assert preview.ratings.set_index("credit_code").loc[A2, "total"] == 85
    assert set(preview.grade_changes["credit_code"]) == {A1, A2}
    assert _count(engine, Finding) == 3  # still only BASE
    result = workspace.import_upload(engine=engine, user=published["staff"], content=MORE, file_name="more.csv")
    assert result.added == 2 and _count(engine, Finding) == 5


def test_the_preview_names_rows_at_their_period_floor_and_stored_findings_pushed_to_zero(engine, published):
    # BASE left agency 1's Q2 at its floor (2.1, 10 points) and agency 0's Q2 at 5 (3.1 on 2025-05-10).
    floor = builders.findings_csv([_finding(1, "2.5", "2025-06-01"), _finding(0, "2.1", "2025-04-10")])
    check = workspace.check_upload(engine=engine, user=published["staff"], content=floor, file_name="floor.csv")
    [preview] = check.previews
    assert preview.at_floor[["credit_code", "row", "clause", "points_nominal", "points_charged"]].values.tolist() == [
        [A1, 2, "2.5", 10, 0]]
    assert preview.pushed[["credit_code", "clause", "charged_before", "charged_after"]].values.tolist() == [
        [A0, "3.1", 5, 0]]
    assert _count(engine, Finding) == 3  # a preview stores nothing


def test_the_same_file_again_is_recognised_and_previews_no_change(engine, published):
    check = workspace.check_upload(engine=engine, user=published["staff"], content=BASE, file_name="again.csv")
    assert check.ok and check.duplicate
    assert check.previews[0].diff.empty


def test_the_same_file_imported_again_by_staff_adds_nothing(engine, published):
    before = (_count(engine, Finding), _count(engine, Upload))
    again = workspace.import_upload(engine=engine, user=published["admin"], content=BASE, file_name="copy.csv")
    assert (again.duplicate, again.added) == (True, 0)
    assert (_count(engine, Finding), _count(engine, Upload)) == before == (3, 1)


def test_a_roster_preview_adds_agencies_without_findings_at_full_score(engine, published):
    roster = builders.roster_csv(4)
    check = workspace.check_upload(engine=engine, user=published["staff"], content=roster, file_name="r.csv",
                                   kind="roster", year=2025)
    table = check.previews[0].ratings.set_index("credit_code")
    new = builders.credit_code(3)
    assert (table.loc[new, "total"], table.loc[new, "grade"]) == (100, "A")
    assert check.previews[0].diff.set_index("credit_code").loc[new, "change"] == "new"
    assert _count(engine, RosterEntry) == 0
    workspace.import_upload(engine=engine, user=published["staff"], content=roster, file_name="r.csv",
                            kind="roster", year=2025)
    assert _count(engine, RosterEntry) == 4


def test_a_roster_without_its_year_is_refused_as_a_problem(engine, staff):
    check = workspace.check_upload(engine=engine, user=staff["staff"], content=builders.roster_csv(2),
                                   file_name="r.csv", kind="roster")
    assert not check.ok


def test_a_correction_needs_a_reason_and_then_becomes_version_two(engine, published):
    workspace.import_upload(engine=engine, user=published["staff"], content=MORE, file_name="more.csv")
    assert set(actions.publish_preview(engine=engine, user=published["admin"], year=2025).diff["credit_code"]) \
        == {A1, A2}
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            actions.publish(engine=engine, user=published["admin"], year=2025, reason=reason)
    ended_notice(engine, 2025, by=Actor.operator("admin"))  # the correction's own notice
    publication = actions.publish(engine=engine, user=published["admin"], year=2025, reason="补录第三季度记录")
    assert (publication.version, publication.published_by) == (2, "admin")
    assert actions.years_to_publish(engine=engine, user=published["admin"]) == [2025]


def test_town_staff_cannot_upload_or_publish(engine, staff):
    town = staff["town"]
    with pytest.raises(AccessDenied):
        workspace.check_upload(engine=engine, user=town, content=BASE, file_name="base.csv")
    with pytest.raises(AccessDenied):
        workspace.import_upload(engine=engine, user=town, content=BASE, file_name="base.csv")
    with pytest.raises(AccessDenied):
        actions.publish(engine=engine, user=town, year=2025)
    assert (_count(engine, Finding), _count(engine, Publication)) == (0, 0)


def test_bureau_staff_upload_but_cannot_publish(engine, staff):
    workspace.import_upload(engine=engine, user=staff["staff"], content=BASE, file_name="base.csv")
    for action in (actions.publish, actions.publish_preview, actions.years_to_publish):
        with pytest.raises(AccessDenied):
            action(engine=engine, user=staff["staff"], **({} if action is actions.years_to_publish else {"year": 2025}))
    assert _count(engine, Publication) == 0


@pytest.mark.parametrize(("kind", "header"), [("findings", "条款"), ("visits", "报送月份"), ("reports", "报送日期"),
                                             ("registry", "本市办公地址"), ("contracts", "约定年服务次数")])
def test_each_kind_has_its_own_blank_template(engine, kind, header):
    assert header in workspace.template(engine=engine, fmt="csv", kind=kind).decode("utf-8-sig").splitlines()[0]
    assert workspace.template(engine=engine, fmt="xlsx", kind=kind)[:2] == b"PK"
    with pytest.raises(ValueError):
        workspace.template(engine=engine, kind="roster")


def test_the_blank_template_downloads_as_xlsx_and_csv(engine):
    assert workspace.template(engine=engine, fmt="xlsx")[:2] == b"PK"
    assert "统一社会信用代码" in workspace.template(engine=engine, fmt="csv").decode("utf-8-sig")
