"""AppTest fixtures: the demo data set (db.demo.seed) in a temp SQLite file, plus findings of 2026 that were never
published; each test gets its own copy, with the app pointed at it through DATABASE_URL and its caches empty.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from db.accounts.actor import Actor
from db.app_db import get_ready_engine
from db.store.settings import get_settings
from db.uploads.imports import import_findings

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 30
UNPUBLISHED_YEAR = 2026
UNPUBLISHED_DESCRIPTION = "未公示的情况说明：2026年3月现场核查发现报告代签（测试）"


def unpublished_findings(credit_code: str, agency_name: str) -> bytes:
    """A findings file of a year nobody has published: it must never reach a public page."""
    rows = [
        "统一社会信用代码,机构名称,条款,评定单位,考核期,日期,执业人员,情况说明,文书编号",
        f"{credit_code},{agency_name},2.1,市应急管理局,,2026-03-05,,{UNPUBLISHED_DESCRIPTION},澄安监〔2026〕1号",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """One database file, seeded once per test session the way the app seeds an empty database."""
    path = tmp_path_factory.mktemp("public-db") / "seeded.db"
    url = f"sqlite:///{path}"
    engine = get_ready_engine(url, settings=get_settings({"DATABASE_URL": url, "SEED_DEMO": "1"}))
    with engine.connect() as conn:
        code, name = conn.execute(text("SELECT credit_code, name FROM agency ORDER BY id LIMIT 1")).one()
    import_findings(engine=engine, content=unpublished_findings(code, name), file_name="2026.csv",
                    by=Actor.operator("test"))
    with engine.connect() as conn:  # fold the WAL into the file, so that a plain copy holds everything
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return path


@pytest.fixture
def app_db(seeded_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the seeded database for one test, with the app's caches empty."""
    path = tmp_path / "app.db"
    shutil.copy(seeded_db, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("SEED_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(app_db):
    """A fresh AppTest of the whole site (not yet run)."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture(autouse=True)
def _background_runs_end_with_the_test(monkeypatch):
    # A page may start the suggestions queue's watch in a background thread (after an import, a filing, or on the
    # queue page): it must finish before the test's database goes away. The queue page waits for a run it had to
    # start (the test machine is shared: 1.5 s is not always enough); tests of its "being computed" note set 0.
    from dashboard.staff import queue

    monkeypatch.setattr(queue, "FIRST_WAIT_SECONDS", 120)
    yield
    queue.wait_all()


@pytest.fixture(autouse=True, scope="session")
def _quiet_streamlit():
    # Outside a running app Streamlit warns about a missing ScriptRunContext on every cache clear.
    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


# The staff workspace's fixtures (staff_db, staff_app; cheap argon2 for the many sign-ins): tests/dashboard/staff_helpers.py.
from tests.dashboard.staff_helpers import staff_app, staff_db  # noqa: E402, F401
