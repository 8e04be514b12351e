"""No password, password hash or session token in logs, pages, the audit log or any export."""

from __future__ import annotations

import io
import logging

import openpyxl
from sqlmodel import Session, select

from dashboard.staff import session as staff_session
from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.accounts.audit_log import audit_csv, audit_entries
from db.accounts.users import authenticate
from db.documents.export import export_publication
from db.store.models import User
from tests.builders import PASSWORD
from tests.dashboard.staff_helpers import open_page, shown_text, sign_in, sign_out
from tests.db.test_workspace import BASE
from tests.notices import ended_notice

NEW_USER = "liwenjuan_qa7"  # distinctive: a short name such as "li" is inside many words
WRONG_GUESS = "wrong-guess-4711"
NEW_PASSWORD = "fresh secret 0815"
RESET_PASSWORD = "reset secret 2342"


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)


def test_no_secret_reaches_logs_pages_audit_or_exports(staff_app, staff_db, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def look():
        seen.append(shown_text(staff_app))
        seen.extend(str(e.value) for e in staff_app.text_input)  # what the inputs still hold

    sign_in(staff_app, "admin", WRONG_GUESS)
    look()
    sign_in(staff_app, "admin")
    look()
    tokens = [staff_app.session_state[staff_session.TOKEN_KEY]]

    open_page(staff_app, "users")
    form = [e for e in staff_app.text_input]
    form[0].input(NEW_USER)
    next(e for e in staff_app.selectbox if e.label in ("角色",)).select("bureau_staff")
    pw_inputs = [e for e in staff_app.text_input if e.proto.type == e.proto.PASSWORD]
    pw_inputs[0].input(NEW_PASSWORD)
    pw_inputs[1].input(NEW_PASSWORD)
    staff_app.get("form_submit_button")[0].click().run()
    look()
    staff_app.selectbox(key="users_choice").select("town").run()
    pw_inputs = [e for e in staff_app.text_input if e.proto.type == e.proto.PASSWORD][-2:]
    pw_inputs[0].input(RESET_PASSWORD)
    pw_inputs[1].input(RESET_PASSWORD)
    staff_app.get("form_submit_button")[-1].click().run()
    look()

    open_page(staff_app, "upload")
    staff_app.file_uploader(key="upload_file").set_value(("base.csv", BASE, "text/csv")).run()
    staff_app.button(key="upload_import").click().run()
    ended_notice(staff_db, 2025, by=Actor.operator("admin"))
    open_page(staff_app, "publish")
    staff_app.checkbox(key="publish_confirm").check().run()
    staff_app.button(key="publish_go").click().run()
    look()
    for key in ("home", "record_finding", "record_interview", "towns", "audit"):
        open_page(staff_app, key)
        look()
    for page in PAGES.values():
        staff_app.switch_page(page[0]).run()
        look()
    sign_out(staff_app)
    sign_in(staff_app, NEW_USER, NEW_PASSWORD)
    tokens.append(staff_app.session_state[staff_session.TOKEN_KEY])
    look()

    assert authenticate(engine=staff_db, username="town", password=RESET_PASSWORD)  # the reset did happen
    admin = Actor.of({"username": "admin", "role": "bureau_admin"})
    seen.append(audit_csv(audit_entries(engine=staff_db, user=admin)).decode("utf-8-sig"))
    seen.append(export_publication(engine=staff_db, year=2025, fmt="csv").decode("utf-8-sig"))
    seen.append(export_publication(engine=staff_db, year=2025, fmt="json").decode("utf-8"))
    seen.append(_xlsx_text(export_publication(engine=staff_db, year=2025, fmt="xlsx")))
    seen.extend(record.getMessage() for record in caplog.records)
    out, err = capsys.readouterr()
    seen += [out, err]

    with Session(staff_db) as s:
        hashes = [u.password_hash for u in s.exec(select(User)).all()]
    everything = "\n".join(seen)
    # The scan saw the pages it is meant to see: the new account's name (listed, audited) and a published year.
    assert NEW_USER in everything and "已发布" in everything
    secrets = {"password": [PASSWORD, WRONG_GUESS, NEW_PASSWORD, RESET_PASSWORD], "hash": [*hashes, "$argon2"],
               "token": tokens}
    leaks = {kind: [s for s in values if s in everything] for kind, values in secrets.items()}
    assert leaks == {"password": [], "hash": [], "token": []}
