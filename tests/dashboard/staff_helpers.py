"""Fixtures and steps for the staff workspace's AppTest tests: an empty migrated database with one account per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from dashboard.plain import WORD_JOINER
from dashboard.staff.session import STAFF_PAGES
from db.app_db import prepare
from db.store.engine import make_engine
from tests.builders import PASSWORD, make_staff

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


@pytest.fixture
def staff_db(tmp_path, monkeypatch, fast_argon2) -> Iterator[Engine]:
    """A migrated SQLite database with the default towns and three accounts (admin, staff, town), no demo data."""
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SEED_DEMO", "0")
    engine = make_engine(url)
    prepare(engine)
    make_staff(engine)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield engine
    engine.dispose()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def staff_app(staff_db) -> AppTest:
    """The whole site, run once (signed out, on the public default page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def open_page(at: AppTest, key: str) -> AppTest:
    """Switch to a staff page (ValueError when the page does not exist in this session)."""
    return at.switch_page(STAFF_PAGES[key][0]).run()


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill the sign-in form and submit it."""
    open_page(at, "home")
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return at.get("form_submit_button")[0].click().run()


def reachable(at: AppTest) -> set[str]:
    """The staff pages this session can switch to."""
    out = set()
    for key in STAFF_PAGES:
        try:
            at.switch_page(STAFF_PAGES[key][0])
        except ValueError:
            continue
        out.add(key)
    return out


def shown_text(at: AppTest) -> str:
    """Every text the page shows: headings, markdown, notices, captions, labels and table cells."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("text_input", "text_area", "selectbox", "button", "checkbox", "radio", "number_input"):
        parts += [str(getattr(e, "label", "")) for e in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for table in at.table:
        parts.append(unescaped(table.value).to_csv())
    return "\n".join(parts)


def as_read(value: object) -> object:
    """A text shown through plain.md as people read it: plain.md escapes every ASCII punctuation with a backslash
    (and adds word joiners)."""
    return re.sub(r"\\(.)", r"\1", value.replace(WORD_JOINER, "")) if isinstance(value, str) else value


def unescaped(table: pd.DataFrame) -> pd.DataFrame:
    """An st.table's cells and column names (Markdown made safe by plain.md) as the text they show."""
    out = table.map(as_read)
    out.columns = [as_read(c) for c in table.columns]
    return out


def problems_shown(at: AppTest) -> pd.DataFrame:
    """The upload page's problems table (st.table, so long messages wrap), as the text it shows."""
    return unescaped(at.table[0].value)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def check_no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(at.exception[0].stack_trace)


def sign_out(at: AppTest) -> AppTest:
    """Click "sign out" on the workspace page."""
    from dashboard.text import CATALOGUE

    open_page(at, "home")
    return next(b for b in at.button if b.label == CATALOGUE["common.sign_out"][0]).click().run()


def placeholders(at: AppTest) -> dict[str, str]:
    """The placeholder of every selectbox and multiselect on the page, by key ("" where the page gave none, which
    Streamlit shows as its English "Choose an option")."""
    return {w.key: w.proto.placeholder for w in [*at.selectbox, *at.multiselect]}
