"""Publishing on the staff page writes the static edition after the commit; when it cannot, the page says so in a
warning and the publication stands."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from db.store.models import Publication
from tests.dashboard.staff_helpers import shown_text, sign_in
from tests.dashboard.test_staff_upload_publish import _publish, _upload
from tests.db.test_workspace import BASE


def _published(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Publication)).one()


def test_publishing_writes_the_edition(staff_app, staff_db, monkeypatch, tmp_path):
    monkeypatch.setenv("EDITION_DIR", str(tmp_path / "edition"))
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db)
    assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=1)) in shown_text(staff_app)
    assert CATALOGUE["staff.edition_failed"][0] not in shown_text(staff_app)
    assert (tmp_path / "edition" / "files" / "jiangyin-credit-2025-v1.json").is_file()


def test_a_failed_edition_is_said_and_the_publication_stands(staff_app, staff_db, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("where the edition's folder would go")
    monkeypatch.setenv("EDITION_DIR", str(blocker / "edition"))
    sign_in(staff_app, "admin")
    _upload(staff_app, BASE, "base.csv")
    staff_app.button(key="upload_import").click().run()
    _publish(staff_app, staff_db)
    text = shown_text(staff_app)
    assert fill(CATALOGUE["staff.published"][0], dict(year=2025, version=1)) in text
    assert CATALOGUE["staff.edition_failed"][0] in text
    assert _published(staff_db) == 1
