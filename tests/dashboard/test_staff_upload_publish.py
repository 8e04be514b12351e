"""Upload → check → preview → import → publish in the workspace, and the public pages showing the new version."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.store.models import Finding, Publication, Upload
from tests import builders
from tests.dashboard.page_text import choose_section, ratings_table
from tests.dashboard.staff_helpers import (
    check_no_exception,
    errors,
    open_page,
    problems_shown,
    reachable,
    shown_text,
    sign_in,
    sign_out,
)
from tests.db.test_workspace import BAD, BASE, MORE
from tests.notices import ended_notice

A1 = builders.credit_code(1)
A2 = builders.credit_code(2)


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _upload(at, content: bytes, name: str = "findings.csv"):
    open_page(at, "upload")
    at.file_uploader(key="upload_file").set_value((name, content, "text/csv")).run()
    check_no_exception(at)
    return at


def _publish(at, engine, reason: str | None = None):
    """Publish 2025 from the page, after a notice of its own that has ended (tests.notices)."""
    ended_notice(engine, 2025, by=Actor.operator("admin"))
    open_page(at, "publish")
    if reason is not None:
        at.text_area(key="publish_reason").input(reason)
    at.checkbox(key="publish_confirm").check().run()
    at.button(key="publish_go").click().run()
    check_no_exception(at)
    return at


def test_an_invalid_upload_shows_every_problem_and_stores_nothing(staff_app, staff_db):
    sign_in(staff_app, "staff")
    _upload(staff_app, BAD, "bad.csv")
    table = problems_shown(staff_app)  # a static table: a long message wraps instead of being cut mid-sentence
    assert errors(staff_app) == [fill(CATALOGUE["staff.problems_found"][0], dict(n=len(table)))]
    assert sorted(set(table["行"].dropna().astype(int))) == [2, 3, 4, 5]
    assert {"clause", "credit_code", "assessor", "date"} <= set(table["列"])
    assert all(table["问题"].str.len() > 0)
    assert [b for b in staff_app.button if b.key == "upload_import"] == []  # no way to import a bad file
    assert (_count(staff_db, Finding), _count(staff_db, Upload)) == (0, 0)


def test_a_valid_upload_previews_the_change_then_imports_and_a_publication_reaches_the_public(staff_app, staff_db):
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    assert fill(CATALOGUE["staff.file_valid"][0], dict(rows=3)) in shown_text(staff_app)
    assert _count(staff_db, Finding) == 0  # a preview stores nothing
    staff_app.button(key="upload_import").click().run()
    assert _count(staff_db, Finding) == 3
    _publish(staff_app, staff_db)
    assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=1)) in shown_text(staff_app)
    assert [b for b in staff_app.button if b.key == "publish_go"] == []  # nothing changed since: nothing to publish

    # The public overview now shows 2025, version 1 (and caches it).
    staff_app.switch_page(PAGES["overview"][0]).run()
    assert fill(CATALOGUE["public.version_value"][0], dict(version=1)) in shown_text(staff_app)

    # More findings: the preview names who changes grade and who enters the blacklist, before anything is stored.
    _upload(staff_app, MORE, "more.csv")
    changes = staff_app.dataframe[0].value
    assert dict(zip(changes["统一社会信用代码"], changes["变化"], strict=True)) == {A1: "列入黑名单", A2: "等级变化"}
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db, reason="补录第三季度检查记录")
    assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=2)) in shown_text(staff_app)

    # At once (no cache expiry to wait for): version 2 with its reason, and the new grades.
    staff_app.switch_page(PAGES["overview"][0]).run()
    assert fill(CATALOGUE["public.version_value"][0], dict(version=2)) in shown_text(staff_app)
    choose_section(staff_app, "overview", "corrections")  # the correction's reason is drawn when chosen
    assert "补录第三季度检查记录" in shown_text(staff_app)
    staff_app.switch_page(PAGES["ratings"][0]).run()
    check_no_exception(staff_app)
    ratings = ratings_table(staff_app).value.set_index("credit_code")
    assert ratings.loc[A1, "grade"] == "黑名单" and ratings.loc[A2, "total"] == 85


def test_a_correction_without_a_reason_is_refused(staff_app, staff_db):
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE)
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db)
    _upload(staff_app, MORE, "more.csv")
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db, reason="   ")
    assert errors(staff_app) == [CATALOGUE["staff.reason_required"][0]]
    assert _count(staff_db, Publication) == 1


def test_only_bureau_roles_upload_and_only_admins_publish(staff_app, staff_db):
    sign_in(staff_app, "town")
    assert {"upload", "publish"} & reachable(staff_app) == set()
    sign_out(staff_app)
    sign_in(staff_app, "staff")
    assert "upload" in reachable(staff_app) and "publish" not in reachable(staff_app)


def test_the_preview_shows_a_dash_not_none_where_an_agency_had_no_total(staff_app):
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")  # nothing published yet: every agency is new
    before, after = CATALOGUE["staff.total_before"][0], CATALOGUE["staff.total_after"][0]
    diffs = [df.value for df in staff_app.dataframe if before in df.value.columns]
    assert diffs and all(set(d[before]) == {"—"} for d in diffs)
    assert all(d[after].str.fullmatch(r"\d+").all() for d in diffs)


def test_a_reencoded_file_of_stored_findings_is_named_and_imported_only_after_a_tick(staff_app, staff_db):
    sign_in(staff_app, "staff")
    _upload(staff_app, BASE, "base.csv")
    staff_app.button(key="upload_import").click().run()
    assert _count(staff_db, Finding) == 3
    _upload(staff_app, BASE.decode().encode("gb18030").replace(b"\n", b"\r\n"), "base-gbk.csv")  # other bytes
    # The repeats warning (row 3 also repeats a finding in a period already at its floor: a warning of its own).
    [warning] = [w.value for w in staff_app.warning if "完全相同" in w.value]
    assert "此文件有3条扣分记录与已存记录或本文件前面的行完全相同" in warning and "3 findings in this file are identical" in warning
    table = staff_app.dataframe[0].value
    assert table["行"].tolist() == [2, 3, 4]
    assert table["条款"].tolist() == ["3.1", "2.1", "3.4"] and table["日期"].tolist() == ["2025-05-10"] * 3
    assert table["相同的已存记录来自"].str.startswith("base.csv").all()
    assert staff_app.button(key="upload_import").disabled
    assert staff_app.checkbox(key="upload_allow_repeats").label == "这些记录与已存记录相同，仍然导入 / import anyway"
    staff_app.checkbox(key="upload_allow_repeats").check().run()
    staff_app.button(key="upload_import").click().run()
    check_no_exception(staff_app)
    assert _count(staff_db, Finding) == 6
